import { createHmac, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { poolJwks, poolSigningKey } from '../../../../src/local/auth/pool-keys';
import { AccessTokenVerifier, TokenRejectedError } from '../../../../src/local/auth/verify-token';

const NOW = 1_800_000_000;
const policy = { issuer: 'https://issuer.example/pool', audiences: ['client-a', 'client-b'] };
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

let dir: string;
let key: { kid: string; privateKey: KeyObject };
let verifier: AccessTokenVerifier;

const validClaims = () => ({
  sub: 'cust-1',
  iss: policy.issuer,
  client_id: 'client-a',
  scope: 'orderflow/orders',
  iat: NOW - 10,
  exp: NOW + 600,
});

function sign(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'RS256', kid: key.kid },
  privateKey = key.privateKey,
) {
  const unsigned = `${b64(header)}.${b64(claims)}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(privateKey).toString('base64url')}`;
}

const rejects = (token: string, reason: RegExp) => {
  expect(() => verifier.verify(token)).toThrow(TokenRejectedError);
  expect(() => verifier.verify(token)).toThrow(reason);
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orderflow-pool-test-'));
  key = poolSigningKey(dir);
  verifier = new AccessTokenVerifier(poolJwks(dir), policy, () => NOW);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the local user pool’s key', () => {
  it('is created once, readable by its owner only, and named by its thumbprint in the JWKS', () => {
    expect(poolSigningKey(dir)).toBe(key);
    expect(statSync(join(dir, 'signing-key.pem')).mode & 0o777).toBe(0o600);
    expect(poolJwks(dir).keys).toEqual([
      expect.objectContaining({ kty: 'RSA', kid: key.kid, alg: 'RS256', use: 'sig' }),
    ]);
  });
});

describe('AccessTokenVerifier (what API Gateway’s JWT authorizer checks)', () => {
  it('accepts a token signed by the pool, with its claims and scopes', () => {
    const verified = verifier.verify(sign({ ...validClaims(), scope: 'orderflow/orders orderflow/admin' }));
    expect(verified.claims.sub).toBe('cust-1');
    expect(verified.scopes).toEqual(['orderflow/orders', 'orderflow/admin']);
  });

  it('accepts an accepted audience in aud as well as in client_id', () => {
    const claims = { ...validClaims(), client_id: undefined, aud: ['other', 'client-b'] };
    expect(verifier.verify(sign(claims)).claims.sub).toBe('cust-1');
  });

  it('refuses alg none', () => {
    rejects(`${b64({ alg: 'none' })}.${b64(validClaims())}.`, /alg none/);
  });

  it('refuses HS256 signed with the public key as the secret (algorithm confusion)', () => {
    const header = b64({ alg: 'HS256', kid: key.kid });
    const payload = b64(validClaims());
    const secret = JSON.stringify(poolJwks(dir).keys[0]);
    const mac = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
    rejects(`${header}.${payload}.${mac}`, /alg HS256/);
  });

  it('refuses a signature by another key, even under the pool’s kid', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    rejects(sign(validClaims(), { alg: 'RS256', kid: key.kid }, privateKey), /signature/);
  });

  it('refuses a kid the JWKS does not have', () => {
    rejects(sign(validClaims(), { alg: 'RS256', kid: 'someone-else' }), /kid/);
  });

  it('refuses a payload changed after signing', () => {
    const [header, , signature] = sign(validClaims()).split('.');
    rejects(`${header}.${b64({ ...validClaims(), scope: 'orderflow/admin' })}.${signature}`, /signature/);
  });

  it.each([
    ['no exp', { exp: undefined }, /exp is missing/],
    ['exp as a string', { exp: String(NOW + 600) }, /exp is missing/],
    ['an exp in the past', { exp: NOW - 1 }, /expired/],
    ['an exp of exactly now', { exp: NOW }, /expired/],
    ['an nbf in the future', { nbf: NOW + 60 }, /nbf/],
    ['an iat in the future', { iat: NOW + 60 }, /iat/],
    ['another issuer', { iss: 'https://issuer.example/other' }, /issuer/],
    ['no accepted audience', { client_id: 'client-z' }, /audience/],
  ])('refuses %s', (_, change, reason) => {
    rejects(sign({ ...validClaims(), ...change }), reason);
  });

  it.each([
    ['two segments', () => 'a.b'],
    ['a header that is not JSON', () => `${Buffer.from('nope').toString('base64url')}.e30.sig`],
    ['a payload that is an array', () => sign([] as unknown as Record<string, unknown>)],
    ['characters outside base64url', () => `${b64({ alg: 'RS256', kid: key.kid })}.e30.a+b/c=`],
  ])('refuses %s', (_, token) => {
    expect(() => verifier.verify(token())).toThrow(TokenRejectedError);
  });
});
