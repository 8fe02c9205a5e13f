import * as t from 'io-ts';
import type { CancellationReason } from './events';
import type { OrderLine, ShippingAddress, SkuQuantity } from './order-values';

export const ORDER_STATUSES = [
  'PENDING',
  'INVENTORY_RESERVED',
  'PAYMENT_AUTHORIZED',
  'AWAITING_REVIEW',
  'SHIPPING_SCHEDULED',
  'CONFIRMED',
  'CANCELLED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const OrderStatus = t.keyof(
  Object.fromEntries(ORDER_STATUSES.map((s) => [s, null])) as Record<OrderStatus, null>,
  'OrderStatus',
);

export const TERMINAL_STATUSES: readonly OrderStatus[] = ['CONFIRMED', 'CANCELLED'];

/** Statuses in which the customer may still cancel: nothing has been handed to shipping yet. */
export const CUSTOMER_CANCELLABLE_STATUSES: readonly OrderStatus[] = [
  'PENDING',
  'INVENTORY_RESERVED',
  'PAYMENT_AUTHORIZED',
  'AWAITING_REVIEW',
];

/** NONE: no review needed (so far); REQUESTED: waiting for a reviewer; APPROVED: may proceed. */
export type ReviewStatus = 'NONE' | 'REQUESTED' | 'APPROVED';

/**
 * Everything known about one order, folded from its events. `undefined` stands for "no such order"
 * (before OrderPlaced). Optional fields are absent, never `undefined`-valued.
 */
export interface OrderState {
  readonly orderId: string;
  readonly customerId: string;
  readonly items: readonly OrderLine[];
  readonly currency: string;
  /** Minor units. */
  readonly total: number;
  readonly shippingAddress: ShippingAddress;
  readonly status: OrderStatus;
  /** Version of the last applied event = number of events applied = the stream's current version. */
  readonly version: number;
  /** `occurredAt` of OrderPlaced. */
  readonly createdAt: string;
  /** `placedAt` of OrderPlaced (the business time of the order). */
  readonly placedAt: string;
  /** `occurredAt` of the last applied event. */
  readonly updatedAt: string;

  /** What inventory holds for this order; stays after release (see `inventoryReleased`) as a record. */
  readonly reservations: readonly SkuQuantity[];
  readonly inventoryReleased: boolean;
  readonly reservationFailure?: { readonly reason: string; readonly skus: readonly string[] };

  readonly authorizationId?: string;
  /** Minor units; 0 until authorized. */
  readonly authorizedAmount: number;
  readonly paymentDeclineReason?: string;
  readonly captureId?: string;
  /** Minor units. */
  readonly capturedAmount: number;
  readonly refundId?: string;
  /** Minor units. */
  readonly refundedAmount: number;

  readonly review: ReviewStatus;
  readonly reviewer?: string;
  readonly shipmentId?: string;
  readonly confirmedAt?: string;
  readonly cancellationReason?: CancellationReason;
  readonly cancellationDetail?: string;
}

export const isTerminal = (state: OrderState): boolean => TERMINAL_STATUSES.includes(state.status);

/** True when the customer may still cancel this order (it exists and shipping is not yet scheduled). */
export const canCustomerCancel = (state: OrderState | undefined): boolean =>
  state !== undefined && CUSTOMER_CANCELLABLE_STATUSES.includes(state.status);

/**
 * True once the order has started to unwind (a reservation or payment failed, or a compensation ran):
 * from then on only compensation and cancellation are accepted, never a step forward.
 */
export const isUnwinding = (state: OrderState): boolean =>
  state.reservationFailure !== undefined ||
  state.paymentDeclineReason !== undefined ||
  state.inventoryReleased ||
  state.refundId !== undefined;

/** Money held for the order that has not been given back, in minor units: what a refund must return. */
export const refundableAmount = (state: OrderState): number =>
  (state.capturedAmount > 0 ? state.capturedAmount : state.authorizedAmount) - state.refundedAmount;

/**
 * What must still be undone for an order that is cancelled or being cancelled, e.g. after a customer
 * cancelled while stock was reserved and payment authorized. Empty/zero when nothing is owed.
 */
export const outstandingCompensation = (
  state: OrderState,
): { readonly refundMinor: number; readonly release: readonly SkuQuantity[] } => ({
  refundMinor: state.refundId === undefined ? Math.max(0, refundableAmount(state)) : 0,
  release: state.inventoryReleased ? [] : state.reservations,
});
