import { bearer, issueDevToken } from '../../../src/local/auth/dev-token';
import { api, validOrder } from '../../support/api';

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

  it('accepts a customer token on customer routes', async () => {
    const placed = await api<{ orderId: string }>('POST', '/orders', {
      body: validOrder(),
      authorization: customer,
    });
    expect(placed.status).toBe(202);
    const events = await api('GET', `/orders/${placed.body.orderId}/events`, { authorization: customer });
    expect(events.status).toBe(200);
  });

  it.each([
    ['PUT', '/inventory/SKU-AUTH', { available: 5 }],
    ['GET', '/inventory/SKU-AUTH', undefined],
    ['GET', '/reviews', undefined],
    ['POST', '/orders/01J00000000000000000000000/review', { decision: 'approve' }],
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
