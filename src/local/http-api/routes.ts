import { resolveIntrinsic, type IntrinsicContext } from '../intrinsics';
import { resourcesOfType, type CfnTemplate } from '../template';

/** A JWT authorizer as the template configures it. */
export interface JwtAuthorizer {
  readonly issuer: string;
  readonly audience: readonly string[];
  /** Where the token is read from: `$request.header.Authorization` → `authorization`. */
  readonly header: string;
}

/** One route of the HTTP API: `METHOD /path/{param}` → a function, maybe behind an authorizer. */
export interface HttpRoute {
  readonly routeKey: string;
  readonly method: string;
  /** The path's segments; `{name}` segments match one segment, `{name+}` the rest. */
  readonly segments: readonly string[];
  readonly functionName: string;
  readonly timeoutMs: number;
  readonly authorizer?: JwtAuthorizer;
  /** A token must carry at least one of these scopes (none listed: any valid token). */
  readonly scopes: readonly string[];
}

export class HttpRouteError extends Error {
  override readonly name = 'HttpRouteError';
}

type Props = Record<string, unknown>;

const logicalIdOf = (value: unknown): string => {
  // `integrations/<Ref Integration>` (serverless writes it as a Join) or a plain Ref.
  if (typeof value === 'object' && value !== null) {
    const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    const ref = join?.[1].find((part) => typeof part === 'object' && part !== null && 'Ref' in part);
    if (ref) return String((ref as { Ref: unknown }).Ref);
    if ('Ref' in value) return String((value as { Ref: unknown }).Ref);
  }
  if (typeof value === 'string') return value.replace(/^integrations\//, '');
  throw new HttpRouteError(`cannot read the integration of ${JSON.stringify(value)}`);
};

/**
 * The HTTP API's routes, integrations and authorizers from the compiled template: what API Gateway
 * would serve once deployed, with intrinsics given their local values.
 */
export function httpRoutesFromTemplate(template: CfnTemplate, ctx: IntrinsicContext): HttpRoute[] {
  const resolve = (value: unknown) => resolveIntrinsic(template, value, ctx);
  const authorizers = new Map<string, JwtAuthorizer>();
  for (const [id, resource] of resourcesOfType(template, 'AWS::ApiGatewayV2::Authorizer')) {
    const p = resource.Properties ?? {};
    const jwt = (p.JwtConfiguration ?? {}) as Props;
    const source = [p.IdentitySource].flat()[0];
    authorizers.set(id, {
      issuer: String(resolve(jwt.Issuer)),
      audience: [jwt.Audience ?? []].flat().map((audience) => String(resolve(audience))),
      header: String(source ?? '$request.header.Authorization')
        .replace(/^\$request\.header\./, '')
        .toLowerCase(),
    });
  }
  return resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([id, resource]) => {
    const p = resource.Properties ?? {};
    const routeKey = String(p.RouteKey);
    const [method = '', path = '/'] = routeKey.split(' ');
    const integration = template.Resources[logicalIdOf(p.Target)]?.Properties ?? {};
    const functionArn = String(resolve(integration.IntegrationUri));
    const authorizerId = p.AuthorizationType === 'JWT' ? logicalIdOf(p.AuthorizerId) : undefined;
    const authorizer = authorizerId ? authorizers.get(authorizerId) : undefined;
    if (authorizerId && !authorizer) throw new HttpRouteError(`${id}: no authorizer ${authorizerId}`);
    return {
      routeKey,
      method: method.toUpperCase(),
      segments: path.split('/').filter(Boolean),
      functionName: functionArn.split(':').pop() ?? functionArn,
      timeoutMs: typeof integration.TimeoutInMillis === 'number' ? integration.TimeoutInMillis : 30_000,
      authorizer,
      scopes: Array.isArray(p.AuthorizationScopes) ? p.AuthorizationScopes.map(String) : [],
    };
  });
}

/** The route a request takes and its path parameters; a literal segment beats a `{param}`. */
export function matchRoute(
  routes: readonly HttpRoute[],
  method: string,
  path: string,
): { route: HttpRoute; pathParameters: Record<string, string> } | undefined {
  const parts = path.split('/').filter(Boolean);
  let best: { route: HttpRoute; pathParameters: Record<string, string>; literals: number } | undefined;
  for (const route of routes) {
    if (route.method !== method && route.method !== 'ANY') continue;
    const pathParameters: Record<string, string> = {};
    let literals = 0;
    let matched = true;
    for (let i = 0; i < route.segments.length && matched; i += 1) {
      const segment = route.segments[i] ?? '';
      const greedy = /^\{(.+)\+\}$/.exec(segment);
      const param = /^\{(.+)\}$/.exec(segment);
      if (greedy?.[1]) {
        pathParameters[greedy[1]] = parts.slice(i).map(decodeURIComponent).join('/');
        break;
      }
      const part = parts[i];
      if (part === undefined) matched = false;
      else if (param?.[1]) pathParameters[param[1]] = decodeURIComponent(part);
      else if (part === segment) literals += 1;
      else matched = false;
    }
    const greedyEnd = /\+\}$/.test(route.segments[route.segments.length - 1] ?? '');
    if (!greedyEnd && parts.length !== route.segments.length) matched = false;
    if (matched && (!best || literals > best.literals)) best = { route, pathParameters, literals };
  }
  return best && { route: best.route, pathParameters: best.pathParameters };
}
