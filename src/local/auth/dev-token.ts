import { createSign, randomUUID } from 'node:crypto';
import { AUTH_RESOURCES, cognitoIssuer, localAppClientId, localUserPoolId } from './local-user-pool';
import { poolSigningKey } from './pool-keys';

export type DevRole = 'customer' | 'admin';

export interface DevTokenOptions {
  readonly role?: DevRole;
  /** The user the token is for (`sub`, `username`). */
  readonly subject?: string;
  readonly region?: string;
  /** Seconds until it expires; negative gives an already expired token. */
  readonly expiresInSeconds?: number;
  /** Claims to override, for tests of what the authorizer refuses. */
  readonly claims?: Record<string, unknown>;
}

const SCOPES: Record<DevRole, string> = {
  customer: 'orderflow/orders',
  admin: 'orderflow/orders orderflow/admin',
};

const CLIENTS: Record<DevRole, string> = {
  customer: AUTH_RESOURCES.customerClient,
  admin: AUTH_RESOURCES.adminClient,
};

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A Cognito-shaped access token of the local user pool, signed (RS256) with the pool's key: what the
 * offline HTTP API accepts, as the JWT authorizer accepts the real pool's tokens. Customers get
 * `orderflow/orders`; admins also `orderflow/admin`. A claim given as `undefined` is left out.
 */
export function issueDevToken(options: DevTokenOptions = {}): string {
  const role = options.role ?? 'customer';
  const region = options.region ?? 'us-east-1';
  const subject = options.subject ?? `dev-${role}`;
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sub: subject,
    iss: cognitoIssuer(region, localUserPoolId(region, AUTH_RESOURCES.userPool)),
    client_id: localAppClientId(CLIENTS[role]),
    token_use: 'access',
    scope: SCOPES[role],
    auth_time: now,
    iat: now,
    exp: now + (options.expiresInSeconds ?? 3600),
    jti: randomUUID(),
    username: subject,
    ...options.claims,
  };
  const { kid, privateKey } = poolSigningKey();
  const unsigned = `${base64url({ alg: 'RS256', kid, typ: 'JWT' })}.${base64url(claims)}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(privateKey).toString('base64url');
  return `${unsigned}.${signature}`;
}

/** The `Authorization` header value for a dev token. */
export const bearer = (options: DevTokenOptions = {}): string => `Bearer ${issueDevToken(options)}`;
