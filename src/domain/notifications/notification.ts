import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { formatMinor } from '../orders/money';
import { CancellationReason } from '../orders/events';
import type { OrderState } from '../orders/state';
import { ValidationError } from '../shared/errors';
import { IsoDateTime, NonEmptyString, NonNegativeInteger } from '../shared/codecs';
import { issuesFromDecodeErrors } from '../shared/io-ts-issues';

export const NOTIFIED_EVENT_TYPES = ['OrderConfirmed', 'OrderCancelled'] as const;
export type NotifiedEventType = (typeof NOTIFIED_EVENT_TYPES)[number];
export const NotifiedEventType = t.keyof(
  Object.fromEntries(NOTIFIED_EVENT_TYPES.map((type) => [type, null])) as Record<NotifiedEventType, null>,
  'NotifiedEventType',
);

/**
 * What the notifications topic carries: one order outcome, with what subscribers filter on (event
 * type, cancellation reason, total) also sent as message attributes.
 */
export const OutcomeMessage = t.intersection(
  [
    t.type({
      eventId: NonEmptyString,
      eventType: NotifiedEventType,
      orderId: NonEmptyString,
      customerId: NonEmptyString,
      total: NonNegativeInteger,
      currency: NonEmptyString,
      occurredAt: IsoDateTime,
    }),
    t.partial({ reason: CancellationReason }),
  ],
  'OutcomeMessage',
);
export type OutcomeMessage = t.TypeOf<typeof OutcomeMessage>;

export const decodeOutcomeMessage = (input: unknown): E.Either<ValidationError, OutcomeMessage> =>
  E.mapLeft((errors: t.Errors) => new ValidationError(issuesFromDecodeErrors(errors)))(
    OutcomeMessage.decode(input),
  );

/** The outcome message for an order event, or undefined for events nobody is notified of. */
export function outcomeMessage(
  event: { eventId: string; type: string; occurredAt: string; reason?: CancellationReason },
  order: OrderState,
): OutcomeMessage | undefined {
  if (event.type !== 'OrderConfirmed' && event.type !== 'OrderCancelled') return undefined;
  return {
    eventId: event.eventId,
    eventType: event.type,
    orderId: order.orderId,
    customerId: order.customerId,
    total: order.total,
    currency: order.currency,
    occurredAt: event.occurredAt,
    ...(event.reason ? { reason: event.reason } : {}),
  };
}

/** SNS message attributes (String / Number) that subscriptions filter on. */
export function outcomeAttributes(
  message: OutcomeMessage,
): Record<string, { DataType: 'String' | 'Number'; StringValue: string }> {
  return {
    eventType: { DataType: 'String', StringValue: message.eventType },
    total: { DataType: 'Number', StringValue: String(message.total) },
    currency: { DataType: 'String', StringValue: message.currency },
    ...(message.reason ? { reason: { DataType: 'String', StringValue: message.reason } } : {}),
  };
}

export const NotificationChannel = t.keyof(
  { 'customer-email': null, 'ops-alert': null },
  'NotificationChannel',
);
export type NotificationChannel = t.TypeOf<typeof NotificationChannel>;

/**
 * One outbound message, as the notifiers record it (the simulated email or ops alert). The codec reads
 * one back from the notifications table.
 */
export const Notification = t.readonly(
  t.type({
    orderId: NonEmptyString,
    /** `<channel>#<eventId>`: one notification per channel per event, however often it is delivered. */
    notificationId: NonEmptyString,
    channel: NotificationChannel,
    eventId: NonEmptyString,
    eventType: NotifiedEventType,
    recipient: NonEmptyString,
    text: t.string,
    createdAt: IsoDateTime,
  }),
  'Notification',
);
export type Notification = t.TypeOf<typeof Notification>;

const REASON_TEXT: Record<CancellationReason, string> = {
  OUT_OF_STOCK: 'an item is out of stock',
  PAYMENT_DECLINED: 'the payment was declined',
  PAYMENT_TIMEOUT: 'the payment did not go through in time',
  REVIEW_REJECTED: 'it did not pass review',
  REVIEW_TIMEOUT: 'its review did not finish in time',
  SHIPPING_UNAVAILABLE: 'we cannot ship to the address given',
  CUSTOMER_CANCELLED: 'you asked us to cancel it',
  OPERATOR_CANCELLED: 'our team cancelled it',
  SAGA_FAILED: 'it could not be processed',
};

export function composeNotification(
  channel: NotificationChannel,
  message: OutcomeMessage,
  now: string,
): Notification {
  const amount = formatMinor(message.total, message.currency);
  const text =
    channel === 'ops-alert'
      ? `Order ${message.orderId} ${message.eventType === 'OrderCancelled' ? `cancelled (${message.reason ?? 'no reason'})` : 'confirmed'}, total ${amount}`
      : message.eventType === 'OrderConfirmed'
        ? `Your order ${message.orderId} (${amount}) is confirmed.`
        : `Your order ${message.orderId} was cancelled because ${message.reason ? REASON_TEXT[message.reason] : 'it could not be processed'}. Nothing was charged.`;
  return {
    orderId: message.orderId,
    notificationId: `${channel}#${message.eventId}`,
    channel,
    eventId: message.eventId,
    eventType: message.eventType,
    recipient: channel === 'ops-alert' ? 'operations' : message.customerId,
    text,
    createdAt: now,
  };
}
