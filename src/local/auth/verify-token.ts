import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { Jwks } from './pool-keys';

/** What the API's JWT authorizer is configured with (serverless.yml `orderflowJwt`). */
export interface JwtAuthorizerPolicy {
  readonly issuer: string;
  /** Accepted in `aud`, or in Cognito access tokens' `client_id`. */
  readonly audiences: readonly string[];
}

/** Why a token was refused; the client only ever hears `Unauthorized`, as from API Gateway. */
export class TokenRejectedError extends Error {
  override readonly name = 'TokenRejectedError';
}

export interface VerifiedToken {
  readonly claims: Readonly<Record<string, unknown>>;
  readonly scopes: readonly string[];
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function decodeSegment(segment: string, what: string): Record<string, unknown> {
  if (!BASE64URL.test(segment)) throw new TokenRejectedError(`${what} is not base64url`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new TokenRejectedError(`${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TokenRejectedError(`${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * Verifies an access token the way API Gateway's JWT authorizer does: an RS256 signature by a key of
 * the pool's JWKS (named by `kid`), `exp` present and in the future, `nbf` and `iat` not in the
 * future, the issuer, and an accepted audience (`aud` or `client_id`). Scopes are the route's
 * business and are checked by the caller.
 */
export class AccessTokenVerifier {
  private readonly keys: ReadonlyMap<string, KeyObject>;

  constructor(
    jwks: Jwks,
    private readonly policy: JwtAuthorizerPolicy,
    private readonly nowSeconds: () => number = () => Date.now() / 1000,
  ) {
    this.keys = new Map(
      jwks.keys.map((jwk) => [jwk.kid, createPublicKey({ key: { ...jwk }, format: 'jwk' })]),
    );
  }

  /** The token's claims and scopes, or TokenRejectedError saying why not. */
  verify(token: string): VerifiedToken {
    const segments = token.split('.');
    if (segments.length !== 3) throw new TokenRejectedError('not a JWS compact serialization');
    const [headerPart = '', payloadPart = '', signaturePart = ''] = segments;
    const header = decodeSegment(headerPart, 'header');
    // Only RS256: `none`, and HMAC with the public key as its secret, are the classic forgeries.
    if (header.alg !== 'RS256') throw new TokenRejectedError(`alg ${String(header.alg)} is not RS256`);
    const key = typeof header.kid === 'string' ? this.keys.get(header.kid) : undefined;
    if (!key) throw new TokenRejectedError(`kid ${String(header.kid)} is not in the pool's JWKS`);
    if (!BASE64URL.test(signaturePart)) throw new TokenRejectedError('signature is not base64url');
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${headerPart}.${payloadPart}`),
      key,
      Buffer.from(signaturePart, 'base64url'),
    );
    if (!signed) throw new TokenRejectedError('signature does not verify');

    const claims = decodeSegment(payloadPart, 'payload');
    const now = this.nowSeconds();
    if (!isNumber(claims.exp)) throw new TokenRejectedError('exp is missing');
    if (claims.exp <= now) throw new TokenRejectedError('expired');
    if (claims.nbf !== undefined && (!isNumber(claims.nbf) || claims.nbf > now)) {
      throw new TokenRejectedError('not valid yet (nbf)');
    }
    if (claims.iat !== undefined && (!isNumber(claims.iat) || claims.iat > now)) {
      throw new TokenRejectedError('issued in the future (iat)');
    }
    if (claims.iss !== this.policy.issuer) throw new TokenRejectedError(`issuer ${String(claims.iss)}`);
    const audiences = [claims.aud, claims.client_id].flat().filter((a) => typeof a === 'string');
    if (!audiences.some((a) => this.policy.audiences.includes(a))) {
      throw new TokenRejectedError('no accepted audience (aud or client_id)');
    }
    return { claims, scopes: scopesOf(claims) };
  }
}

/** Cognito puts scopes in `scope` (space separated); some issuers use an `scp` array. */
function scopesOf(claims: Record<string, unknown>): string[] {
  if (typeof claims.scope === 'string') return claims.scope.split(' ').filter((s) => s !== '');
  if (Array.isArray(claims.scp)) return claims.scp.filter((s): s is string => typeof s === 'string');
  return [];
}
