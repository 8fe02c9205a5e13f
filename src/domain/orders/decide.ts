import * as E from 'fp-ts/Either';
import { type DomainError, type FieldIssue, ValidationError } from '../shared/errors';
import { InvalidTransitionError, OrderNotCancellableError, OrderNotFoundError } from './errors';
import type {
  ApproveReview,
  CancelOrder,
  ConfirmOrder,
  OrderCommand,
  PlaceOrder,
  RecordInventoryReleased,
  RecordInventoryReservationFailed,
  RecordInventoryReserved,
  RecordPaymentAuthorized,
  RecordPaymentCaptured,
  RecordPaymentDeclined,
  RecordPaymentRefunded,
  RecordShipmentScheduled,
  RequestReview,
} from './commands';
import type { CancellationReason, OrderEvent } from './events';
import { orderTotal, type SkuQuantity, type StockChange } from './order-values';
import type { PlaceOrderRequest } from './place-order';
import { priceLines } from './pricing';
import { canonicalJson } from './request-hash';
import { canCustomerCancel, isUnwinding, type OrderState, type OrderStatus, refundableAmount } from './state';

export interface DecideContext {
  /** The current time (ISO-8601), passed in so that deciding stays pure. */
  readonly now: string;
}

/**
 * Either the events a command produces or why it is refused. `Right([])` means "already done": a
 * repeated command is answered with no new events rather than an error, so at-least-once callers (the
 * saga, queue consumers) can retry freely.
 */
export type Decision = E.Either<DomainError, OrderEvent[]>;

/**
 * Decides what a command means for an order. Checks, in order:
 * 1. the order exists (except for PlaceOrder) and the command is addressed to it;
 * 2. the command repeats something already recorded: `[]`;
 * 3. the status allows it (terminal orders allow nothing new; once the order unwinds, only
 *    compensation and cancellation are allowed): otherwise InvalidTransitionError;
 * 4. the payload agrees with the order (amounts, SKUs): otherwise ValidationError.
 *
 * Compensation facts (refund, release) are also accepted on a CANCELLED order: a customer may cancel
 * while stock is reserved and payment authorized, and the undoing that follows must be recorded.
 */
export const decide = (
  command: OrderCommand,
  state: OrderState | undefined,
  ctx: DecideContext,
): Decision => {
  if (command.type === 'PlaceOrder') return placeOrder(command, state);
  if (state === undefined) return E.left(new OrderNotFoundError(command.orderId));
  if (command.orderId !== state.orderId) {
    return invalid([{ path: 'orderId', rule: 'mismatch', message: `must be ${state.orderId}` }]);
  }
  switch (command.type) {
    case 'RecordInventoryReserved':
      return recordInventoryReserved(command, state);
    case 'RecordInventoryReservationFailed':
      return recordInventoryReservationFailed(command, state);
    case 'RecordPaymentAuthorized':
      return recordPaymentAuthorized(command, state);
    case 'RecordPaymentDeclined':
      return recordPaymentDeclined(command, state);
    case 'RequestReview':
      return requestReview(command, state);
    case 'ApproveReview':
      return approveReview(command, state);
    case 'RecordShipmentScheduled':
      return recordShipmentScheduled(command, state);
    case 'RecordPaymentCaptured':
      return recordPaymentCaptured(command, state);
    case 'ConfirmOrder':
      return confirmOrder(command, state, ctx);
    case 'RecordPaymentRefunded':
      return recordPaymentRefunded(command, state);
    case 'RecordInventoryReleased':
      return recordInventoryReleased(command, state);
    case 'CancelOrder':
      return cancelOrder(command, state);
  }
};

const alreadyDone: Decision = E.right([]);
const emit = (...events: OrderEvent[]): Decision => E.right(events);
const refuse = (state: OrderState, command: OrderCommand): Decision =>
  E.left(new InvalidTransitionError(state.orderId, state.status, command.type));
const invalid = (issues: FieldIssue[]): Decision => E.left(new ValidationError(issues));

/** A step forward is allowed only in the given statuses and only while the order is not unwinding. */
const canStepForward = (state: OrderState, from: readonly OrderStatus[]): boolean =>
  from.includes(state.status) && !isUnwinding(state);

/**
 * Prices the order from the catalogue (see `priceLines` for what is refused) and records it with the
 * payment-method reference, never the token. A repeat of PlaceOrder for the same id is a retry if it asks
 * for the same order (the time and the catalogue may differ on a retry, so neither is compared: the order
 * keeps the prices it was placed at); anything else reusing the id is refused.
 */
const placeOrder = (command: PlaceOrder, state: OrderState | undefined): Decision => {
  const { orderId, placedAt, request, prices, paymentMethod } = command;
  if (state !== undefined) return asksForSameOrder(state, request) ? alreadyDone : refuse(state, command);
  const priced = priceLines(request.items, request.currency, prices);
  if (E.isLeft(priced)) return priced;
  return emit({
    type: 'OrderPlaced',
    data: {
      orderId,
      customerId: request.customerId,
      items: priced.right,
      currency: request.currency,
      total: orderTotal(priced.right),
      paymentMethod: { reference: paymentMethod.reference },
      shippingAddress: { ...request.shippingAddress },
      placedAt,
    },
  });
};

/** Same customer, currency, address and lines; a quoted unit price must be the one the order was placed at. */
const asksForSameOrder = (state: OrderState, request: PlaceOrderRequest): boolean =>
  state.customerId === request.customerId &&
  state.currency === request.currency &&
  canonicalJson(state.shippingAddress) === canonicalJson(request.shippingAddress) &&
  state.items.length === request.items.length &&
  request.items.every((line, i) => {
    const placed = state.items[i];
    return (
      placed !== undefined &&
      placed.sku === line.sku &&
      placed.quantity === line.quantity &&
      (line.unitPrice === undefined || line.unitPrice === placed.unitPrice)
    );
  });

const recordInventoryReserved = (command: RecordInventoryReserved, state: OrderState): Decision => {
  if (state.reservations.length > 0) return alreadyDone;
  if (!canStepForward(state, ['PENDING'])) return refuse(state, command);
  const issues = compareLines('reservations', command.reservations, state.items, 'exact');
  if (issues.length > 0) return invalid(issues);
  return emit({
    type: 'InventoryReserved',
    data: { orderId: state.orderId, reservations: copyLines(command.reservations) },
  });
};

const recordInventoryReservationFailed = (
  command: RecordInventoryReservationFailed,
  state: OrderState,
): Decision => {
  if (state.reservationFailure !== undefined) return alreadyDone;
  if (!canStepForward(state, ['PENDING'])) return refuse(state, command);
  return emit({
    type: 'InventoryReservationFailed',
    data: { orderId: state.orderId, reason: command.reason, skus: [...command.skus] },
  });
};

const recordPaymentAuthorized = (command: RecordPaymentAuthorized, state: OrderState): Decision => {
  if (state.authorizationId !== undefined) {
    // A different authorization would be a second hold on the customer's money, not a repeat.
    return state.authorizationId === command.authorizationId ? alreadyDone : refuse(state, command);
  }
  if (!canStepForward(state, ['INVENTORY_RESERVED'])) return refuse(state, command);
  const issues: FieldIssue[] = [];
  if (command.amount !== state.total) {
    issues.push({
      path: 'amount',
      rule: 'amountMismatch',
      message: `must equal the order total ${state.total}`,
    });
  }
  if (command.currency !== state.currency) {
    issues.push({ path: 'currency', rule: 'currencyMismatch', message: `must be ${state.currency}` });
  }
  if (issues.length > 0) return invalid(issues);
  return emit({
    type: 'PaymentAuthorized',
    data: {
      orderId: state.orderId,
      authorizationId: command.authorizationId,
      amount: command.amount,
      currency: command.currency,
    },
  });
};

const recordPaymentDeclined = (command: RecordPaymentDeclined, state: OrderState): Decision => {
  if (state.paymentDeclineReason !== undefined) return alreadyDone;
  if (!canStepForward(state, ['INVENTORY_RESERVED'])) return refuse(state, command);
  return emit({ type: 'PaymentDeclined', data: { orderId: state.orderId, reason: command.reason } });
};

const requestReview = (command: RequestReview, state: OrderState): Decision => {
  if (state.review !== 'NONE') return alreadyDone;
  if (!canStepForward(state, ['PAYMENT_AUTHORIZED'])) return refuse(state, command);
  return emit({ type: 'ReviewRequested', data: { orderId: state.orderId, total: state.total } });
};

const approveReview = (command: ApproveReview, state: OrderState): Decision => {
  if (state.review === 'APPROVED') return alreadyDone;
  if (!canStepForward(state, ['AWAITING_REVIEW'])) return refuse(state, command);
  return emit({ type: 'ReviewApproved', data: { orderId: state.orderId, reviewer: command.reviewer } });
};

const recordShipmentScheduled = (command: RecordShipmentScheduled, state: OrderState): Decision => {
  if (state.shipmentId !== undefined) {
    return state.shipmentId === command.shipmentId ? alreadyDone : refuse(state, command);
  }
  // PAYMENT_AUTHORIZED with a review pending is impossible: requesting review moves to AWAITING_REVIEW.
  if (!canStepForward(state, ['PAYMENT_AUTHORIZED'])) return refuse(state, command);
  return emit({
    type: 'ShipmentScheduled',
    data: { orderId: state.orderId, shipmentId: command.shipmentId },
  });
};

/** Capture comes before confirmation: a CONFIRMED order is terminal and records nothing more. */
const recordPaymentCaptured = (command: RecordPaymentCaptured, state: OrderState): Decision => {
  if (state.captureId !== undefined) {
    return state.captureId === command.captureId ? alreadyDone : refuse(state, command);
  }
  if (!canStepForward(state, ['PAYMENT_AUTHORIZED', 'SHIPPING_SCHEDULED'])) return refuse(state, command);
  const issues = checkAmount(command.amount, state.authorizedAmount, 'the authorized amount');
  if (issues.length > 0) return invalid(issues);
  return emit({
    type: 'PaymentCaptured',
    data: { orderId: state.orderId, captureId: command.captureId, amount: command.amount },
  });
};

const confirmOrder = (command: ConfirmOrder, state: OrderState, ctx: DecideContext): Decision => {
  if (state.status === 'CONFIRMED') return alreadyDone;
  if (!canStepForward(state, ['SHIPPING_SCHEDULED'])) return refuse(state, command);
  return emit({ type: 'OrderConfirmed', data: { orderId: state.orderId, confirmedAt: ctx.now } });
};

/**
 * Without a recorded authorization a refund is accepted only on a CANCELLED order: the authorization
 * can have raced the cancellation (and been refused), yet the money it held must still be returned
 * and recorded. Its bound is then the order total.
 */
const recordPaymentRefunded = (command: RecordPaymentRefunded, state: OrderState): Decision => {
  if (state.refundId !== undefined) {
    return state.refundId === command.refundId ? alreadyDone : refuse(state, command);
  }
  if (state.status === 'CONFIRMED') return refuse(state, command);
  let refundable: number;
  if (state.authorizationId !== undefined) refundable = refundableAmount(state);
  else if (state.status === 'CANCELLED') refundable = state.total - state.refundedAmount;
  else return refuse(state, command);
  const issues = checkAmount(command.amount, refundable, 'the amount held');
  if (issues.length > 0) return invalid(issues);
  return emit({
    type: 'PaymentRefunded',
    data: { orderId: state.orderId, refundId: command.refundId, amount: command.amount },
  });
};

/** Like refunds, a release without recorded reservations is accepted only once the order is CANCELLED. */
const recordInventoryReleased = (command: RecordInventoryReleased, state: OrderState): Decision => {
  if (state.inventoryReleased) return alreadyDone;
  if (state.status === 'CONFIRMED') return refuse(state, command);
  let issues: FieldIssue[];
  if (state.reservations.length > 0)
    issues = compareLines('released', command.released, state.reservations, 'exact');
  else if (state.status === 'CANCELLED')
    issues = compareLines('released', command.released, state.items, 'within');
  else return refuse(state, command);
  if (issues.length > 0) return invalid(issues);
  return emit({
    type: 'InventoryReleased',
    data: { orderId: state.orderId, released: copyLines(command.released) },
  });
};

/** Cancellations a person asks for through the API (not the saga's own): refused once shipping is scheduled. */
const REQUESTED_CANCELLATIONS: readonly CancellationReason[] = ['CUSTOMER_CANCELLED', 'OPERATOR_CANCELLED'];

const cancelOrder = (command: CancelOrder, state: OrderState): Decision => {
  if (state.status === 'CANCELLED') return alreadyDone;
  if (REQUESTED_CANCELLATIONS.includes(command.reason) && !canCustomerCancel(state)) {
    return E.left(new OrderNotCancellableError(state.orderId, state.status));
  }
  if (state.status === 'CONFIRMED') return refuse(state, command);
  return emit({
    type: 'OrderCancelled',
    data: {
      orderId: state.orderId,
      reason: command.reason,
      ...(command.detail === undefined ? {} : { detail: command.detail }),
    },
  });
};

/** Only the fields the events define are copied; `available` only when inventory reported it. */
const copyLines = (lines: readonly StockChange[]): StockChange[] =>
  lines.map(({ sku, quantity, available }) =>
    available === undefined ? { sku, quantity } : { sku, quantity, available },
  );

const checkAmount = (amount: number, max: number, what: string): FieldIssue[] => {
  if (!Number.isSafeInteger(amount) || amount < 1) {
    return [{ path: 'amount', rule: 'positive', message: 'must be a whole number of minor units above 0' }];
  }
  if (amount > max) return [{ path: 'amount', rule: 'max', message: `must not exceed ${what} (${max})` }];
  return [];
};

/**
 * Checks SKU quantities reported by inventory against what the order expects, so stock is neither
 * held nor given back in amounts the order never asked for. `exact`: the same SKUs and quantities;
 * `within`: a subset, each quantity at most the expected one.
 */
const compareLines = (
  path: string,
  actual: readonly SkuQuantity[],
  expected: readonly SkuQuantity[],
  mode: 'exact' | 'within',
): FieldIssue[] => {
  const issues: FieldIssue[] = [];
  const expectedBySku = new Map(expected.map((line) => [line.sku, line.quantity]));
  const seen = new Set<string>();
  actual.forEach((line, i) => {
    const want = expectedBySku.get(line.sku);
    if (seen.has(line.sku)) {
      issues.push({ path: `${path}[${i}].sku`, rule: 'duplicateSku', message: `repeats ${line.sku}` });
    } else if (want === undefined) {
      issues.push({
        path: `${path}[${i}].sku`,
        rule: 'unknownSku',
        message: `${line.sku} is not in this order`,
      });
    } else if (
      !Number.isSafeInteger(line.quantity) ||
      line.quantity < 1 ||
      (mode === 'exact' ? line.quantity !== want : line.quantity > want)
    ) {
      issues.push({
        path: `${path}[${i}].quantity`,
        rule: 'quantityMismatch',
        message: mode === 'exact' ? `must be ${want}` : `must be between 1 and ${want}`,
      });
    }
    seen.add(line.sku);
  });
  if (mode === 'exact') {
    for (const line of expected) {
      if (!seen.has(line.sku)) {
        issues.push({ path, rule: 'missingSku', message: `${line.sku} (${line.quantity}) is missing` });
      }
    }
  } else if (actual.length === 0) {
    issues.push({ path, rule: 'minItems', message: 'must release at least one SKU' });
  }
  return issues;
};
