import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';

/** What the page needs to know about the stack it shows: addresses only, never a key or a token. */
export interface ConsoleSettings {
  readonly awsUrl: string;
  readonly stage: string;
  readonly region: string;
}

export const CONSOLE_PATH = '/console';

const APP_ENTRY = join(__dirname, 'app', 'main.ts');

interface Bundle {
  readonly js: Buffer;
  readonly css: Buffer;
}

const escapeAttribute = (value: string): string => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (settings: ConsoleSettings): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="orderflow-aws" content="${escapeAttribute(settings.awsUrl)}">
<meta name="orderflow-stage" content="${escapeAttribute(settings.stage)}">
<meta name="orderflow-region" content="${escapeAttribute(settings.region)}">
<title>orderflow console</title>
<link rel="stylesheet" href="${CONSOLE_PATH}/app.css">
</head>
<body>
<noscript>The orderflow console needs JavaScript.</noscript>
<div id="app"></div>
<script type="module" src="${CONSOLE_PATH}/app.js"></script>
</body>
</html>
`;

/**
 * The ops console's files, served beside the HTTP API (same origin, so the page calls the API with
 * no CORS). The browser code is bundled once, on the first request, by esbuild: no build step before
 * `npm start`, and nothing generated is committed.
 */
export class ConsolePages {
  private bundle: Promise<Bundle> | undefined;
  private readonly csp: string;

  constructor(private readonly settings: ConsoleSettings) {
    // The page loads only its own files and talks only to the API (its origin) and the AWS endpoint
    // (another port, so named): an order field that slipped past the escaping could still load or
    // send nothing.
    this.csp = [
      "default-src 'self'",
      `connect-src 'self' ${settings.awsUrl}`,
      "img-src 'self' data:",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "object-src 'none'",
    ].join('; ');
  }

  /** Serves a console request and says so; anything else is left to the caller. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    if (path !== CONSOLE_PATH && !path.startsWith(`${CONSOLE_PATH}/`)) return false;
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      this.send(res, 405, 'application/json', JSON.stringify({ message: 'Method Not Allowed' }), {
        allow: 'GET, HEAD',
      });
      return true;
    }
    if (path === CONSOLE_PATH || path === `${CONSOLE_PATH}/`) {
      this.send(res, 200, 'text/html; charset=utf-8', page(this.settings));
      return true;
    }
    if (path === `${CONSOLE_PATH}/app.js` || path === `${CONSOLE_PATH}/app.css`) {
      this.bundled().then(
        (bundle) =>
          path.endsWith('.js')
            ? this.send(res, 200, 'text/javascript; charset=utf-8', bundle.js)
            : this.send(res, 200, 'text/css; charset=utf-8', bundle.css),
        (error: unknown) => {
          this.bundle = undefined;
          this.send(
            res,
            500,
            'application/json',
            JSON.stringify({ message: `console build failed: ${String(error)}` }),
          );
        },
      );
      return true;
    }
    this.send(res, 404, 'application/json', JSON.stringify({ message: 'Not Found' }));
    return true;
  }

  private bundled(): Promise<Bundle> {
    this.bundle ??= build({
      entryPoints: [APP_ENTRY],
      bundle: true,
      write: false,
      format: 'esm',
      target: 'es2022',
      minify: true,
      outdir: 'out',
      loader: { '.css': 'css' },
      logLevel: 'silent',
    }).then((result) => {
      const file = (extension: string) =>
        Buffer.from(result.outputFiles.find((output) => output.path.endsWith(extension))?.contents ?? []);
      return { js: file('.js'), css: file('.css') };
    });
    return this.bundle;
  }

  /** Every answer forbids framing, sniffing and caching, under the page's policy. */
  private send(
    res: ServerResponse,
    status: number,
    contentType: string,
    body: string | Buffer,
    extra: Record<string, string> = {},
  ): void {
    if (res.destroyed) return;
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': String(payload.length),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'content-security-policy': this.csp,
      ...extra,
    });
    res.end(payload);
  }

  /** The origins the page runs under, which the AWS endpoint must let call it. */
  static originsFor(httpPort: number): string[] {
    return [`http://127.0.0.1:${httpPort}`, `http://localhost:${httpPort}`];
  }
}
