import { AccessTokenVerifier, TokenRejectedError } from '../auth/verify-token';
import type { Jwks } from '../auth/pool-keys';
import { matchRoute, type ApiRoutes } from './routes';

/** What the front does with a request, as API Gateway's JWT authorizer would decide it. */
export type AuthorizerDecision =
  | {
      readonly pass: true;
      /** The Authorization header to pass on (undefined: the request's own, or none). */
      readonly authorization?: string;
    }
  | {
      readonly pass: false;
      readonly status: 401 | 403;
      /** API Gateway's body for an authorizer refusal. */
      readonly body: { readonly message: 'Unauthorized' | 'Forbidden' };
      /** For the runtime's log, never for the client. */
      readonly reason: string;
    };

export interface LocalAuthorizerOptions {
  readonly routes: ApiRoutes;
  readonly jwks: Jwks;
  /**
   * ORDERFLOW_NO_AUTH: a request without a token runs as the local operator, whose (real, signed)
   * token this gives; a request with a token is still checked.
   */
  readonly operatorToken?: () => string;
}

const unauthorized = (reason: string): AuthorizerDecision => ({
  pass: false,
  status: 401,
  body: { message: 'Unauthorized' },
  reason,
});

/** `Bearer <token>` as API Gateway reads it (the scheme is optional and case-insensitive). */
const tokenOf = (header: string): string => header.replace(/^bearer\s+/i, '').trim();

/**
 * The offline stand-in for the HTTP API's JWT authorizer, in front of serverless-offline (which only
 * decodes tokens). Every route the template protects gets its token verified against the local
 * pool's JWKS and its scopes checked; a request that matches no route is held to the API's
 * authorizer too (fail closed), so a path spelled differently cannot slip past it. Only routes the
 * template leaves without an authorizer (`GET /health`) are open.
 */
export class LocalJwtAuthorizer {
  private readonly verifiers: ReadonlyMap<string, AccessTokenVerifier>;

  constructor(private readonly options: LocalAuthorizerOptions) {
    this.verifiers = new Map(
      [...options.routes.authorizers].map(([id, policy]) => [
        id,
        new AccessTokenVerifier(options.jwks, policy),
      ]),
    );
  }

  decide(method: string, path: string, authorization: string | undefined): AuthorizerDecision {
    const route = matchRoute(this.options.routes.routes, method, path);
    if (route && !route.jwt) return { pass: true };
    if (authorization === undefined || tokenOf(authorization) === '') {
      if (this.options.operatorToken)
        return { pass: true, authorization: `Bearer ${this.options.operatorToken()}` };
      return unauthorized('no token');
    }
    const verifiers = route?.jwt
      ? [this.verifiers.get(route.jwt.authorizerId)].filter((v) => v !== undefined)
      : [...this.verifiers.values()];
    let scopes: readonly string[] | undefined;
    const reasons: string[] = [];
    for (const verifier of verifiers) {
      try {
        scopes = verifier.verify(tokenOf(authorization)).scopes;
        break;
      } catch (error) {
        if (!(error instanceof TokenRejectedError)) throw error;
        reasons.push(error.message);
      }
    }
    if (scopes === undefined) return unauthorized(reasons.join('; ') || 'no authorizer for this route');
    const granted = scopes;
    const required = route?.jwt?.scopes ?? [];
    if (required.length > 0 && !required.some((scope) => granted.includes(scope))) {
      return {
        pass: false,
        status: 403,
        body: { message: 'Forbidden' },
        reason: `the token has none of the scopes ${required.join(', ')}`,
      };
    }
    return { pass: true };
  }
}
