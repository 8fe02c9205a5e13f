import {
  CancellationReason,
  InvalidTransitionError,
  OrderCancelledError,
  ValidationError,
  type OrderCommand,
  type OrderState,
  type SkuQuantity,
  type StockChange,
} from '../../domain/orders';
import { OutOfStockError, type StockLeft } from '../../domain/inventory';
import { PaymentDeclinedError } from '../../adapters/payments/payment-provider';
import { UnreadablePaymentMethodError } from '../../adapters/payments/payment-method-reference';
import type { EventStore } from '../../adapters/dynamodb/event-store';
import type { InventoryStore } from '../../adapters/dynamodb/inventory-store';
import type { PaymentProvider } from '../../adapters/payments/payment-provider';
import { loadOrder, loadOrderStream, record } from '../shared/order-commands';
import { logger, timedPaymentCall } from '../shared/observability';

/*
 * The saga's steps. Each is idempotent: it reads the order's stream first and does only what the
 * stream does not record yet, and every call to the outside (inventory, payment provider) is itself
 * idempotent by the order id, so a step retried after a crash never acts twice. Compensations are safe
 * when their forward step never ran, or ran twice.
 */

export interface StepDeps {
  readonly store: EventStore;
  readonly inventory: InventoryStore;
  readonly payments: PaymentProvider;
  /** Turns the payment-method reference OrderPlaced records back into the token, for this order only. */
  readonly paymentMethods: { open(reference: string, orderId: string): string };
  /** Closes the order's review if it is still open (the CancelOrder step only). */
  readonly closeReview?: (orderId: string, reason: CancellationReason) => Promise<unknown>;
}

export interface StepInput {
  readonly orderId: string;
}

const causation = (step: string) => `saga:${step}`;

/** The idempotency key of the order's authorization: also how the provider finds it again. */
const authorizeKey = (orderId: string) => `authorize:${orderId}`;

/** A forward step may not run on an order the customer cancelled: the saga compensates instead. */
function refuseCancelled(order: OrderState): void {
  if (order.status === 'CANCELLED') throw new OrderCancelledError(order.orderId);
}

async function recordForward(
  deps: StepDeps,
  step: string,
  command: OrderCommand,
  current: OrderState,
): Promise<OrderState> {
  try {
    return (await record(deps.store, command, causation(step), { current })).state;
  } catch (error) {
    if (error instanceof InvalidTransitionError && error.from === 'CANCELLED')
      throw new OrderCancelledError(command.orderId);
    throw error;
  }
}

/**
 * The lines with the stock inventory reported left after the change. The inventory keeps the first read
 * with the reservation, so a retried step records the same numbers; a SKU it could not read stays
 * without `available`.
 */
const withStockLeft = (lines: readonly SkuQuantity[], stockLeft: StockLeft = {}): StockChange[] =>
  lines.map(({ sku, quantity }) => {
    const available = stockLeft[sku];
    return available === undefined ? { sku, quantity } : { sku, quantity, available };
  });

export async function reserveInventory(deps: StepDeps, { orderId }: StepInput) {
  const order = await loadOrder(deps.store, orderId);
  refuseCancelled(order);
  if (order.reservations.length > 0) return { reserved: order.reservations };
  const lines = order.items.map(({ sku, quantity }) => ({ sku, quantity }));
  let stockLeft: StockLeft | undefined;
  try {
    stockLeft = (await deps.inventory.reserve(orderId, lines)).reservation.availableAfterReserve;
  } catch (error) {
    if (error instanceof OutOfStockError) {
      await recordForward(
        deps,
        'ReserveInventory',
        {
          type: 'RecordInventoryReservationFailed',
          orderId,
          reason: 'OUT_OF_STOCK',
          skus: [...error.skus],
        },
        order,
      );
    }
    throw error;
  }
  await recordForward(
    deps,
    'ReserveInventory',
    {
      type: 'RecordInventoryReserved',
      orderId,
      reservations: withStockLeft(lines, stockLeft),
    },
    order,
  );
  return { reserved: lines };
}

export async function authorizePayment(deps: StepDeps, { orderId }: StepInput) {
  const { state: order, stored } = await loadOrderStream(deps.store, orderId);
  refuseCancelled(order);
  if (order.authorizationId !== undefined) return { total: order.total };
  const placed = stored.find((event) => event.metadata.type === 'OrderPlaced');
  try {
    const token = paymentTokenOf(deps, orderId, placed?.data);
    const authorization = await timedPaymentCall('authorize', () =>
      deps.payments.authorize({
        orderId,
        amount: order.total,
        currency: order.currency,
        token,
        idempotencyKey: authorizeKey(orderId),
      }),
    );
    await recordForward(
      deps,
      'AuthorizePayment',
      {
        type: 'RecordPaymentAuthorized',
        orderId,
        authorizationId: authorization.authorizationId,
        amount: authorization.amount,
        currency: authorization.currency,
      },
      order,
    );
  } catch (error) {
    if (error instanceof PaymentDeclinedError) {
      await recordForward(
        deps,
        'AuthorizePayment',
        {
          type: 'RecordPaymentDeclined',
          orderId,
          reason: error.code,
        },
        order,
      );
    }
    throw error;
  }
  return { total: order.total };
}

/**
 * The token to authorize with: opened from the order's payment-method reference, or, for an order
 * recorded before references existed (OrderPlaced schema version 1), its raw `paymentToken`. A reference
 * this stack cannot open (another stack's, or sealed under a rotated secret) declines the payment: the
 * money cannot be taken, so the order is cancelled like any other decline.
 */
function paymentTokenOf(deps: StepDeps, orderId: string, data: unknown): string {
  const { paymentMethod, paymentToken } = (data ?? {}) as {
    paymentMethod?: { reference?: unknown };
    paymentToken?: unknown;
  };
  if (typeof paymentMethod?.reference === 'string') {
    try {
      return deps.paymentMethods.open(paymentMethod.reference, orderId);
    } catch (error) {
      if (!(error instanceof UnreadablePaymentMethodError)) throw error;
      throw new PaymentDeclinedError(
        'authorize',
        'payment_method_unreadable',
        'unreadable_reference',
        error.message,
      );
    }
  }
  return typeof paymentToken === 'string' ? paymentToken : '';
}

export async function confirmOrder(
  deps: StepDeps,
  { orderId, shipmentId }: StepInput & { shipmentId: string },
) {
  let order = await loadOrder(deps.store, orderId);
  refuseCancelled(order);
  if (order.status === 'CONFIRMED') return { confirmed: true };
  order = await recordForward(
    deps,
    'ConfirmOrder',
    { type: 'RecordShipmentScheduled', orderId, shipmentId },
    order,
  );
  if (order.captureId === undefined) {
    const capture = await timedPaymentCall('capture', () =>
      deps.payments.capture({
        authorizationId: order.authorizationId ?? '',
        amount: order.authorizedAmount,
        idempotencyKey: `capture:${orderId}`,
      }),
    );
    order = await recordForward(
      deps,
      'ConfirmOrder',
      {
        type: 'RecordPaymentCaptured',
        orderId,
        captureId: capture.captureId,
        amount: capture.amount,
      },
      order,
    );
  }
  await deps.inventory.commit(orderId);
  await recordForward(deps, 'ConfirmOrder', { type: 'ConfirmOrder', orderId }, order);
  return { confirmed: true };
}

/**
 * The authorization RefundPayment must release. The stream's, when it recorded one; otherwise the
 * provider may still hold one the stream never heard of: it authorized but answered after the client's
 * timeout, or the customer cancelled while the call was in flight, so the step could not record it.
 * The provider finds that one by the key it was made with. A found authorization is recorded when the
 * order can still take it (the void that follows is then recorded against it); a cancelled order
 * records only the release, which the domain accepts without an authorization.
 */
async function authorizationToRelease(
  deps: StepDeps,
  order: OrderState,
): Promise<{ authorizationId?: string; amount: number }> {
  if (order.authorizationId !== undefined)
    return { authorizationId: order.authorizationId, amount: order.authorizedAmount };
  // AuthorizePayment runs only after the reservation is recorded, and a decline holds nothing: without
  // both, no authorization can exist and the provider is not asked.
  if (order.reservations.length === 0 || order.paymentDeclineReason !== undefined) return { amount: 0 };
  const held = await timedPaymentCall('lookup', () =>
    deps.payments.findAuthorization(authorizeKey(order.orderId)),
  );
  if (held === undefined) return { amount: 0 };
  logger.warn('unrecorded payment authorization found', { authorizationId: held.authorizationId });
  try {
    await record(
      deps.store,
      {
        type: 'RecordPaymentAuthorized',
        orderId: order.orderId,
        authorizationId: held.authorizationId,
        amount: held.amount,
        currency: held.currency,
      },
      causation('RefundPayment'),
    );
  } catch (error) {
    // Cancelled (now or meanwhile): a cancelled order takes the release without the authorization.
    if (!(error instanceof InvalidTransitionError && error.from === 'CANCELLED')) throw error;
  }
  return { authorizationId: held.authorizationId, amount: held.amount };
}

/** Gives back what was taken: a refund after capture, a void before it, nothing when nothing was taken. */
export async function refundPayment(deps: StepDeps, { orderId }: StepInput) {
  const loaded = await loadOrder(deps.store, orderId);
  // A confirmed order keeps its money. Reaching here means ConfirmOrder's answer was lost after it
  // recorded the outcome; failing loudly (the saga fails, its alarm fires) beats refunding a sale.
  if (loaded.status === 'CONFIRMED')
    throw new InvalidTransitionError(orderId, loaded.status, 'RefundPayment');
  if (loaded.refundId !== undefined) return { refunded: 0 };
  if (loaded.captureId !== undefined) {
    const { captureId } = loaded;
    const refund = await timedPaymentCall('refund', () =>
      deps.payments.refund({
        captureId,
        amount: loaded.capturedAmount - loaded.refundedAmount,
        idempotencyKey: `refund:${orderId}`,
      }),
    );
    await record(
      deps.store,
      { type: 'RecordPaymentRefunded', orderId, refundId: refund.refundId, amount: refund.amount },
      causation('RefundPayment'),
      { current: loaded },
    );
    return { refunded: refund.amount };
  }
  const { authorizationId, amount } = await authorizationToRelease(deps, loaded);
  if (authorizationId === undefined) return { refunded: 0 };
  await timedPaymentCall('void', () =>
    deps.payments.void({ authorizationId, idempotencyKey: `void:${orderId}` }),
  );
  await record(
    deps.store,
    { type: 'RecordPaymentRefunded', orderId, refundId: `void:${authorizationId}`, amount },
    causation('RefundPayment'),
  );
  return { refunded: amount };
}

/** Releases only what this order holds; a second call, or one without a reservation, releases nothing. */
export async function releaseInventory(deps: StepDeps, { orderId }: StepInput) {
  const order = await loadOrder(deps.store, orderId);
  const { available } = await deps.inventory.release(orderId);
  if (order.reservations.length > 0 && !order.inventoryReleased) {
    await record(
      deps.store,
      { type: 'RecordInventoryReleased', orderId, released: withStockLeft(order.reservations, available) },
      causation('ReleaseInventory'),
      { current: order },
    );
  }
  return { released: order.inventoryReleased ? [] : order.reservations };
}

export async function cancelOrder(deps: StepDeps, { orderId, reason }: StepInput & { reason: string }) {
  if (!CancellationReason.is(reason)) {
    throw new ValidationError([
      { path: 'reason', rule: 'enum', message: `${reason} is not a cancellation reason` },
    ]);
  }
  const { state } = await record(
    deps.store,
    { type: 'CancelOrder', orderId, reason },
    causation('CancelOrder'),
  );
  // A review still open now (above all one that timed out, which nobody decided) leaves GET /reviews.
  if (state.review !== 'NONE' && state.cancellationReason !== undefined)
    await deps.closeReview?.(orderId, state.cancellationReason);
  return { status: state.status, reason: state.cancellationReason };
}
