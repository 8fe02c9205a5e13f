import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import * as t from 'io-ts';
import { IsoDateTime, NonEmptyString, PositiveInteger } from '../shared/codecs';
import { ValidationError } from '../shared/errors';
import { issuesFromDecodeErrors } from '../shared/io-ts-issues';
import { CurrencyCode, OrderLine, ShippingAddress, StockChange } from './order-values';

/*
 * The `data` codecs of every event in an order's stream. They are the single source of the event
 * catalogue (docs and schemas are generated from `eventDataCodecs`). `t.type` is used throughout,
 * never `t.exact`/`t.strict`: decoding tolerates fields it does not know, so producers can add fields
 * without breaking consumers. Amounts are integer minor units of the order's currency.
 */

export const CANCELLATION_REASONS = [
  'OUT_OF_STOCK',
  'PAYMENT_DECLINED',
  'PAYMENT_TIMEOUT',
  'REVIEW_REJECTED',
  'REVIEW_TIMEOUT',
  'SHIPPING_UNAVAILABLE',
  'CUSTOMER_CANCELLED',
  'OPERATOR_CANCELLED',
  'SAGA_FAILED',
] as const;
export type CancellationReason = (typeof CANCELLATION_REASONS)[number];
export const CancellationReason = t.keyof(
  Object.fromEntries(CANCELLATION_REASONS.map((r) => [r, null])) as Record<CancellationReason, null>,
  'CancellationReason',
);

const event = <P extends t.Props>(name: string, props: P) => t.readonly(t.type(props), name);

/**
 * How an order will be paid, without the payment token itself: `reference` is opaque outside the
 * payment step (offline and in the cloud, the token sealed with the stack's secret and bound to the
 * order), so the event store, the bus, its archive and every log that copies events carry no token.
 */
export const PaymentMethodRef = t.readonly(t.type({ reference: NonEmptyString }), 'PaymentMethodRef');
export type PaymentMethodRef = t.TypeOf<typeof PaymentMethodRef>;

/**
 * `items` carry the catalogue's unit prices at the time of the order; `total` is their sum.
 * `paymentMethod` is absent only from events of schema version 1, which carried the raw `paymentToken`
 * instead (still decoded, for streams written before the change; the payment step reads either).
 */
export const OrderPlacedData = t.readonly(
  t.intersection([
    t.type({
      orderId: NonEmptyString,
      customerId: NonEmptyString,
      items: t.readonlyArray(OrderLine),
      currency: CurrencyCode,
      total: PositiveInteger,
      shippingAddress: ShippingAddress,
      placedAt: IsoDateTime,
    }),
    t.partial({ paymentMethod: PaymentMethodRef }),
  ]),
  'OrderPlacedData',
);
export type OrderPlacedData = t.TypeOf<typeof OrderPlacedData>;

/** `available` per line is absent from events stored before it was added (same schema version). */
export const InventoryReservedData = event('InventoryReservedData', {
  orderId: NonEmptyString,
  reservations: t.readonlyArray(StockChange),
});
export type InventoryReservedData = t.TypeOf<typeof InventoryReservedData>;

export const InventoryReservationFailedData = event('InventoryReservationFailedData', {
  orderId: NonEmptyString,
  reason: t.string,
  /** SKUs that could not be reserved. */
  skus: t.readonlyArray(t.string),
});
export type InventoryReservationFailedData = t.TypeOf<typeof InventoryReservationFailedData>;

/** `available` per line is absent from events stored before it was added (same schema version). */
export const InventoryReleasedData = event('InventoryReleasedData', {
  orderId: NonEmptyString,
  released: t.readonlyArray(StockChange),
});
export type InventoryReleasedData = t.TypeOf<typeof InventoryReleasedData>;

export const PaymentAuthorizedData = event('PaymentAuthorizedData', {
  orderId: NonEmptyString,
  authorizationId: NonEmptyString,
  amount: PositiveInteger,
  currency: CurrencyCode,
});
export type PaymentAuthorizedData = t.TypeOf<typeof PaymentAuthorizedData>;

export const PaymentDeclinedData = event('PaymentDeclinedData', {
  orderId: NonEmptyString,
  reason: t.string,
});
export type PaymentDeclinedData = t.TypeOf<typeof PaymentDeclinedData>;

export const PaymentCapturedData = event('PaymentCapturedData', {
  orderId: NonEmptyString,
  captureId: NonEmptyString,
  amount: PositiveInteger,
});
export type PaymentCapturedData = t.TypeOf<typeof PaymentCapturedData>;

/** Also records the release of an authorization that was never captured (a void). */
export const PaymentRefundedData = event('PaymentRefundedData', {
  orderId: NonEmptyString,
  refundId: NonEmptyString,
  amount: PositiveInteger,
});
export type PaymentRefundedData = t.TypeOf<typeof PaymentRefundedData>;

export const ReviewRequestedData = event('ReviewRequestedData', {
  orderId: NonEmptyString,
  total: PositiveInteger,
});
export type ReviewRequestedData = t.TypeOf<typeof ReviewRequestedData>;

export const ReviewApprovedData = event('ReviewApprovedData', {
  orderId: NonEmptyString,
  reviewer: NonEmptyString,
});
export type ReviewApprovedData = t.TypeOf<typeof ReviewApprovedData>;

export const ShipmentScheduledData = event('ShipmentScheduledData', {
  orderId: NonEmptyString,
  shipmentId: NonEmptyString,
});
export type ShipmentScheduledData = t.TypeOf<typeof ShipmentScheduledData>;

export const OrderConfirmedData = event('OrderConfirmedData', {
  orderId: NonEmptyString,
  confirmedAt: IsoDateTime,
});
export type OrderConfirmedData = t.TypeOf<typeof OrderConfirmedData>;

export const OrderCancelledData = t.readonly(
  t.intersection([
    t.type({ orderId: NonEmptyString, reason: CancellationReason }),
    t.partial({ detail: t.string }),
  ]),
  'OrderCancelledData',
);
export type OrderCancelledData = t.TypeOf<typeof OrderCancelledData>;

/** In lifecycle order, which is also the order of the generated catalogue. */
export const ORDER_EVENT_TYPES = [
  'OrderPlaced',
  'InventoryReserved',
  'InventoryReservationFailed',
  'PaymentAuthorized',
  'PaymentDeclined',
  'ReviewRequested',
  'ReviewApproved',
  'ShipmentScheduled',
  'PaymentCaptured',
  'OrderConfirmed',
  'PaymentRefunded',
  'InventoryReleased',
  'OrderCancelled',
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

export const eventDataCodecs = {
  OrderPlaced: OrderPlacedData,
  InventoryReserved: InventoryReservedData,
  InventoryReservationFailed: InventoryReservationFailedData,
  PaymentAuthorized: PaymentAuthorizedData,
  PaymentDeclined: PaymentDeclinedData,
  ReviewRequested: ReviewRequestedData,
  ReviewApproved: ReviewApprovedData,
  ShipmentScheduled: ShipmentScheduledData,
  PaymentCaptured: PaymentCapturedData,
  OrderConfirmed: OrderConfirmedData,
  PaymentRefunded: PaymentRefundedData,
  InventoryReleased: InventoryReleasedData,
  OrderCancelled: OrderCancelledData,
} as const satisfies Record<OrderEventType, t.Mixed>;

/** Version of each event's `data` shape, written to `metadata.schemaVersion`. */
export const EVENT_SCHEMA_VERSIONS: Readonly<Record<OrderEventType, number>> = {
  ...(Object.fromEntries(ORDER_EVENT_TYPES.map((type) => [type, 1])) as Record<OrderEventType, number>),
  // 2: `paymentMethod` (a sealed reference) replaced the raw `paymentToken`; prices are the catalogue's.
  OrderPlaced: 2,
};

/** EventBridge `source` per event: `orderflow.<bounded context that owns the fact>`. */
export const EVENT_SOURCES: Readonly<Record<OrderEventType, string>> = {
  OrderPlaced: 'orderflow.orders',
  InventoryReserved: 'orderflow.inventory',
  InventoryReservationFailed: 'orderflow.inventory',
  PaymentAuthorized: 'orderflow.payments',
  PaymentDeclined: 'orderflow.payments',
  ReviewRequested: 'orderflow.orders',
  ReviewApproved: 'orderflow.orders',
  ShipmentScheduled: 'orderflow.shipping',
  PaymentCaptured: 'orderflow.payments',
  OrderConfirmed: 'orderflow.orders',
  PaymentRefunded: 'orderflow.payments',
  InventoryReleased: 'orderflow.inventory',
  OrderCancelled: 'orderflow.orders',
};

export type OrderEventData<K extends OrderEventType = OrderEventType> = t.TypeOf<(typeof eventDataCodecs)[K]>;

/** One event of the order stream, discriminated by `type`. */
export type OrderEvent = {
  [K in OrderEventType]: { readonly type: K; readonly data: OrderEventData<K> };
}[OrderEventType];

export type OrderEventOf<K extends OrderEventType> = Extract<OrderEvent, { type: K }>;

export const isOrderEventType = (type: unknown): type is OrderEventType =>
  typeof type === 'string' && (ORDER_EVENT_TYPES as readonly string[]).includes(type);

/** Checks `data` against the codec of `type`. Issue paths are `type` or `data.<field>`. */
export const decodeOrderEvent = (type: string, data: unknown): E.Either<ValidationError, OrderEvent> => {
  if (!isOrderEventType(type)) {
    return E.left(
      new ValidationError([
        { path: 'type', rule: 'unknownEventType', message: `${type} is not an order event type` },
      ]),
    );
  }
  const codec: t.Decoder<unknown, OrderEventData> = eventDataCodecs[type];
  return pipe(
    codec.decode(data),
    E.bimap(
      (errors) => new ValidationError(issuesFromDecodeErrors(errors, 'data')),
      // Safe: `data` was just decoded by the codec registered for `type`.
      (decoded) => ({ type, data: decoded }) as OrderEvent,
    ),
  );
};
