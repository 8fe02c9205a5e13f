import { request } from 'node:http';
import { api } from '../../support/api';
import { stackUrls } from '../../support/stack';

/**
 * Issue 12 item 4: a web page the developer opens can send requests to 127.0.0.1. Every local
 * endpoint (the HTTP API, the AWS endpoint, the Lambda Invoke API, the payment simulator) refuses a
 * browser origin it does not serve and a Host that is not its own loopback address (DNS rebinding),
 * and keeps answering clients that send no Origin (curl, the AWS CLI, SDKs, fetch from node).
 */

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One request with exactly the headers given (fetch would not let a test set Host). */
const send = (
  url: string,
  options: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<RawAnswer> =>
  new Promise((resolve, reject) => {
    const target = new URL(options.path ?? '/', url);
    const req = request(
      target,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });

const EVIL = 'https://evil.example';

/** A request each endpoint would act on, were it allowed. */
const endpoints = () => {
  const urls = stackUrls();
  return [
    { name: 'HTTP API', url: urls.http, method: 'GET', path: '/health' },
    {
      name: 'AWS endpoint',
      url: urls.aws,
      method: 'POST',
      path: '/',
      // The runtime's own control API: it needs no signature, so any page could call it.
      headers: { 'x-amz-target': 'OrderflowLocal.ListFaults', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    },
    {
      name: 'Lambda Invoke API',
      url: urls.lambda,
      method: 'POST',
      path: '/2015-03-31/functions/orderflow-local-health/invocations',
      body: '{}',
    },
    { name: 'payment simulator', url: urls.payments, method: 'GET', path: '/v1/ledger' },
  ];
};

describe('local endpoints and browsers (issue 12, item 4)', () => {
  it.each(endpoints().map((e) => [e.name, e] as const))(
    '%s: answers a client that sends no Origin (curl, SDKs, the CLI)',
    async (_, endpoint) => {
      const answer = await send(endpoint.url, endpoint);
      expect(answer.status).toBe(200);
    },
  );

  it.each(endpoints().map((e) => [e.name, e] as const))(
    '%s: refuses a foreign web origin with 403 and does not echo it',
    async (_, endpoint) => {
      const answer = await send(endpoint.url, {
        ...endpoint,
        headers: { ...endpoint.headers, origin: EVIL },
      });
      expect(answer.status).toBe(403);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    },
  );

  it.each(endpoints().map((e) => [e.name, e] as const))(
    '%s: refuses a CORS preflight from a foreign origin',
    async (_, endpoint) => {
      const answer = await send(endpoint.url, {
        method: 'OPTIONS',
        path: endpoint.path,
        headers: {
          origin: EVIL,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,sls-offline-authorizer-override',
        },
      });
      expect(answer.status).toBe(403);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      expect(answer.headers['access-control-allow-headers']).toBeUndefined();
    },
  );

  it.each(endpoints().map((e) => [e.name, e] as const))(
    '%s: refuses a Host that is not its loopback address (DNS rebinding)',
    async (_, endpoint) => {
      const port = new URL(endpoint.url).port;
      const answer = await send(endpoint.url, {
        ...endpoint,
        headers: { ...endpoint.headers, host: `rebind.evil.example:${port}` },
      });
      expect(answer.status).toBe(403);
    },
  );

  it.each(endpoints().map((e) => [e.name, e] as const))(
    '%s: answers its own origin, by either loopback name',
    async (_, endpoint) => {
      const { port } = new URL(endpoint.url);
      for (const name of ['127.0.0.1', 'localhost']) {
        const answer = await send(endpoint.url, {
          ...endpoint,
          headers: { ...endpoint.headers, host: `${name}:${port}`, origin: `http://${name}:${port}` },
        });
        expect(answer.status).toBe(200);
      }
    },
  );

  it('does not invoke a function for a page on another origin', async () => {
    const sku = `SKU-CSRF-${Date.now().toString(36).toUpperCase()}`;
    const forged = {
      version: '2.0',
      routeKey: 'PUT /inventory/{sku}',
      rawPath: `/inventory/${sku}`,
      headers: { 'content-type': 'application/json' },
      requestContext: { http: { method: 'PUT', path: `/inventory/${sku}` } },
      pathParameters: { sku },
      body: JSON.stringify({ available: 99 }),
      isBase64Encoded: false,
    };
    // A "simple" cross-origin request (text/plain, no custom header): browsers send it without a preflight.
    const answer = await send(stackUrls().lambda, {
      method: 'POST',
      path: '/2015-03-31/functions/orderflow-local-putStock/invocations',
      headers: { origin: EVIL, 'content-type': 'text/plain' },
      body: JSON.stringify(forged),
    });
    expect(answer.status).toBe(403);
    expect((await api('GET', `/inventory/${sku}`)).status).toBe(404);
  });
});
