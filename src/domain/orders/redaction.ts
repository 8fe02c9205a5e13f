import type { EventEnvelope } from '../shared/envelope';
import { isPlainObject } from '../shared/field-checks';

/** What a redacted value reads as. A string, so a redacted event still decodes with its codec. */
export const REDACTED = '[redacted]';

/**
 * Per event type, the `data` fields clients are not shown: what the order view leaves out (payment
 * data, the shipping address, payment ids, the reviewer's identity). The shipping address keeps its
 * country, which explains an order cancelled SHIPPING_UNAVAILABLE.
 */
const REDACTED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  PaymentAuthorized: ['authorizationId'],
  PaymentCaptured: ['captureId'],
  PaymentRefunded: ['refundId'],
  ReviewApproved: ['reviewer'],
};
const KEPT_ADDRESS_FIELDS: readonly string[] = ['country'];

const redactValues = (value: Record<string, unknown>, keep: readonly string[]): Record<string, unknown> =>
  Object.fromEntries(Object.entries(value).map(([key, v]) => [key, keep.includes(key) ? v : REDACTED]));

const redactOrderPlaced = (data: Record<string, unknown>): Record<string, unknown> => {
  // Events of schema version 1 carried the raw token: it is dropped, not masked.
  const rest = Object.fromEntries(Object.entries(data).filter(([key]) => key !== 'paymentToken'));
  return {
    ...rest,
    ...(isPlainObject(rest.shippingAddress)
      ? { shippingAddress: redactValues(rest.shippingAddress, KEPT_ADDRESS_FIELDS) }
      : {}),
    ...(isPlainObject(rest.paymentMethod) ? { paymentMethod: redactValues(rest.paymentMethod, []) } : {}),
  };
};

/**
 * A stored event as `GET /orders/{orderId}/events` shows it: the same envelope with personal and payment
 * data masked (see REDACTED_FIELDS), so the events route reveals no more than the order view. Fields not
 * listed, including ones added by newer producers, are shown as they are.
 */
export const redactForClients = (envelope: EventEnvelope<unknown>): EventEnvelope<unknown> => {
  const { data } = envelope;
  if (!isPlainObject(data)) return envelope;
  const type = envelope.metadata.type;
  if (type === 'OrderPlaced') return { ...envelope, data: redactOrderPlaced(data) };
  const fields = REDACTED_FIELDS[type] ?? [];
  if (fields.length === 0) return envelope;
  return {
    ...envelope,
    data: Object.fromEntries(
      Object.entries(data).map(([key, value]) => [key, fields.includes(key) ? REDACTED : value]),
    ),
  };
};
