import { api, eventually, uniqueCustomer, validOrder } from '../../support/api';

interface OrderView {
  orderId: string;
  customerId: string;
  status: string;
  items: unknown[];
  total: number;
  currency: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}
interface Placed {
  orderId: string;
  status: string;
}

const placeOrder = async (body = validOrder(), headers: Record<string, string> = {}) => {
  const response = await api<Placed>('POST', '/orders', { body, headers });
  expect(response.status).toBe(202);
  return response;
};

const viewOf = (orderId: string) =>
  eventually(
    () => api<OrderView>('GET', `/orders/${orderId}`),
    (r) => r.status === 200,
  );

describe('POST /orders then read it back', () => {
  it('accepts an order with 202, a Location header and PENDING', async () => {
    const response = await placeOrder();
    expect(response.body).toEqual({ orderId: expect.stringMatching(/^[0-9A-Z]{26}$/), status: 'PENDING' });
    expect(response.headers.get('location')).toBe(`/orders/${response.body.orderId}`);
  });

  it('serves the projected view: totals in minor units, the stream version, timestamps', async () => {
    // Nobody stocked these SKUs, so the saga cancels the order: the view follows it to the end.
    const body = validOrder();
    const { body: placed } = await placeOrder(body);
    const { body: view } = await eventually(
      () => api<OrderView>('GET', `/orders/${placed.orderId}`),
      (r) => r.status === 200 && r.body.status === 'CANCELLED',
    );
    const stored = await api<{ events: unknown[] }>('GET', `/orders/${placed.orderId}/events`);
    expect(view).toEqual({
      orderId: placed.orderId,
      customerId: body.customerId,
      status: 'CANCELLED',
      cancellationReason: 'OUT_OF_STOCK',
      items: body.items,
      total: 2 * 1250 + 999,
      currency: 'EUR',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      placedAt: expect.any(String),
      version: stored.body.events.length,
    });
    expect(view.updatedAt >= view.createdAt).toBe(true);
    expect(view).not.toHaveProperty('paymentToken');
  });

  it('answers 404 ORDER_NOT_FOUND for an id that was never placed', async () => {
    const response = await api('GET', '/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      error: { code: 'ORDER_NOT_FOUND', message: expect.any(String), details: [] },
    });
  });

  it('answers 400 naming the field for an id that cannot be an order id', async () => {
    const response = await api('GET', '/orders/not-an-id');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      error: { code: 'VALIDATION_FAILED', details: [{ path: 'orderId', rule: 'pattern' }] },
    });
  });

  it('lists the stored events in version order', async () => {
    const { body: placed } = await placeOrder();
    const response = await api<{
      events: { metadata: Record<string, unknown>; data: Record<string, unknown> }[];
    }>('GET', `/orders/${placed.orderId}/events`);
    expect(response.status).toBe(200);
    const versions = response.body.events.map((e) => e.metadata.version);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
    expect(response.body.events[0]?.metadata.type).toBe('OrderPlaced');
    expect(response.body.events[0]?.metadata).toMatchObject({
      orderId: placed.orderId,
      correlationId: placed.orderId,
      schemaVersion: 2,
      eventId: expect.any(String),
    });
    expect((await api('GET', '/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV/events')).status).toBe(404);
  });
});

describe('GET /orders?customerId=', () => {
  it('lists a customer’s orders newest first, page by page, and no one else’s', async () => {
    const customerId = uniqueCustomer('pager');
    const placed: string[] = [];
    for (let i = 0; i < 5; i += 1) placed.push((await placeOrder(validOrder({ customerId }))).body.orderId);
    await placeOrder(validOrder());
    for (const id of placed) await viewOf(id);

    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const query = `customerId=${customerId}&limit=2${nextToken ? `&nextToken=${nextToken}` : ''}`;
      const response = await api<{ items: OrderView[]; nextToken?: string }>('GET', `/orders?${query}`);
      expect(response.status).toBe(200);
      expect(response.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...response.body.items.map((item) => item.orderId));
      nextToken = response.body.nextToken;
      pages += 1;
    } while (nextToken && pages < 10);
    expect(seen).toEqual([...placed].reverse());
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it.each([
    ['', 'customerId', 'required'],
    ['customerId=a&limit=0', 'limit', 'range'],
    ['customerId=a&limit=101', 'limit', 'range'],
    ['customerId=a&limit=two', 'limit', 'range'],
    ['customerId=a&nextToken=garbage', 'nextToken', 'token'],
    ['customerId=has%20space', 'customerId', 'pattern'],
  ])('rejects the query "%s" naming %s and %s', async (query, path, rule) => {
    const response = await api('GET', `/orders?${query}`);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ path, rule }] } });
  });
});
