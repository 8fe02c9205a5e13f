import type { CancellationReason, PaymentMethodRef } from './events';
import type { StockChange } from './order-values';
import type { PlaceOrderRequest } from './place-order';
import type { PriceList } from './pricing';

/*
 * What can be asked of an order. `Record*` commands report a fact from another context (inventory,
 * payments, shipping) so that it enters the order's stream; the others are decisions. Amounts are
 * minor units.
 */

/**
 * `prices` are the catalogue's prices of the request's SKUs, read by the caller (the domain does no
 * I/O). `paymentMethod` is what the order records instead of `request.paymentToken`: a reference
 * only the payment step can turn back into the token (the caller seals it).
 */
export interface PlaceOrder {
  readonly type: 'PlaceOrder';
  readonly orderId: string;
  readonly placedAt: string;
  readonly request: PlaceOrderRequest;
  readonly prices: PriceList;
  readonly paymentMethod: PaymentMethodRef;
}
export interface RecordInventoryReserved {
  readonly type: 'RecordInventoryReserved';
  readonly orderId: string;
  /** The order's lines; `available` is what inventory reported left after reserving. */
  readonly reservations: readonly StockChange[];
}
export interface RecordInventoryReservationFailed {
  readonly type: 'RecordInventoryReservationFailed';
  readonly orderId: string;
  readonly reason: string;
  readonly skus: readonly string[];
}
export interface RecordPaymentAuthorized {
  readonly type: 'RecordPaymentAuthorized';
  readonly orderId: string;
  readonly authorizationId: string;
  readonly amount: number;
  readonly currency: string;
}
export interface RecordPaymentDeclined {
  readonly type: 'RecordPaymentDeclined';
  readonly orderId: string;
  readonly reason: string;
}
export interface RequestReview {
  readonly type: 'RequestReview';
  readonly orderId: string;
}
export interface ApproveReview {
  readonly type: 'ApproveReview';
  readonly orderId: string;
  readonly reviewer: string;
}
export interface RecordShipmentScheduled {
  readonly type: 'RecordShipmentScheduled';
  readonly orderId: string;
  readonly shipmentId: string;
}
export interface ConfirmOrder {
  readonly type: 'ConfirmOrder';
  readonly orderId: string;
}
export interface RecordPaymentCaptured {
  readonly type: 'RecordPaymentCaptured';
  readonly orderId: string;
  readonly captureId: string;
  readonly amount: number;
}
export interface RecordPaymentRefunded {
  readonly type: 'RecordPaymentRefunded';
  readonly orderId: string;
  readonly refundId: string;
  readonly amount: number;
}
export interface RecordInventoryReleased {
  readonly type: 'RecordInventoryReleased';
  readonly orderId: string;
  /** The lines given back; `available` is what inventory reported available after releasing. */
  readonly released: readonly StockChange[];
}
export interface CancelOrder {
  readonly type: 'CancelOrder';
  readonly orderId: string;
  readonly reason: CancellationReason;
  readonly detail?: string;
}

export type OrderCommand =
  | PlaceOrder
  | RecordInventoryReserved
  | RecordInventoryReservationFailed
  | RecordPaymentAuthorized
  | RecordPaymentDeclined
  | RequestReview
  | ApproveReview
  | RecordShipmentScheduled
  | ConfirmOrder
  | RecordPaymentCaptured
  | RecordPaymentRefunded
  | RecordInventoryReleased
  | CancelOrder;

export type OrderCommandType = OrderCommand['type'];
