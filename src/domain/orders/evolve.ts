import { InvalidEventStreamError } from './errors';
import type { EventMetadata } from '../shared/envelope';
import type { OrderEvent, OrderPlacedData } from './events';
import { eventOf, type OrderEventEnvelope } from './order-envelopes';
import type { OrderState } from './state';

/**
 * Applies one stored event to the state: a pure fold step with no rules to check, because events are
 * facts that `decide` already accepted. It does check the stream itself:
 * - an event whose version is at or below the state's version was already applied (a redelivery) and
 *   leaves the state unchanged, so projections can fold at-least-once deliveries;
 * - a gap in versions, an event before OrderPlaced or a second OrderPlaced throws
 *   InvalidEventStreamError: folding on would silently produce a wrong order.
 */
export const evolve = (state: OrderState | undefined, envelope: OrderEventEnvelope): OrderState => {
  const { metadata } = envelope;
  const event = eventOf(envelope);
  if (state === undefined) {
    if (event.type !== 'OrderPlaced') {
      throw new InvalidEventStreamError(
        metadata.orderId,
        `${event.type} (version ${metadata.version}) before OrderPlaced`,
      );
    }
    if (metadata.version !== 1) {
      throw new InvalidEventStreamError(
        metadata.orderId,
        `OrderPlaced at version ${metadata.version}, expected 1`,
      );
    }
    return placed(event.data, metadata);
  }
  if (metadata.orderId !== state.orderId) {
    throw new InvalidEventStreamError(
      state.orderId,
      `event ${metadata.eventId} belongs to order ${metadata.orderId}`,
    );
  }
  if (metadata.version <= state.version) return state;
  if (metadata.version !== state.version + 1) {
    throw new InvalidEventStreamError(
      state.orderId,
      `version ${metadata.version} follows version ${state.version}; events are missing`,
    );
  }
  return { ...apply(state, event, metadata), version: metadata.version, updatedAt: metadata.occurredAt };
};

/** Folds a whole stream, oldest first. Returns `initial` (default: no order) for an empty stream. */
export const foldEvents = (
  envelopes: readonly OrderEventEnvelope[],
  initial?: OrderState,
): OrderState | undefined => envelopes.reduce<OrderState | undefined>(evolve, initial);

const placed = (data: OrderPlacedData, metadata: EventMetadata): OrderState => ({
  orderId: data.orderId,
  customerId: data.customerId,
  items: data.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
  currency: data.currency,
  total: data.total,
  shippingAddress: data.shippingAddress,
  status: 'PENDING',
  version: metadata.version,
  createdAt: metadata.occurredAt,
  placedAt: data.placedAt,
  updatedAt: metadata.occurredAt,
  reservations: [],
  inventoryReleased: false,
  authorizedAmount: 0,
  capturedAmount: 0,
  refundedAmount: 0,
  review: 'NONE',
});

const apply = (state: OrderState, event: OrderEvent, metadata: EventMetadata): OrderState => {
  switch (event.type) {
    case 'OrderPlaced':
      throw new InvalidEventStreamError(state.orderId, `second OrderPlaced at version ${metadata.version}`);
    case 'InventoryReserved':
      return {
        ...state,
        status: 'INVENTORY_RESERVED',
        reservations: event.data.reservations.map(({ sku, quantity }) => ({ sku, quantity })),
      };
    case 'InventoryReservationFailed':
      return { ...state, reservationFailure: { reason: event.data.reason, skus: [...event.data.skus] } };
    case 'InventoryReleased':
      return { ...state, inventoryReleased: true };
    case 'PaymentAuthorized':
      return {
        ...state,
        status: 'PAYMENT_AUTHORIZED',
        authorizationId: event.data.authorizationId,
        authorizedAmount: event.data.amount,
      };
    case 'PaymentDeclined':
      return { ...state, paymentDeclineReason: event.data.reason };
    case 'PaymentCaptured':
      return {
        ...state,
        captureId: event.data.captureId,
        capturedAmount: state.capturedAmount + event.data.amount,
      };
    case 'PaymentRefunded':
      return {
        ...state,
        refundId: event.data.refundId,
        refundedAmount: state.refundedAmount + event.data.amount,
      };
    case 'ReviewRequested':
      return { ...state, status: 'AWAITING_REVIEW', review: 'REQUESTED' };
    case 'ReviewApproved':
      return { ...state, status: 'PAYMENT_AUTHORIZED', review: 'APPROVED', reviewer: event.data.reviewer };
    case 'ShipmentScheduled':
      return { ...state, status: 'SHIPPING_SCHEDULED', shipmentId: event.data.shipmentId };
    case 'OrderConfirmed':
      return { ...state, status: 'CONFIRMED', confirmedAt: event.data.confirmedAt };
    case 'OrderCancelled':
      return {
        ...state,
        status: 'CANCELLED',
        cancellationReason: event.data.reason,
        ...(event.data.detail === undefined ? {} : { cancellationDetail: event.data.detail }),
      };
  }
};
