import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/Either';
import { ulid } from 'ulid';
import { EventStore } from '../../../src/adapters/dynamodb/event-store';
import { ConcurrencyError, decide, parsePlaceOrder, toEnvelopes } from '../../../src/domain/orders';
import { api, eventually, LOCAL_TABLES, validOrder } from '../../support/api';
import { documentClient } from '../../support/stack';

interface Placed {
  orderId: string;
  status: string;
}

describe('Idempotency-Key on POST /orders', () => {
  it('answers a repeat of the same key and body with the same response and no new order', async () => {
    const key = randomUUID();
    const body = validOrder();
    const first = await api<Placed>('POST', '/orders', { body, headers: { 'idempotency-key': key } });
    const second = await api<Placed>('POST', '/orders', { body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));

    const list = await eventually(
      () => api<{ items: unknown[] }>('GET', `/orders?customerId=${String(body.customerId)}`),
      (r) => r.body.items.length > 0,
    );
    expect(list.body.items).toHaveLength(1);
    const events = await api<{ events: { metadata: { type: string } }[] }>(
      'GET',
      `/orders/${first.body.orderId}/events`,
    );
    expect(events.body.events.filter((e) => e.metadata.type === 'OrderPlaced')).toHaveLength(1);
  });

  it('treats the same body with keys in another order as the same request', async () => {
    const key = randomUUID();
    const body = validOrder();
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const first = await api<Placed>('POST', '/orders', { body, headers: { 'idempotency-key': key } });
    const second = await api<Placed>('POST', '/orders', {
      body: reordered,
      headers: { 'idempotency-key': key },
    });
    expect(second.body.orderId).toBe(first.body.orderId);
  });

  it('refuses the same key with a different body: 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const key = randomUUID();
    const first = await api<Placed>('POST', '/orders', {
      body: validOrder(),
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(202);
    const second = await api('POST', '/orders', {
      body: validOrder({ currency: 'USD' }),
      headers: { 'idempotency-key': key },
    });
    expect(second.status).toBe(422);
    expect(second.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
  });

  it('gives concurrent requests with one key one order between them', async () => {
    const key = randomUUID();
    const body = validOrder();
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        api<Placed>('POST', '/orders', { body, headers: { 'idempotency-key': key } }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(202));
    expect(new Set(responses.map((r) => r.body.orderId)).size).toBe(1);
    const events = await api<{ events: { metadata: { type: string } }[] }>(
      'GET',
      `/orders/${responses[0]?.body.orderId}/events`,
    );
    expect(events.body.events.filter((e) => e.metadata.type === 'OrderPlaced')).toHaveLength(1);
  });
});

describe('optimistic concurrency of the event store', () => {
  const placeOrderEvents = (orderId: string, customerId: string) => {
    const request = parsePlaceOrder(validOrder({ customerId }));
    if (E.isLeft(request)) throw request.left;
    const now = new Date().toISOString();
    const prices = new Map(
      request.right.items.map((line) => [line.sku, { unitPrice: line.unitPrice ?? 100, currency: 'EUR' }]),
    );
    const decided = decide(
      {
        type: 'PlaceOrder',
        orderId,
        placedAt: now,
        request: request.right,
        prices,
        paymentMethod: { reference: 'pm1.test-reference' },
      },
      undefined,
      { now },
    );
    if (E.isLeft(decided)) throw decided.left;
    return toEnvelopes(decided.right, {
      orderId,
      currentVersion: 0,
      occurredAt: now,
      correlationId: orderId,
      causationId: customerId,
      newEventId: ulid,
    });
  };

  it('lets exactly one of many concurrent appends at the same version win; the rest get ConcurrencyError', async () => {
    const store = new EventStore(documentClient(), LOCAL_TABLES.eventStore);
    const orderId = ulid();
    const writers = Array.from({ length: 10 }, (_, i) => placeOrderEvents(orderId, `writer-${i}`));
    const attempts = await Promise.allSettled(writers.map((envelopes) => store.append(envelopes)));

    const won = attempts.flatMap((a, i) => (a.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    for (const attempt of attempts) {
      if (attempt.status === 'rejected') expect(attempt.reason).toBeInstanceOf(ConcurrencyError);
    }
    const stored = await store.load(orderId);
    expect(stored).toEqual(writers[won[0] as number]);
  });
});
