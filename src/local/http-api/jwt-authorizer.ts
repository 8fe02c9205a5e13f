import type { IncomingHttpHeaders } from 'node:http';
import type { HttpRoute } from './routes';

/** What the authorizer hands the function: the token's claims (as strings) and scopes. */
export interface AuthorizedCaller {
  readonly claims: Record<string, string>;
  readonly scopes: readonly string[];
}

export type Authorization =
  | { readonly ok: true; readonly caller?: AuthorizedCaller }
  | { readonly ok: false; readonly status: 401 | 403; readonly message: 'Unauthorized' | 'Forbidden' };

/** Checks a token's signature: true when it was signed by the issuer's key. */
export type SignatureCheck = (
  signedPart: string,
  signature: Buffer,
  header: Record<string, unknown>,
) => boolean;

const UNAUTHORIZED: Authorization = { ok: false, status: 401, message: 'Unauthorized' };
const FORBIDDEN: Authorization = { ok: false, status: 403, message: 'Forbidden' };

const decodePart = (part: string | undefined): Record<string, unknown> | undefined => {
  if (!part) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
};

// API Gateway hands claims to the function as strings.
const asClaimString = (value: unknown): string =>
  typeof value === 'string' ? value : Array.isArray(value) ? `[${value.join(' ')}]` : JSON.stringify(value);

/**
 * The HTTP API's JWT authorizer: the token from the identity source (with or without `Bearer `),
 * signed (RS256, checked by `signature`), not expired, from the configured issuer, for one of the
 * configured audiences (`aud`, or `client_id` as Cognito access tokens carry it), and holding one
 * of the route's scopes. 401 for a missing or invalid token, 403 for a valid one without the scope,
 * as API Gateway answers.
 */
export function authorize(
  route: HttpRoute,
  headers: IncomingHttpHeaders,
  signature: SignatureCheck,
  nowSeconds = Date.now() / 1000,
): Authorization {
  const authorizer = route.authorizer;
  if (!authorizer) return { ok: true };
  const raw = headers[authorizer.header];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!value) return UNAUTHORIZED;
  const token = value.replace(/^Bearer\s+/i, '');
  const parts = token.split('.');
  if (parts.length !== 3) return UNAUTHORIZED;
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodePart(headerPart);
  const claims = decodePart(payloadPart);
  if (!header || !claims || header.alg !== 'RS256') return UNAUTHORIZED;
  if (!signature(`${headerPart}.${payloadPart}`, Buffer.from(signaturePart, 'base64url'), header))
    return UNAUTHORIZED;
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return UNAUTHORIZED;
  if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds) return UNAUTHORIZED;
  if (claims.iss !== authorizer.issuer) return UNAUTHORIZED;
  const audiences = claims.aud !== undefined ? [claims.aud].flat() : [claims.client_id];
  if (!audiences.some((audience) => authorizer.audience.includes(String(audience)))) return UNAUTHORIZED;
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
  if (route.scopes.length > 0 && !route.scopes.some((scope) => scopes.includes(scope))) return FORBIDDEN;
  return {
    ok: true,
    caller: {
      claims: Object.fromEntries(Object.entries(claims).map(([name, claim]) => [name, asClaimString(claim)])),
      scopes,
    },
  };
}

/**
 * Accepts any RS256 signature: `npm run token` signs with a key of its own process, which the
 * runtime cannot know, so offline the claims are checked and the signature is not (as before, with
 * serverless-offline's ignoreJWTSignature). docs/security.md says so.
 */
export const acceptUnverifiedSignature: SignatureCheck = () => true;
