import type { IncomingHttpHeaders } from 'node:http';
import type { Jwks } from '../auth/pool-keys';
import { AccessTokenVerifier, TokenRejectedError, type VerifiedToken } from '../auth/verify-token';
import type { HttpRoute, JwtAuthorizer } from './routes';

/** What the authorizer hands the function: the token's claims (as strings) and scopes. */
export interface AuthorizedCaller {
  readonly claims: Record<string, string>;
  readonly scopes: readonly string[];
}

export type Authorization =
  | { readonly ok: true; readonly caller?: AuthorizedCaller }
  | { readonly ok: false; readonly status: 401 | 403; readonly message: 'Unauthorized' | 'Forbidden' };

/**
 * Verifies a token for an authorizer (signature against the local pool's JWKS, expiry, issuer,
 * audience): its claims and scopes, or a thrown TokenRejectedError.
 */
export type TokenVerifier = (token: string, authorizer: JwtAuthorizer) => VerifiedToken;

const UNAUTHORIZED: Authorization = { ok: false, status: 401, message: 'Unauthorized' };
const FORBIDDEN: Authorization = { ok: false, status: 403, message: 'Forbidden' };

// API Gateway hands claims to the function as strings.
const asClaimString = (value: unknown): string =>
  typeof value === 'string' ? value : Array.isArray(value) ? `[${value.join(' ')}]` : JSON.stringify(value);

/**
 * The HTTP API's JWT authorizer: the token from the identity source (with or without `Bearer `),
 * verified by `verify` (RS256 against the local pool's JWKS, not expired, issuer, audience), and
 * holding one of the route's scopes: 401 for a missing or invalid token, 403 for a valid one without
 * the scope, as API Gateway answers. `noAuthToken`, when authorization is switched off, stands in for
 * a missing token (the local operator's); a token that is sent is still checked.
 */
export function authorize(
  route: HttpRoute,
  headers: IncomingHttpHeaders,
  verify: TokenVerifier,
  noAuthToken?: () => string,
): Authorization {
  const authorizer = route.authorizer;
  if (!authorizer) return { ok: true };
  const raw = headers[authorizer.header];
  const sent = (Array.isArray(raw) ? raw[0] : raw)?.replace(/^Bearer\s+/i, '').trim();
  const token = sent || noAuthToken?.();
  if (!token) return UNAUTHORIZED;
  let verified: VerifiedToken;
  try {
    verified = verify(token, authorizer);
  } catch (error) {
    if (error instanceof TokenRejectedError) return UNAUTHORIZED;
    throw error;
  }
  const { claims, scopes } = verified;
  if (route.scopes.length > 0 && !route.scopes.some((scope) => scopes.includes(scope))) return FORBIDDEN;
  return {
    ok: true,
    caller: {
      claims: Object.fromEntries(Object.entries(claims).map(([name, claim]) => [name, asClaimString(claim)])),
      scopes,
    },
  };
}

/** One verifier per authorizer, all against the same key set (the local user pool's JWKS). */
export function verifierFor(jwks: Jwks): TokenVerifier {
  const verifiers = new Map<JwtAuthorizer, AccessTokenVerifier>();
  return (token, authorizer) => {
    let verifier = verifiers.get(authorizer);
    if (!verifier) {
      verifier = new AccessTokenVerifier(jwks, { issuer: authorizer.issuer, audiences: authorizer.audience });
      verifiers.set(authorizer, verifier);
    }
    return verifier.verify(token);
  };
}
