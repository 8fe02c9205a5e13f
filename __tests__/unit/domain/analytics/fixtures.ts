import type { CancellationReason, OrderEvent, OrderEventEnvelope } from '../../../../src/domain/orders';
import { toEnvelopes } from '../../../../src/domain/orders';

/** 12:00:00 UTC: bucket boundaries fall on whole minutes after it. */
export const T0 = Date.parse('2024-05-01T12:00:00.000Z');
export const at = (minutes: number, seconds = 0): number => T0 + minutes * 60_000 + seconds * 1000;

let counter = 0;

/** One envelope of order `orderId` at `atMs`, with a fresh event id unless one is given. */
export const envelope = (
  orderId: string,
  event: OrderEvent,
  atMs: number,
  options: { version?: number; eventId?: string } = {},
): OrderEventEnvelope => {
  const [only] = toEnvelopes([event], {
    orderId,
    currentVersion: (options.version ?? 1) - 1,
    occurredAt: new Date(atMs).toISOString(),
    correlationId: `corr-${orderId}`,
    causationId: `cause-${orderId}`,
    newEventId: () => options.eventId ?? `evt-${(counter += 1)}`,
  });
  if (!only) throw new TypeError('toEnvelopes returned nothing');
  return only;
};

export const placed = (
  orderId: string,
  atMs: number,
  options: { customerId?: string; total?: number; currency?: string; sku?: string; quantity?: number } = {},
): OrderEventEnvelope => {
  const quantity = options.quantity ?? 1;
  const total = options.total ?? 1000 * quantity;
  return envelope(
    orderId,
    {
      type: 'OrderPlaced',
      data: {
        orderId,
        customerId: options.customerId ?? 'cust-1',
        items: [{ sku: options.sku ?? 'SKU-1', quantity, unitPrice: total / quantity }],
        currency: options.currency ?? 'USD',
        total,
        shippingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
        placedAt: new Date(atMs).toISOString(),
        paymentMethod: { reference: 'pm1.ref' },
      },
    },
    atMs,
  );
};

export const confirmed = (orderId: string, atMs: number): OrderEventEnvelope =>
  envelope(
    orderId,
    { type: 'OrderConfirmed', data: { orderId, confirmedAt: new Date(atMs).toISOString() } },
    atMs,
    {
      version: 8,
    },
  );

export const cancelled = (orderId: string, atMs: number, reason: CancellationReason): OrderEventEnvelope =>
  envelope(orderId, { type: 'OrderCancelled', data: { orderId, reason } }, atMs, { version: 5 });

export const authorized = (orderId: string, atMs: number): OrderEventEnvelope =>
  envelope(
    orderId,
    {
      type: 'PaymentAuthorized',
      data: { orderId, authorizationId: `auth-${orderId}`, amount: 1000, currency: 'USD' },
    },
    atMs,
    { version: 3 },
  );

export const declined = (orderId: string, atMs: number): OrderEventEnvelope =>
  envelope(orderId, { type: 'PaymentDeclined', data: { orderId, reason: 'insufficient funds' } }, atMs, {
    version: 3,
  });

export const reviewRequested = (orderId: string, atMs: number): OrderEventEnvelope =>
  envelope(orderId, { type: 'ReviewRequested', data: { orderId, total: 100000 } }, atMs, { version: 3 });

export const reviewApproved = (orderId: string, atMs: number): OrderEventEnvelope =>
  envelope(orderId, { type: 'ReviewApproved', data: { orderId, reviewer: 'op-1' } }, atMs, { version: 4 });
