import { createSign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { poolJwks, poolSigningKey } from '../../../../src/local/auth/pool-keys';
import { LocalJwtAuthorizer } from '../../../../src/local/http-front/authorizer';
import { apiRoutesFromTemplate, matchRoute } from '../../../../src/local/http-front/routes';
import type { CfnTemplate } from '../../../../src/local/template';

const REGION = 'us-east-1';
const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${REGION}_UserPool`;

const route = (routeKey: string, scopes?: string[]) => ({
  Type: 'AWS::ApiGatewayV2::Route',
  Properties: {
    RouteKey: routeKey,
    ...(scopes
      ? { AuthorizationType: 'JWT', AuthorizerId: { Ref: 'Jwt' }, AuthorizationScopes: scopes }
      : {}),
  },
});

/** The shape `sls package` compiles functions/*.yml's httpApi events and authorizer into. */
const template: CfnTemplate = {
  Resources: {
    UserPool: { Type: 'AWS::Cognito::UserPool' },
    CustomerAppClient: { Type: 'AWS::Cognito::UserPoolClient' },
    Jwt: {
      Type: 'AWS::ApiGatewayV2::Authorizer',
      Properties: {
        AuthorizerType: 'JWT',
        JwtConfiguration: {
          Audience: [{ Ref: 'CustomerAppClient' }],
          Issuer: {
            'Fn::Join': [
              '',
              ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: 'UserPool' }],
            ],
          },
        },
      },
    },
    Health: route('GET /health'),
    Orders: route('GET /orders/{orderId}', ['orderflow/orders']),
    Events: route('GET /orders/{orderId}/events', ['orderflow/orders']),
    Stock: route('PUT /inventory/{sku}', ['orderflow/admin']),
  },
};

let dir: string;
let authorizer: LocalJwtAuthorizer;
const routes = () => apiRoutesFromTemplate(template, { region: REGION, endpoint: 'http://127.0.0.1:4566' });

const token = (claims: Record<string, unknown>) => {
  const { kid, privateKey } = poolSigningKey(dir);
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = `${b64({ alg: 'RS256', kid })}.${b64({
    sub: 'cust-1',
    iss: ISSUER,
    client_id: 'local-customerappclient',
    exp: Math.floor(Date.now() / 1000) + 600,
    ...claims,
  })}`;
  return `Bearer ${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(privateKey).toString('base64url')}`;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'orderflow-authorizer-test-'));
  authorizer = new LocalJwtAuthorizer({ routes: routes(), jwks: poolJwks(dir) });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('routes from the compiled template', () => {
  it('resolves the authorizer’s issuer and audiences as the local stack names them', () => {
    expect(routes().authorizers.get('Jwt')).toEqual({
      issuer: ISSUER,
      audiences: ['local-customerappclient'],
    });
  });

  it('matches paths by segment, and leaves a route without an authorizer open', () => {
    const { routes: table } = routes();
    expect(matchRoute(table, 'GET', '/orders/01J/events')?.routeKey).toBe('GET /orders/{orderId}/events');
    expect(matchRoute(table, 'GET', '/orders/01J')?.routeKey).toBe('GET /orders/{orderId}');
    expect(matchRoute(table, 'POST', '/orders/01J')).toBeUndefined();
    expect(matchRoute(table, 'GET', '/health')?.jwt).toBeUndefined();
  });
});

describe('LocalJwtAuthorizer (the JWT authorizer in front of serverless-offline)', () => {
  it('lets anyone call a route without an authorizer', () => {
    expect(authorizer.decide('GET', '/health', undefined)).toEqual({ pass: true });
  });

  it('passes a verified token with one of the route’s scopes', () => {
    expect(authorizer.decide('GET', '/orders/01J', token({ scope: 'orderflow/orders' }))).toEqual({
      pass: true,
    });
  });

  it.each([
    ['no token', () => undefined],
    ['an empty bearer', () => 'Bearer '],
    ['a token that is not a JWT', () => 'Bearer nope'],
    ['an expired token', () => token({ exp: 1 })],
  ])('answers %s with 401 {"message":"Unauthorized"}', (_, header) => {
    expect(authorizer.decide('GET', '/orders/01J', header())).toMatchObject({
      pass: false,
      status: 401,
      body: { message: 'Unauthorized' },
    });
  });

  it('answers a verified token without the route’s scope with 403 {"message":"Forbidden"}', () => {
    expect(authorizer.decide('PUT', '/inventory/SKU-1', token({ scope: 'orderflow/orders' }))).toMatchObject({
      pass: false,
      status: 403,
      body: { message: 'Forbidden' },
    });
  });

  it.each([
    ['a trailing slash', 'GET', '/health/'],
    ['a path no route has', 'GET', '/admin'],
    ['another method on an open path', 'POST', '/health'],
  ])('holds %s to the authorizer (fail closed)', (_, method, path) => {
    expect(authorizer.decide(method, path, undefined)).toMatchObject({ pass: false, status: 401 });
  });

  it('without authorization, runs a request with no token as the operator, and still checks a given token', () => {
    const noAuth = new LocalJwtAuthorizer({
      routes: routes(),
      jwks: poolJwks(dir),
      operatorToken: () => 'operator-token',
    });
    expect(noAuth.decide('PUT', '/inventory/SKU-1', undefined)).toEqual({
      pass: true,
      authorization: 'Bearer operator-token',
    });
    expect(noAuth.decide('PUT', '/inventory/SKU-1', 'Bearer forged')).toMatchObject({ status: 401 });
  });
});
