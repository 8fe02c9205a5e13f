import { resolveIntrinsic, type IntrinsicContext } from '../intrinsics';
import type { JwtAuthorizerPolicy } from '../auth/verify-token';
import { resourcesOfType, type CfnTemplate } from '../template';

/** One route of the HTTP API, as the compiled template declares it. */
export interface ApiRoute {
  /** `GET /orders/{orderId}`, or `$default`. */
  readonly routeKey: string;
  readonly method: string;
  readonly pattern: RegExp;
  /** The route's JWT authorizer and the scopes it requires (one of them); none on a public route. */
  readonly jwt?: { readonly authorizerId: string; readonly scopes: readonly string[] };
}

export interface ApiRoutes {
  readonly routes: readonly ApiRoute[];
  /** Each JWT authorizer's issuer and audiences, by logical id. */
  readonly authorizers: ReadonlyMap<string, JwtAuthorizerPolicy>;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `/orders/{orderId}` → a matcher; `{proxy+}` takes the rest of the path, as in API Gateway. */
function pathPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => {
      if (/^\{[^}]+\+\}$/.test(segment)) return '.+';
      if (/^\{[^}]+\}$/.test(segment)) return '[^/]+';
      return escapeRegExp(segment);
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

const refOf = (value: unknown): string | undefined =>
  typeof value === 'object' && value !== null && typeof (value as { Ref?: unknown }).Ref === 'string'
    ? (value as { Ref: string }).Ref
    : undefined;

/** The HTTP API's routes and JWT authorizers from the compiled template (what API Gateway serves). */
export function apiRoutesFromTemplate(template: CfnTemplate, ctx: IntrinsicContext): ApiRoutes {
  const authorizers = new Map<string, JwtAuthorizerPolicy>();
  for (const [id, resource] of resourcesOfType(template, 'AWS::ApiGatewayV2::Authorizer')) {
    const props = resource.Properties ?? {};
    if (props.AuthorizerType !== 'JWT') continue;
    const jwt = props.JwtConfiguration as { Issuer?: unknown; Audience?: unknown[] } | undefined;
    authorizers.set(id, {
      issuer: String(resolveIntrinsic(template, jwt?.Issuer, ctx)),
      audiences: (jwt?.Audience ?? []).map((a) => String(resolveIntrinsic(template, a, ctx))),
    });
  }
  const ranked = resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([, resource]) => {
    const props = resource.Properties ?? {};
    const routeKey = String(props.RouteKey);
    const [method = '', path = ''] = routeKey === '$default' ? ['ANY', '/{proxy+}'] : routeKey.split(' ');
    const authorizerId = props.AuthorizationType === 'JWT' ? refOf(props.AuthorizerId) : undefined;
    const route: ApiRoute = {
      routeKey,
      method,
      pattern: pathPattern(path),
      jwt:
        authorizerId === undefined
          ? undefined
          : {
              authorizerId,
              scopes: ((props.AuthorizationScopes as unknown[] | undefined) ?? []).map(String),
            },
    };
    // Literal segments win over variables, and greedy variables ($default too) come last, as in API Gateway.
    const rank = path.includes('+}') ? Number.MAX_SAFE_INTEGER : (path.match(/\{/g)?.length ?? 0);
    return { route, rank };
  });
  return { routes: ranked.sort((a, b) => a.rank - b.rank).map(({ route }) => route), authorizers };
}

/** The route a request goes to, if any. */
export const matchRoute = (routes: readonly ApiRoute[], method: string, path: string): ApiRoute | undefined =>
  routes.find((route) => (route.method === method || route.method === 'ANY') && route.pattern.test(path));
