import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AuthorizedCaller } from './jwt-authorizer';
import type { HttpRoute } from './routes';

const TEXT_TYPES = /^(text\/|application\/(json|xml|x-www-form-urlencoded|[\w.+-]+\+json|[\w.+-]+\+xml))/i;

/** Headers as API Gateway passes them: lower-case names, repeated values joined by commas. */
const flatHeaders = (req: IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
};

/** The Lambda event of an HTTP API (payload format 2.0) for one request. */
export function proxyEventV2(options: {
  readonly req: IncomingMessage;
  readonly url: URL;
  readonly body: Buffer;
  readonly route: HttpRoute;
  readonly pathParameters: Record<string, string>;
  readonly caller?: AuthorizedCaller;
  readonly apiId: string;
}): Record<string, unknown> {
  const { req, url, body, route } = options;
  const headers = flatHeaders(req);
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const cookies = headers.cookie?.split(';').map((cookie) => cookie.trim());
  const textual = body.length === 0 || TEXT_TYPES.test(headers['content-type'] ?? 'application/json');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    ...(cookies ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(Object.keys(options.pathParameters).length > 0 ? { pathParameters: options.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: options.apiId,
      ...(options.caller ? { authorizer: { jwt: options.caller } } : {}),
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: (headers.host ?? '127').split('.')[0],
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0
      ? { body: textual ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !textual }
      : { isBase64Encoded: false }),
  };
}

/** What a function's answer becomes on the wire, by the payload 2.0 rules. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

interface StructuredResult {
  statusCode?: unknown;
  headers?: Record<string, unknown>;
  cookies?: unknown;
  body?: unknown;
  isBase64Encoded?: unknown;
}

/**
 * A result with a `statusCode` is taken as a response; anything else is JSON with status 200
 * (API Gateway's inference for payload 2.0).
 */
export function answerOf(result: unknown): HttpAnswer {
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    const structured = result as StructuredResult;
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(structured.headers ?? {}))
      headers[name.toLowerCase()] = String(value);
    if (Array.isArray(structured.cookies)) headers['set-cookie'] = structured.cookies.map(String);
    const text = typeof structured.body === 'string' ? structured.body : '';
    return {
      status: Number(structured.statusCode) || 200,
      headers,
      body: Buffer.from(text, structured.isBase64Encoded === true ? 'base64' : 'utf8'),
    };
  }
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(typeof result === 'string' ? result : JSON.stringify(result ?? null)),
  };
}
