import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FunctionInvoker, InvocationResult } from '../lambda/invoker';
import { guardLoopback } from '../loopback-guard';
import { authorize, type TokenVerifier } from './jwt-authorizer';
import { answerOf, proxyEventV2, type HttpAnswer } from './proxy-event';
import { matchRoute, type HttpRoute } from './routes';

/** API Gateway's payload limit for HTTP APIs. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface HttpApiOptions {
  readonly routes: readonly HttpRoute[];
  readonly invoker: FunctionInvoker;
  readonly verify: TokenVerifier;
  /** ORDERFLOW_NO_AUTH=true: the token a request without one runs with (the local operator's). */
  readonly noAuthToken?: () => string;
  /** Browser origins (a local console) allowed to call the API besides its own. */
  readonly allowedOrigins?: readonly string[];
  readonly apiId?: string;
  readonly log?: (line: string) => void;
  /** Pages served beside the API (the local ops console); true when it answered the request. */
  readonly pages?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

const json = (status: number, body: unknown): HttpAnswer => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify(body)),
});

/** API Gateway's own answers carry `message`; ours add the structured `error` every route uses. */
const gatewayError = (status: number, message: string, code: string, detail: string): HttpAnswer =>
  json(status, { message, error: { code, message: detail, details: [] } });

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError(`a request body is at most ${MAX_BODY_BYTES} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/**
 * The HTTP API offline, as API Gateway serves it: routes, JWT authorizer and Lambda proxy
 * integrations from the compiled template, each request invoking the function's warm environment
 * with the payload 2.0 event. A function error is a 500 and a timed-out function a 504 (never a 200
 * with an error body), both with a structured body.
 */
export class HttpApiServer {
  private server: Server | undefined;

  constructor(private readonly options: HttpApiOptions) {}

  async listen(port: number, host: string): Promise<number> {
    // Web pages can reach loopback too: only this API's own origin (and a configured console) get in.
    const server = createServer(
      guardLoopback(
        (req, res) => {
          if (!this.options.pages?.(req, res)) void this.serve(req, res);
        },
        { allowedOrigins: this.options.allowedOrigins },
      ),
    );
    server.keepAliveTimeout = 30_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const answer = await this.answer(req).catch((error: unknown): HttpAnswer =>
      error instanceof BodyTooLargeError
        ? json(413, { message: 'Request Entity Too Large' })
        : gatewayError(500, 'Internal Server Error', 'INTERNAL_ERROR', 'The request could not be served'),
    );
    this.options.log?.(
      `${req.method} ${req.url} → ${answer.status} (${Math.round(performance.now() - started)} ms)`,
    );
    if (res.destroyed) return;
    res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
    res.end(answer.body);
  }

  private async answer(req: IncomingMessage): Promise<HttpAnswer> {
    const url = new URL(req.url ?? '/', 'http://local');
    let matched;
    try {
      matched = matchRoute(this.options.routes, req.method ?? 'GET', url.pathname);
    } catch {
      return json(400, { message: 'Bad Request' });
    }
    const body = await readBody(req);
    if (!matched) return json(404, { message: 'Not Found' });
    const { route, pathParameters } = matched;
    const authorization = authorize(route, req.headers, this.options.verify, this.options.noAuthToken);
    if (!authorization.ok) return json(authorization.status, { message: authorization.message });
    const event = proxyEventV2({
      req,
      url,
      body,
      route,
      pathParameters,
      caller: authorization.caller,
      apiId: this.options.apiId ?? 'local',
    });
    const result = await this.invoke(route, event);
    if (result === 'integration-timeout') {
      return gatewayError(
        503,
        'Service Unavailable',
        'INTEGRATION_TIMEOUT',
        `${route.functionName} did not answer within the integration's ${route.timeoutMs} ms`,
      );
    }
    if (result.functionError) {
      const errorType = (result.payload as { errorType?: unknown } | undefined)?.errorType;
      return errorType === 'Sandbox.Timedout'
        ? gatewayError(504, 'Gateway Timeout', 'FUNCTION_TIMEOUT', `${route.functionName} timed out`)
        : gatewayError(500, 'Internal Server Error', 'INTERNAL_ERROR', `${route.functionName} failed`);
    }
    return answerOf(result.payload);
  }

  /**
   * The invocation, or the integration's timeout (30 s by default) if that comes first, counted from
   * the handler's start: a wait for a free environment is the runtime's, not the function's.
   */
  private invoke(route: HttpRoute, event: unknown): Promise<InvocationResult | 'integration-timeout'> {
    let timer: NodeJS.Timeout | undefined;
    let timedOut: (value: 'integration-timeout') => void = () => undefined;
    const timeout = new Promise<'integration-timeout'>((resolve) => (timedOut = resolve));
    const invocation = this.options.invoker.invoke(route.functionName, event, {
      onStart: () => (timer = setTimeout(() => timedOut('integration-timeout'), route.timeoutMs)),
    });
    return Promise.race([invocation, timeout]).finally(() => clearTimeout(timer));
  }
}
