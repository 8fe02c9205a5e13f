import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/**
 * The one guard every local endpoint puts in front of its handler (the HTTP API, the Lambda Invoke
 * API, the AWS endpoint, the payment simulator). They listen on 127.0.0.1, which any web page the
 * developer opens can also send requests to. Two checks keep those pages out without bothering
 * curl, the AWS CLI, SDKs or fetch from node, none of which sends an `Origin`:
 * - the Host header must name this endpoint by a loopback name and its own port, so a DNS-rebinding
 *   page (a hostname of the attacker's that resolves to 127.0.0.1) is refused;
 * - a browser request from another origin is refused (403), preflights included; only the endpoint's
 *   own origin and origins configured for it (a local console) pass, and only those are ever named
 *   in `access-control-allow-origin`. A request without Origin that the browser marks as
 *   cross-site (`Sec-Fetch-Site`: an `<img>`, a `<script>`) is refused too.
 */

export interface LoopbackGuardOptions {
  /** Exact origins (`http://localhost:5173`) a browser may call this endpoint from, besides its own. */
  readonly allowedOrigins?: readonly string[];
}

export type GuardVerdict =
  | { readonly allowed: true; readonly corsOrigin?: string }
  | { readonly allowed: false; readonly reason: string };

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** Request methods and headers a console origin may use across origins (preflights). */
const CORS_METHODS = 'GET, POST, PUT, DELETE, OPTIONS';
// x-amz-target: the ops console calls the AWS endpoint's JSON protocols, which name the operation there.
const CORS_HEADERS = 'authorization, content-type, idempotency-key, x-amz-target';

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/** The decision for one request, from its headers and the port it arrived on. */
export function checkLoopbackRequest(
  req: Pick<IncomingMessage, 'headers'> & { readonly socket: { readonly localPort?: number } },
  options: LoopbackGuardOptions = {},
): GuardVerdict {
  const port = req.socket.localPort;
  const host = single(req.headers.host)?.toLowerCase();
  const ownHosts = LOOPBACK_NAMES.map((name) => `${name}:${String(port)}`);
  if (host === undefined || !ownHosts.includes(host)) {
    return { allowed: false, reason: `Host ${host ?? '(none)'} is not this endpoint (${ownHosts[0]})` };
  }
  const origin = single(req.headers.origin);
  if (origin === undefined) {
    const site = single(req.headers['sec-fetch-site']);
    if (site === 'cross-site' || site === 'same-site') {
      return { allowed: false, reason: `a ${site} browser request without an Origin` };
    }
    return { allowed: true };
  }
  if (ownHosts.some((own) => origin.toLowerCase() === `http://${own}`)) return { allowed: true };
  if (options.allowedOrigins?.includes(origin)) return { allowed: true, corsOrigin: origin };
  return { allowed: false, reason: `origin ${origin} is not served here` };
}

/** How an endpoint answers a refused request, in its own error shape. */
export type RefusalWriter = (res: ServerResponse, reason: string) => void;

const writeJsonRefusal: RefusalWriter = (res, reason) => {
  res.writeHead(403, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ message: `Forbidden: ${reason}` }));
};

const isPreflight = (req: IncomingMessage): boolean =>
  req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;

/**
 * Wraps an endpoint's request listener with the guard. A refused request never reaches the handler
 * (its body is drained, so a keep-alive connection stays usable). An allowed cross-origin preflight
 * is answered here; an allowed cross-origin request gets its exact origin in
 * `access-control-allow-origin`.
 */
export function guardLoopback(
  handler: RequestListener,
  options: LoopbackGuardOptions & { readonly refuse?: RefusalWriter } = {},
): RequestListener {
  const refuse = options.refuse ?? writeJsonRefusal;
  return (req, res) => {
    const verdict = checkLoopbackRequest(req, options);
    if (!verdict.allowed) {
      req.resume();
      refuse(res, verdict.reason);
      return;
    }
    if (verdict.corsOrigin !== undefined) {
      res.setHeader('access-control-allow-origin', verdict.corsOrigin);
      res.setHeader('vary', 'Origin');
      if (isPreflight(req)) {
        req.resume();
        res.writeHead(204, {
          'access-control-allow-methods': CORS_METHODS,
          'access-control-allow-headers': CORS_HEADERS,
          'access-control-max-age': '600',
        });
        res.end();
        return;
      }
    }
    handler(req, res);
  };
}
