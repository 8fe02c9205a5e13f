import { createSign, generateKeyPairSync } from 'node:crypto';
import { bearer, issueDevToken } from '../../../src/local/auth/dev-token';
import { api, uniqueCustomer, validOrder } from '../../support/api';

/**
 * Issue 12 item 2: identity fails closed. Each case was a hole confirmed by a probe against
 * `npm start` (a token with no subject, the authorizer-override header, an unsigned admin token):
 * the offline API verifies tokens as the cloud's JWT authorizer does, and handlers never take
 * "no caller" for an operator.
 */

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const parts = (token: string) => {
  const [header = '', payload = ''] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>,
  };
};

/** A real operator token's claims, re-issued with `alg: none` and no signature. */
const unsignedAdminToken = (): string => {
  const { payload } = parts(issueDevToken({ role: 'admin', subject: 'mallory' }));
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`;
};

/** A real operator token's header and claims, signed with a key that is not the local pool's. */
const adminTokenSignedByAnotherKey = (): string => {
  const { header, payload } = parts(issueDevToken({ role: 'admin', subject: 'mallory' }));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const unsigned = `${base64url(header)}.${base64url(payload)}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(privateKey).toString('base64url')}`;
};

describe('identity fails closed (issue 12, item 2)', () => {
  const alice = uniqueCustomer('alice');
  const asAlice = bearer({ role: 'customer', subject: alice });

  beforeAll(async () => {
    const placed = await api('POST', '/orders', {
      body: validOrder({ customerId: alice }),
      authorization: asAlice,
    });
    expect(placed.status).toBe(202);
  });

  it('refuses a signed token that names no subject with 403 FORBIDDEN, instead of treating it as an operator', async () => {
    const noSubject = bearer({ role: 'customer', claims: { sub: undefined, username: undefined } });
    const listed = await api('GET', `/orders?customerId=${alice}`, { authorization: noSubject });
    expect(listed).toMatchObject({
      status: 403,
      body: { error: { code: 'FORBIDDEN', details: [{ path: 'authorization', rule: 'subject' }] } },
    });
  });

  it('ignores sls-offline-authorizer-override: a customer token stays that customer', async () => {
    const asBob = bearer({ role: 'customer', subject: uniqueCustomer('bob') });
    const listed = await api('GET', `/orders?customerId=${alice}`, {
      authorization: asBob,
      headers: { 'sls-offline-authorizer-override': '{}' },
    });
    expect(listed).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
  });

  it('ignores an override that claims the operator scope on an admin route', async () => {
    const override = JSON.stringify({
      jwt: { claims: { sub: 'mallory', scope: 'orderflow/admin' }, scopes: ['orderflow/admin'] },
    });
    const response = await api('GET', '/reviews', {
      authorization: bearer({ role: 'customer', subject: 'mallory' }),
      headers: { 'sls-offline-authorizer-override': override },
    });
    expect({ status: response.status, body: response.body }).toEqual({
      status: 403,
      body: { message: 'Forbidden' },
    });
  });

  it.each([
    ['an unsigned token (alg none) with the operator scope', unsignedAdminToken],
    ['an operator token signed with a key that is not the local pool’s', adminTokenSignedByAnotherKey],
    ['an operator token without exp', () => issueDevToken({ role: 'admin', claims: { exp: undefined } })],
    [
      'a token that is not yet valid (nbf in the future)',
      () => issueDevToken({ claims: { nbf: 4102444800 } }),
    ],
  ])('answers 401 {"message":"Unauthorized"} to %s, and changes no stock', async (_, token) => {
    const sku = `SKU-FORGED-${Date.now().toString(36).toUpperCase()}`;
    const response = await api('PUT', `/inventory/${sku}`, {
      body: { available: 1 },
      authorization: `Bearer ${token()}`,
    });
    expect({ status: response.status, body: response.body }).toEqual({
      status: 401,
      body: { message: 'Unauthorized' },
    });
    expect((await api('GET', `/inventory/${sku}`)).status).toBe(404);
  });

  it('answers a missing token with API Gateway’s 401 body', async () => {
    const response = await api('GET', `/orders?customerId=${alice}`, { authorization: null });
    expect({ status: response.status, body: response.body }).toEqual({
      status: 401,
      body: { message: 'Unauthorized' },
    });
  });

  it('answers a customer token on an admin route with API Gateway’s 403 body', async () => {
    const response = await api('GET', '/reviews', { authorization: asAlice });
    expect({ status: response.status, body: response.body }).toEqual({
      status: 403,
      body: { message: 'Forbidden' },
    });
  });
});
