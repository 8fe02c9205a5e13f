import { api, eventually, placeOrderWrites, validOrder } from '../../support/api';
import { ledgerOf, orderReaches } from '../../support/saga';

/*
 * Security review, issue 12 item 1: prices come from the catalogue (PUT /inventory/{sku}), never from the
 * client. A client may quote a unit price (what it showed the customer); a quote that differs is refused.
 */

interface ErrorBody {
  error: {
    code: string;
    message: string;
    details: { path: string; rule: string; message: string; expected?: unknown }[];
  };
}
interface StockView {
  sku: string;
  available: number;
  reserved: number;
  unitPrice?: number;
  currency?: string;
}

let seq = 0;
const uniqueSku = (): string => `PRICE-${process.pid}-${Date.now().toString(36)}-${(seq += 1)}`.toUpperCase();

/** A SKU stocked with `available` units and, unless `price` is null, priced. */
async function catalogued(
  available: number,
  price: { unitPrice: number; currency: string } | null = { unitPrice: 1250, currency: 'EUR' },
): Promise<string> {
  const sku = uniqueSku();
  const response = await api<StockView>('PUT', `/inventory/${sku}`, {
    body: { available, ...(price ?? {}) },
  });
  if (response.status !== 200) {
    throw new RangeError(
      `PUT /inventory/${sku} answered ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
  return sku;
}

const place = (body: Record<string, unknown>) =>
  api<ErrorBody & { orderId: string }>('POST', '/orders', { body });

/** Places `body` expecting a refusal, and checks that nothing was written for it. */
async function refused(body: Record<string, unknown>) {
  const before = await placeOrderWrites();
  const response = await place(body);
  expect(await placeOrderWrites()).toEqual(before);
  return response;
}

describe('the catalogue: PUT /inventory/{sku} sets a price, GET /inventory/{sku} shows it', () => {
  it('stores unitPrice and currency with the stock and keeps them when a restock omits them', async () => {
    const sku = uniqueSku();
    const set = await api<StockView>('PUT', `/inventory/${sku}`, {
      body: { available: 4, unitPrice: 1999, currency: 'USD' },
    });
    expect(set).toMatchObject({
      status: 200,
      body: { sku, available: 4, reserved: 0, unitPrice: 1999, currency: 'USD' },
    });
    const restocked = await api<StockView>('PUT', `/inventory/${sku}`, { body: { available: 9 } });
    expect(restocked.body).toEqual({ sku, available: 9, reserved: 0, unitPrice: 1999, currency: 'USD' });
    expect((await api<StockView>('GET', `/inventory/${sku}`)).body).toEqual({
      sku,
      available: 9,
      reserved: 0,
      unitPrice: 1999,
      currency: 'USD',
    });
    const repriced = await api<StockView>('PUT', `/inventory/${sku}`, {
      body: { available: 9, unitPrice: 2100, currency: 'USD' },
    });
    expect(repriced.body).toMatchObject({ unitPrice: 2100, currency: 'USD' });
  });

  it.each([
    ['a price without a currency', { available: 1, unitPrice: 100 }, [['currency', 'required']]],
    ['a currency without a price', { available: 1, currency: 'EUR' }, [['unitPrice', 'required']]],
    ['a zero price', { available: 1, unitPrice: 0, currency: 'EUR' }, [['unitPrice', 'positive']]],
    ['a fractional price', { available: 1, unitPrice: 12.5, currency: 'EUR' }, [['unitPrice', 'integer']]],
    [
      'a price over the maximum',
      { available: 1, unitPrice: 1_000_001, currency: 'EUR' },
      [['unitPrice', 'max']],
    ],
    ['an unknown currency', { available: 1, unitPrice: 100, currency: 'XYZ' }, [['currency', 'currency']]],
    ['a lower-case currency', { available: 1, unitPrice: 100, currency: 'eur' }, [['currency', 'pattern']]],
    [
      'a currency without minor units',
      { available: 1, unitPrice: 100, currency: 'XAU' },
      [['currency', 'currencyMinorUnits']],
    ],
  ])('refuses %s with 400 naming the field, writing nothing', async (_name, body, issues) => {
    const sku = uniqueSku();
    const response = await api<ErrorBody>('PUT', `/inventory/${sku}`, { body });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details.map(({ path, rule }) => [path, rule])).toEqual(issues);
    expect((await api('GET', `/inventory/${sku}`)).status).toBe(404);
  });
});

describe('POST /orders prices every line from the catalogue', () => {
  it('prices lines sent without a unitPrice, and the events and the view record the catalogue price', async () => {
    const red = await catalogued(0, { unitPrice: 1250, currency: 'EUR' });
    const blue = await catalogued(0, { unitPrice: 999, currency: 'EUR' });
    const placed = await place(
      validOrder({
        items: [
          { sku: red, quantity: 2 },
          { sku: blue, quantity: 1, unitPrice: 999 },
        ],
      }),
    );
    expect(placed.status).toBe(202);
    const { orderId } = placed.body;
    const events = await api<{ events: { metadata: { type: string }; data: Record<string, unknown> }[] }>(
      'GET',
      `/orders/${orderId}/events`,
    );
    expect(events.body.events[0]?.data).toMatchObject({
      items: [
        { sku: red, quantity: 2, unitPrice: 1250 },
        { sku: blue, quantity: 1, unitPrice: 999 },
      ],
      currency: 'EUR',
      total: 2 * 1250 + 999,
    });
    const view = await eventually(
      () => api<{ items: unknown[]; total: number }>('GET', `/orders/${orderId}`),
      (r) => r.status === 200,
    );
    expect(view.body).toMatchObject({
      items: [
        { sku: red, quantity: 2, unitPrice: 1250 },
        { sku: blue, quantity: 1, unitPrice: 999 },
      ],
      total: 3499,
    });
  });

  it('charges the catalogue total, not what the client sent', async () => {
    const sku = await catalogued(5, { unitPrice: 4200, currency: 'EUR' });
    const placed = await place(validOrder({ items: [{ sku, quantity: 2 }] }));
    expect(placed.status).toBe(202);
    expect(await orderReaches(placed.body.orderId, ['CONFIRMED', 'CANCELLED'])).toMatchObject({
      status: 'CONFIRMED',
      total: 8400,
    });
    expect((await ledgerOf(placed.body.orderId)).totals).toMatchObject({ authorized: 8400, captured: 8400 });
  });

  it('refuses 1,000 units at 1 cent of a priced SKU (the probe): 409 PRICE_CHANGED naming the line and the price', async () => {
    const cheap = await catalogued(0, { unitPrice: 500, currency: 'EUR' });
    const sku = await catalogued(1000, { unitPrice: 2500, currency: 'EUR' });
    const response = await refused(
      validOrder({
        items: [
          { sku: cheap, quantity: 1, unitPrice: 500 },
          { sku, quantity: 1000, unitPrice: 1 },
        ],
      }),
    );
    expect(response.status).toBe(409);
    expect(response.body.error).toEqual({
      code: 'PRICE_CHANGED',
      message: expect.any(String),
      details: [
        {
          path: 'items[1].unitPrice',
          rule: 'priceChanged',
          message: expect.stringContaining('2500'),
          expected: 2500,
        },
      ],
    });
    expect((await api<StockView>('GET', `/inventory/${sku}`)).body).toMatchObject({
      available: 1000,
      reserved: 0,
    });
  });

  it('refuses a SKU with no price (stocked or not) with 422 SKU_NOT_PRICED naming each line', async () => {
    const priced = await catalogued(3);
    const unpriced = await catalogued(3, null);
    const response = await refused(
      validOrder({
        items: [
          { sku: priced, quantity: 1 },
          { sku: unpriced, quantity: 1, unitPrice: 100 },
          { sku: uniqueSku(), quantity: 1 },
        ],
      }),
    );
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('SKU_NOT_PRICED');
    expect(response.body.error.details.map(({ path, rule }) => [path, rule])).toEqual([
      ['items[1].sku', 'notPriced'],
      ['items[2].sku', 'notPriced'],
    ]);
  });

  it('refuses an order in another currency than a SKU is priced in with 422 CURRENCY_MISMATCH', async () => {
    const sku = await catalogued(3, { unitPrice: 1000, currency: 'USD' });
    const response = await refused(validOrder({ currency: 'EUR', items: [{ sku, quantity: 1 }] }));
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('CURRENCY_MISMATCH');
    expect(response.body.error.details).toEqual([
      {
        path: 'currency',
        rule: 'currencyMismatch',
        message: expect.stringContaining('USD'),
        expected: 'USD',
      },
    ]);
  });

  it('refuses a catalogue total over the maximum with 400 maxTotal, writing nothing', async () => {
    const sku = await catalogued(1000, { unitPrice: 1_000_000, currency: 'EUR' });
    const response = await refused(validOrder({ items: [{ sku, quantity: 11 }] }));
    expect(response.status).toBe(400);
    expect(response.body.error.details.map(({ path, rule }) => [path, rule])).toEqual([
      ['items', 'maxTotal'],
    ]);
  });

  it('answers a repeated request (same Idempotency-Key and body) with the same order after a price change', async () => {
    const sku = await catalogued(0, { unitPrice: 700, currency: 'EUR' });
    const body = validOrder({ items: [{ sku, quantity: 1, unitPrice: 700 }] });
    const headers = { 'idempotency-key': `price-repeat-${uniqueSku()}` };
    const first = await api<{ orderId: string }>('POST', '/orders', { body, headers });
    expect(first.status).toBe(202);
    await api('PUT', `/inventory/${sku}`, { body: { available: 0, unitPrice: 800, currency: 'EUR' } });
    const again = await api<{ orderId: string }>('POST', '/orders', { body, headers });
    expect(again).toMatchObject({ status: 202, body: { orderId: first.body.orderId } });
  });
});
