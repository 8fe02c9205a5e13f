import { join } from 'node:path';
import { HttpApiServer } from '../../../src/local/http-api/server';
import type { HttpRoute, JwtAuthorizer } from '../../../src/local/http-api/routes';
import { verifierFor } from '../../../src/local/http-api/jwt-authorizer';
import { issueDevToken } from '../../../src/local/auth/dev-token';
import { poolJwks } from '../../../src/local/auth/pool-keys';
import type { FunctionSpec } from '../../../src/local/lambda/function-specs';
import { WarmFunctions } from '../../../src/local/lambda/warm-functions';

const CODE = join(__dirname, 'fixtures', 'functions');
// The authorizer the template gives the API offline: the local pool's issuer and app clients.
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, string>;
const CUSTOMER = claimsOf(issueDevToken({ role: 'customer' }));
const ISSUER = CUSTOMER.iss ?? '';
const AUTHORIZER: JwtAuthorizer = {
  issuer: ISSUER,
  audience: [CUSTOMER.client_id ?? ''],
  header: 'authorization',
};

const spec = (name: string, handler: string, timeoutMs = 10_000): FunctionSpec => ({
  name,
  logicalId: name,
  artifact: CODE,
  handler: `handlers.${handler}`,
  timeoutMs,
  memoryMb: 256,
  environment: {},
});

const route = (routeKey: string, functionName: string, extra: Partial<HttpRoute> = {}): HttpRoute => {
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  return {
    routeKey,
    method,
    segments: path.split('/').filter(Boolean),
    functionName,
    timeoutMs: 30_000,
    scopes: [],
    ...extra,
  };
};

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A customer token of the local pool, signed by its key, with `claims` overridden. */
const token = (claims: Record<string, unknown> = {}) =>
  issueDevToken({ role: 'customer', subject: 'cust-1', claims });
/** The same claims, unsigned (`alg: none`): the classic forgery. */
const unsigned = () => `${base64url({ alg: 'none', typ: 'JWT' })}.${token().split('.')[1]}.`;

describe('the offline HTTP API: routes, JWT authorizer and Lambda proxy integrations as API Gateway serves them', () => {
  let functions: WarmFunctions;
  let server: HttpApiServer;
  let url: string;

  beforeAll(async () => {
    functions = new WarmFunctions(
      [
        spec('echo', 'http'),
        spec('plain', 'plain'),
        spec('failing', 'fail'),
        spec('slow', 'hang', 300),
        spec('stuck', 'hang'),
      ],
      {
        region: 'us-east-1',
        codeDir: join(__dirname, 'unused'),
        baseEnv: {},
        defaultConcurrency: 2,
        idleMs: 60_000,
        logs: 'none',
      },
    );
    server = new HttpApiServer({
      routes: [
        route('GET /items/{id}', 'echo'),
        route('GET /items/special', 'plain'),
        route('POST /items', 'echo', { authorizer: AUTHORIZER, scopes: ['orderflow/orders'] }),
        route('GET /admin', 'echo', { authorizer: AUTHORIZER, scopes: ['orderflow/admin'] }),
        route('GET /failing', 'failing'),
        route('GET /slow', 'slow'),
        route('GET /stuck', 'stuck', { timeoutMs: 300 }),
      ],
      invoker: functions,
      verify: verifierFor(poolJwks()),
    });
    url = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });
  afterAll(async () => {
    await server.close();
    functions.close();
  });

  it('hands the function a payload 2.0 event and answers with its structured response', async () => {
    const response = await fetch(`${url}/items/a%20b?colour=red&colour=blue`);
    expect(response.status).toBe(201);
    expect(response.headers.get('x-route')).toBe('GET /items/{id}');
    expect(await response.json()).toEqual({
      rawPath: '/items/a%20b',
      pathParameters: { id: 'a b' },
      query: { colour: 'red,blue' },
      method: 'GET',
    });
  });

  it('prefers a literal segment to a path parameter, and infers a JSON 200 from a plain result', async () => {
    const response = await fetch(`${url}/items/special`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ hello: 'world' });
  });

  it('answers a route it does not have with 404', async () => {
    expect((await fetch(`${url}/nothing/here`)).status).toBe(404);
  });

  it('refuses a request without a valid token with 401, and one without the scope with 403', async () => {
    const post = (authorization?: string) =>
      fetch(`${url}/items`, {
        method: 'POST',
        headers: authorization ? { authorization } : {},
        body: '{}',
      });
    expect((await post()).status).toBe(401);
    expect(await (await post()).json()).toEqual({ message: 'Unauthorized' });
    expect((await post('Bearer not-a-jwt')).status).toBe(401);
    expect((await post(`Bearer ${token({ exp: Math.floor(Date.now() / 1000) - 5 })}`)).status).toBe(401);
    expect((await post(`Bearer ${token({ iss: 'https://elsewhere' })}`)).status).toBe(401);
    expect((await post(`Bearer ${token({ client_id: 'client-b' })}`)).status).toBe(401);
    expect((await post(`Bearer ${unsigned()}`)).status).toBe(401);
    const [head, payload] = token().split('.');
    expect((await post(`Bearer ${head}.${payload}.${token({ sub: 'other' }).split('.')[2]}`)).status).toBe(
      401,
    );
    const forbidden = await fetch(`${url}/admin`, { headers: { authorization: `Bearer ${token()}` } });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ message: 'Forbidden' });
  });

  it('passes the token claims (as strings) and scopes to the function', async () => {
    const response = await post(`${url}/items`, token({ scope: 'orderflow/orders extra' }), '{"name":"x"}');
    expect(response.status).toBe(201);
    const body = (await response.json()) as {
      authorizer: { jwt: { claims: Record<string, string>; scopes: string[] } };
      body: string;
    };
    expect(body.authorizer.jwt.claims.sub).toBe('cust-1');
    expect(typeof body.authorizer.jwt.claims.exp).toBe('string');
    expect(body.authorizer.jwt.scopes).toEqual(['orderflow/orders', 'extra']);
    expect(body.body).toBe('{"name":"x"}');
  });

  it('answers a function error with 500 and a structured body, never a 200', async () => {
    const response = await fetch(`${url}/failing`);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({
      message: 'Internal Server Error',
      error: { code: 'INTERNAL_ERROR' },
    });
  });

  it('answers a function that times out with 504 and a structured body', async () => {
    const response = await fetch(`${url}/slow`);
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({
      message: 'Gateway Timeout',
      error: { code: 'FUNCTION_TIMEOUT' },
    });
  });

  it("answers 503 when the integration's own timeout passes first", async () => {
    const response = await fetch(`${url}/stuck`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'INTEGRATION_TIMEOUT' } });
  });
});

const post = (target: string, bearerToken: string, body: string) =>
  fetch(target, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearerToken}`, 'content-type': 'application/json' },
    body,
  });
