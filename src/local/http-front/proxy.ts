import {
  Agent,
  createServer,
  request as upstreamRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardLoopback, type LoopbackGuardOptions } from '../loopback-guard';
import { ERROR_PAYLOAD_PREFIX, gatewayAnswerFor } from './lambda-errors';

/** Refuse the request with this answer, or pass it on with these header changes. */
export type Admission =
  | { readonly refuse: { readonly status: number; readonly body: unknown } }
  | { readonly refuse?: undefined; readonly setHeaders?: Readonly<Record<string, string>> };

export interface LoopbackProxyOptions extends LoopbackGuardOptions {
  /** The public loopback port (0 picks one). */
  readonly port: number;
  readonly host: string;
  /** The Unix socket the upstream (serverless-offline) listens on. */
  readonly upstreamSocket: string;
  /** Decides each request the guard let through; everything passes when absent. */
  readonly admit?: (req: IncomingMessage) => Admission;
  /** Rewrite serverless-offline's 200-with-error-payload answers as API Gateway's 5xx. */
  readonly translateFunctionErrors?: boolean;
  /** Request headers never passed on (lower case). */
  readonly dropRequestHeaders?: readonly string[];
}

// Hop-by-hop headers belong to one connection, not to the request (RFC 9110 section 7.6.1).
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
];

function passOnRequestHeaders(
  headers: IncomingHttpHeaders,
  drop: ReadonlySet<string>,
  set: Readonly<Record<string, string>> = {},
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !drop.has(name)) out[name] = value;
  }
  return { ...out, ...set };
}

/** The upstream's answer headers minus hop-by-hop ones and its CORS headers (the guard owns CORS). */
function passOnResponseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.includes(name) || name.startsWith('access-control-')) continue;
    out[name] = value;
  }
  return out;
}

const sendJson = (res: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

/**
 * A guarded reverse proxy on a public loopback port in front of a server on a private Unix socket,
 * which no web page can reach. It streams both ways and keeps upstream connections alive, so it adds
 * one local socket hop and nothing else to a request.
 */
export class LoopbackProxy {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 128, maxFreeSockets: 32 });
  private readonly drop: ReadonlySet<string>;
  private readonly server: Server;
  private boundPort = 0;

  private constructor(private readonly options: LoopbackProxyOptions) {
    this.drop = new Set([...HOP_BY_HOP, ...(options.dropRequestHeaders ?? [])]);
    this.server = createServer(guardLoopback((req, res) => this.forward(req, res), options));
    this.server.keepAliveTimeout = 30_000;
  }

  static async start(options: LoopbackProxyOptions): Promise<LoopbackProxy> {
    const proxy = new LoopbackProxy(options);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(options.port, options.host, () => {
        proxy.server.off('error', reject);
        resolve();
      });
    });
    proxy.boundPort = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  /** The public port, as bound (a port of 0 picks one). */
  get port(): number {
    return this.boundPort;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.agent.destroy();
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const admission = this.options.admit?.(req) ?? {};
    if (admission.refuse) {
      req.resume();
      sendJson(res, admission.refuse.status, admission.refuse.body);
      return;
    }
    const upstream = upstreamRequest(
      {
        socketPath: this.options.upstreamSocket,
        agent: this.agent,
        method: req.method,
        path: req.url,
        headers: passOnRequestHeaders(req.headers, this.drop, admission.setHeaders),
      },
      (answer) => this.answer(answer, res),
    );
    upstream.on('error', () => {
      // Not listening yet (startup) or gone: what API Gateway says when its integration is unreachable.
      if (!res.headersSent) sendJson(res, 503, { message: 'Service Unavailable' });
      else res.destroy();
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  private answer(answer: IncomingMessage, res: ServerResponse): void {
    const status = answer.statusCode ?? 502;
    const headers = passOnResponseHeaders(answer.headers);
    if (!this.options.translateFunctionErrors || status !== 200) {
      res.writeHead(status, headers);
      answer.pipe(res);
      return;
    }
    // Only serverless-offline's error payload starts with these bytes: read that far, then stream
    // anything else through untouched; buffer the rest only for an error payload.
    const chunks: Buffer[] = [];
    let length = 0;
    let streaming = false;
    const startStreaming = () => {
      streaming = true;
      res.writeHead(status, headers);
      for (const chunk of chunks) res.write(chunk);
      answer.pipe(res);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length < ERROR_PAYLOAD_PREFIX.length) return;
      const head = Buffer.concat(chunks).subarray(0, ERROR_PAYLOAD_PREFIX.length);
      if (!head.equals(ERROR_PAYLOAD_PREFIX)) {
        answer.pause();
        answer.off('data', onData);
        answer.off('end', onEnd);
        startStreaming();
      }
    };
    const onEnd = () => {
      if (streaming) return;
      const body = Buffer.concat(chunks);
      const gateway = gatewayAnswerFor(body);
      if (gateway) {
        sendJson(res, gateway.status, gateway.body);
        return;
      }
      res.writeHead(status, headers);
      res.end(body);
    };
    answer.on('data', onData);
    answer.on('end', onEnd);
    answer.on('error', () => res.destroy());
  }
}
