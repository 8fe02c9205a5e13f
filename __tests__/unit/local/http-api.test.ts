import { join } from 'node:path';
import { HttpApiServer } from '../../../src/local/http-api/server';
import type { HttpRoute, JwtAuthorizer } from '../../../src/local/http-api/routes';
import { acceptUnverifiedSignature } from '../../../src/local/http-api/jwt-authorizer';
import type { FunctionSpec } from '../../../src/local/lambda/function-specs';
import { WarmFunctions } from '../../../src/local/lambda/warm-functions';

const CODE = join(__dirname, 'fixtures', 'functions');
const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_UserPool';
const AUTHORIZER: JwtAuthorizer = { issuer: ISSUER, audience: ['client-a'], header: 'authorization' };

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
const token = (claims: Record<string, unknown>, alg = 'RS256') =>
  `${base64url({ alg, typ: 'JWT' })}.${base64url({
    iss: ISSUER,
    client_id: 'client-a',
    exp: Math.floor(Date.now() / 1000) + 600,
    sub: 'cust-1',
    scope: 'orders',
    ...claims,
  })}.c2ln`;

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
        route('POST /items', 'echo', { authorizer: AUTHORIZER, scopes: ['orders'] }),
        route('GET /admin', 'echo', { authorizer: AUTHORIZER, scopes: ['admin'] }),
        route('GET /failing', 'failing'),
        route('GET /slow', 'slow'),
        route('GET /stuck', 'stuck', { timeoutMs: 300 }),
      ],
      invoker: functions,
      signature: acceptUnverifiedSignature,
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
    expect((await post(`Bearer ${token({}, 'none')}`)).status).toBe(401);
    const forbidden = await fetch(`${url}/admin`, { headers: { authorization: `Bearer ${token({})}` } });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ message: 'Forbidden' });
  });

  it('passes the token claims (as strings) and scopes to the function', async () => {
    const response = await post(`${url}/items`, token({ scope: 'orders extra' }), '{"name":"x"}');
    expect(response.status).toBe(201);
    const body = (await response.json()) as {
      authorizer: { jwt: { claims: Record<string, string>; scopes: string[] } };
      body: string;
    };
    expect(body.authorizer.jwt.claims.sub).toBe('cust-1');
    expect(typeof body.authorizer.jwt.claims.exp).toBe('string');
    expect(body.authorizer.jwt.scopes).toEqual(['orders', 'extra']);
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
