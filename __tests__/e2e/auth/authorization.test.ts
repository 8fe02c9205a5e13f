import { bearer, issueDevToken } from '../../../src/local/auth/dev-token';
import { api, eventually, uniqueCustomer, validOrder } from '../../support/api';

const customer = bearer({ role: 'customer', subject: 'auth-test-customer' });

describe('authorization on the HTTP API (JWT authorizer, local user pool)', () => {
  it('lets anyone ask for the health check', async () => {
    expect((await api('GET', '/health', { authorization: null })).status).toBe(200);
  });

  it.each([
    ['no Authorization header', null],
    ['a token that is not a JWT', 'Bearer not-a-token'],
    ['an expired token', bearer({ expiresInSeconds: -60 })],
    ['a token from another issuer', bearer({ claims: { iss: 'https://issuer.example.com/pool' } })],
    ['a token for another app client', bearer({ claims: { client_id: 'someone-elses-client' } })],
  ])('answers 401 to %s, and places no order', async (_, authorization) => {
    const customerId = `auth-401-${Date.now().toString(36)}`;
    const response = await api('POST', '/orders', { body: validOrder({ customerId }), authorization });
    expect(response.status).toBe(401);
    const listed = await api<{ items: unknown[] }>('GET', `/orders?customerId=${customerId}`);
    expect(listed.body.items).toEqual([]);
  });

  describe('customers act for themselves only', () => {
    const alice = uniqueCustomer('alice');
    const bob = uniqueCustomer('bob');
    const asAlice = bearer({ role: 'customer', subject: alice });
    const asBob = bearer({ role: 'customer', subject: bob });
    let orderId: string;

    beforeAll(async () => {
      const placed = await api<{ orderId: string }>('POST', '/orders', {
        body: validOrder({ customerId: alice }),
        authorization: asAlice,
      });
      expect(placed.status).toBe(202);
      orderId = placed.body.orderId;
    });

    it('lets a customer read their own order, its events and their orders list', async () => {
      const view = await eventually(
        () => api<{ customerId: string }>('GET', `/orders/${orderId}`, { authorization: asAlice }),
        (r) => r.status === 200,
      );
      expect(view.body.customerId).toBe(alice);
      expect((await api('GET', `/orders/${orderId}/events`, { authorization: asAlice })).status).toBe(200);
      const listed = await api<{ items: { orderId: string }[] }>('GET', `/orders?customerId=${alice}`, {
        authorization: asAlice,
      });
      expect(listed.body.items.map((o) => o.orderId)).toContain(orderId);
    });

    it('refuses an order placed in another customer’s name with 403 FORBIDDEN on customerId', async () => {
      const response = await api('POST', '/orders', {
        body: validOrder({ customerId: alice }),
        authorization: asBob,
      });
      expect(response).toMatchObject({
        status: 403,
        body: { error: { code: 'FORBIDDEN', details: [{ path: 'customerId', rule: 'caller' }] } },
      });
    });

    it('refuses to list another customer’s orders with 403', async () => {
      const response = await api('GET', `/orders?customerId=${alice}`, { authorization: asBob });
      expect(response).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    });

    it.each([
      ['GET', ''],
      ['GET', '/events'],
      ['POST', '/cancel'],
    ])(
      'answers %s /orders/{id}%s of another customer’s order with 404, as if it did not exist',
      async (method, suffix) => {
        const response = await api(method, `/orders/${orderId}${suffix}`, { authorization: asBob });
        expect(response).toMatchObject({ status: 404, body: { error: { code: 'ORDER_NOT_FOUND' } } });
      },
    );

    it('recorded no customer cancellation for the refused cancel', async () => {
      const events = await api<{ events: { data: { reason?: string } }[] }>(
        'GET',
        `/orders/${orderId}/events`,
      );
      expect(events.body.events.map((e) => e.data.reason)).not.toContain('CUSTOMER_CANCELLED');
    });

    it('shows another customer none of the order’s notifications', async () => {
      const response = await api<{ notifications: unknown[] }>('GET', `/orders/${orderId}/notifications`, {
        authorization: asBob,
      });
      expect(response).toMatchObject({ status: 200, body: { notifications: [] } });
    });
  });

  it.each([
    ['PUT', '/inventory/SKU-AUTH', { available: 5 }],
    ['GET', '/inventory/SKU-AUTH', undefined],
    ['GET', '/reviews', undefined],
    ['POST', '/orders/01J00000000000000000000000/review', { decision: 'approve' }],
    ['GET', '/orders/01J00000000000000000000000/saga', undefined],
  ])('answers 403 to a customer token on the admin route %s %s', async (method, path, body) => {
    const response = await api(method, path, { body, authorization: customer });
    expect(response.status).toBe(403);
  });

  it('lets an operator set stock, and leaves a customer’s refused update unapplied', async () => {
    const operator = `Bearer ${issueDevToken({ role: 'admin', subject: 'auth-test-operator' })}`;
    const sku = `SKU-AUTH-${Date.now().toString(36).toUpperCase()}`;
    const set = await api('PUT', `/inventory/${sku}`, { body: { available: 5 }, authorization: operator });
    expect(set.status).toBe(200);
    const refused = await api('PUT', `/inventory/${sku}`, {
      body: { available: 7 },
      authorization: customer,
    });
    expect(refused.status).toBe(403);
    const stock = await api('GET', `/inventory/${sku}`, { authorization: operator });
    expect(stock).toMatchObject({ status: 200, body: { sku, available: 5 } });
  });
});
