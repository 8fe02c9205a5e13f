import { bearer } from '../../../src/local/auth/dev-token';
import { api, eventually, placeOrder, uniqueCustomer, validOrder } from '../../support/api';
import { orderReaches, stockedSku, stockOf } from '../../support/saga';

/*
 * Security review, issue 12 item 12 (lower): SKUs were validated case-insensitively but stored as sent,
 * so `sku-a` and `SKU-A` were two SKUs; an operator's cancel was recorded as the customer's; text fields
 * accepted control characters (see bad-input.test.ts for those refusals).
 */

interface Envelope {
  metadata: { type: string };
  data: Record<string, unknown>;
}

let seq = 0;
const lowerSku = (): string => `lower-${process.pid}-${Date.now().toString(36)}-${(seq += 1)}`.toLowerCase();

describe('SKUs are upper case wherever they are validated and stored', () => {
  it('stocks and prices a SKU sent in lower case under its upper-case name, and finds it either way', async () => {
    const sku = lowerSku();
    const set = await api<{ sku: string }>('PUT', `/inventory/${sku}`, {
      body: { available: 2, unitPrice: 1000, currency: 'EUR' },
    });
    expect(set).toMatchObject({ status: 200, body: { sku: sku.toUpperCase() } });
    expect((await api('GET', `/inventory/${sku.toUpperCase()}`)).body).toMatchObject({ available: 2 });
    expect((await api('GET', `/inventory/${sku}`)).body).toMatchObject({
      sku: sku.toUpperCase(),
      available: 2,
    });
  });

  it('orders a lower-case SKU as the upper-case one: priced, reserved and sold from the same stock', async () => {
    const sku = lowerSku();
    await api('PUT', `/inventory/${sku.toUpperCase()}`, {
      body: { available: 3, unitPrice: 1000, currency: 'EUR' },
    });
    const orderId = await placeOrder(validOrder({ items: [{ sku, quantity: 2, unitPrice: 1000 }] }));
    expect(await orderReaches(orderId, ['CONFIRMED', 'CANCELLED'])).toMatchObject({
      status: 'CONFIRMED',
      items: [{ sku: sku.toUpperCase(), quantity: 2, unitPrice: 1000 }],
    });
    expect(await stockOf(sku.toUpperCase())).toMatchObject({ available: 1, reserved: 0 });
  });

  it('refuses the same SKU twice in two cases as a duplicate', async () => {
    const sku = lowerSku();
    const response = await api<{ error: { details: { path: string; rule: string }[] } }>('POST', '/orders', {
      body: validOrder({
        items: [
          { sku, quantity: 1, unitPrice: 100 },
          { sku: sku.toUpperCase(), quantity: 1, unitPrice: 100 },
        ],
      }),
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details.map(({ path, rule }) => [path, rule])).toContainEqual([
      'items[1].sku',
      'duplicateSku',
    ]);
  });

  it('accepts ordinary non-ASCII text: accents, other scripts and emoji', async () => {
    const response = await api('POST', '/orders', {
      body: validOrder({
        shippingAddress: {
          line1: 'Straße 5 🏠',
          line2: 'شقة ٤',
          city: 'Zürich',
          postalCode: '8001',
          country: 'CH',
        },
      }),
    });
    expect(response.status).toBe(202);
  });
});

describe('a cancellation records who asked for it', () => {
  /** Over the review threshold: the order waits for a reviewer, so the cancel cannot race the saga's end. */
  const LARGE = 150_000;
  const cancelAndRead = async (authorization: string | undefined) => {
    const customerId = uniqueCustomer('reason');
    const sku = await stockedSku(1, LARGE);
    const orderId = await placeOrder(
      validOrder({ customerId, items: [{ sku, quantity: 1, unitPrice: LARGE }] }),
    );
    await orderReaches(orderId, ['AWAITING_REVIEW']);
    const asCustomer = bearer({ role: 'customer', subject: customerId });
    const cancel = await api<{ cancellationReason: string }>('POST', `/orders/${orderId}/cancel`, {
      authorization: authorization ?? asCustomer,
    });
    expect(cancel.status).toBe(202);
    const events = await api<{ events: Envelope[] }>('GET', `/orders/${orderId}/events`);
    const cancelled = events.body.events.filter((e) => e.metadata.type === 'OrderCancelled');
    const view = await eventually(
      () => api<{ status: string; cancellationReason?: string }>('GET', `/orders/${orderId}`),
      (r) => r.status === 200 && r.body.status === 'CANCELLED',
    );
    return { answer: cancel.body.cancellationReason, events: cancelled, view: view.body };
  };

  it('records the customer’s own cancel as CUSTOMER_CANCELLED', async () => {
    const { answer, events, view } = await cancelAndRead(undefined);
    expect(answer).toBe('CUSTOMER_CANCELLED');
    expect(events.map((e) => e.data.reason)).toEqual(['CUSTOMER_CANCELLED']);
    expect(view.cancellationReason).toBe('CUSTOMER_CANCELLED');
  });

  it('records an operator’s cancel as OPERATOR_CANCELLED', async () => {
    const operator = bearer({ role: 'admin', subject: 'reason-test-operator' });
    const { answer, events, view } = await cancelAndRead(operator);
    expect(answer).toBe('OPERATOR_CANCELLED');
    expect(events.map((e) => e.data.reason)).toEqual(['OPERATOR_CANCELLED']);
    expect(view.cancellationReason).toBe('OPERATOR_CANCELLED');
  });
});
