import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardLoopback } from '../loopback-guard';
import { invalidRequest, SimulatorHttpError, type SimResponse } from './errors';
import { IdempotencyStore } from './idempotency';
import { Ledger, type LedgerView } from './ledger';
import { HOLD, PaymentProcessor, type AuthorizationView, type Outcome } from './processor';
import {
  idempotencyKeyOf,
  parseAmountRequest,
  parseAuthorizationQuery,
  parseAuthorizationRequest,
  parseEmptyRequest,
  parseFaultRequest,
  parseJsonObject,
} from './validation';

export type { LedgerEntry, LedgerEntryType, LedgerTotals, LedgerView } from './ledger';
export type { AuthorizationView } from './processor';

export interface PaymentSimulatorOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  /** How long a `tok_timeout` authorization is held before it is answered 504. */
  readonly timeoutDelayMs?: number;
  /** Stamps ledger entries; defaults to the wall clock. */
  readonly clock?: () => Date;
}

const MAX_BODY_BYTES = 1024 * 1024;

/** Statuses of requests that ran, remembered for replay; 5xx, 400 and 404 are not (a retry runs again). */
const REPLAYABLE = (status: number) =>
  (status >= 200 && status < 300) || status === 402 || status === 409 || status === 422;

interface HeldRequest {
  readonly res: ServerResponse;
  readonly timer: NodeJS.Timeout;
}

interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly raw: string;
}

type Handler = (ctx: RequestContext, id: string) => Outcome;

interface Route {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly pattern: RegExp;
  /** Money-moving requests: the ones injected faults fail. */
  readonly mutating: boolean;
  readonly handle: Handler;
}

class BodyTooLargeError extends SimulatorHttpError {
  constructor() {
    super(413, 'request_too_large', `The request body is larger than ${MAX_BODY_BYTES} bytes`);
  }
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const timeoutAnswer = new SimulatorHttpError(
  504,
  'timeout',
  'The card network did not answer in time',
).toResponse();

const newId = (prefix: string): string => `${prefix}_${randomUUID().replaceAll('-', '')}`;

/**
 * A local stand-in for the external card payment provider, over HTTP with a JSON API: authorizations,
 * captures, voids and refunds with idempotency keys, test tokens that decline, fail transiently or
 * hang, a ledger of every money movement, and injectable faults. All state is in memory.
 */
export class PaymentSimulator {
  private readonly server: Server;
  private readonly ledgerBook: Ledger;
  private readonly processor: PaymentProcessor;
  private readonly idempotency = new IdempotencyStore();
  /** Idempotency-Key of each authorization made, so a client that lost the answer can find it. */
  private readonly authorizationKeys = new Map<string, string>();
  private readonly held = new Set<HeldRequest>();
  private readonly routes: readonly Route[];
  private readonly timeoutDelayMs: number;
  private faults = { remaining: 0, status: 503 };
  private delays = { remaining: 0, ms: 0 };
  /** Faults that fired since the simulator started (or was reset), by kind. */
  private injected = { failed: 0, delayed: 0 };
  private boundPort = 0;
  private boundUrl = '';
  private closing: Promise<void> | undefined;

  static async start(options: PaymentSimulatorOptions): Promise<PaymentSimulator> {
    const simulator = new PaymentSimulator(options);
    await simulator.listen(options.port, options.host ?? '127.0.0.1');
    return simulator;
  }

  private constructor(options: PaymentSimulatorOptions) {
    this.timeoutDelayMs = options.timeoutDelayMs ?? 30_000;
    this.ledgerBook = new Ledger(options.clock ?? (() => new Date()));
    this.processor = new PaymentProcessor(this.ledgerBook, newId);
    // Web pages can reach loopback too: only clients of the simulator's own address get through.
    this.server = createServer(
      guardLoopback((req, res) => void this.dispatch(req, res), {
        refuse: (res, reason) => {
          const refusal = new SimulatorHttpError(403, 'forbidden', reason).toResponse();
          res.writeHead(refusal.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(refusal.body));
        },
      }),
    );
    this.routes = [
      {
        method: 'GET',
        pattern: /^\/health$/,
        mutating: false,
        handle: () => ({ status: 200, body: { status: 'ok' } }),
      },
      { method: 'GET', pattern: /^\/v1\/ledger$/, mutating: false, handle: (ctx) => this.getLedger(ctx) },
      {
        method: 'GET',
        pattern: /^\/v1\/authorizations$/,
        mutating: false,
        handle: (ctx) => this.findAuthorizations(ctx),
      },
      {
        method: 'POST',
        pattern: /^\/v1\/authorizations$/,
        mutating: true,
        handle: (ctx) => {
          const request = parseAuthorizationRequest(parseJsonObject(ctx.raw));
          const outcome = this.idempotent(ctx, 'authorize', request, () => this.processor.authorize(request));
          const { authorizationId } = outcome === HOLD ? {} : (outcome.body as { authorizationId?: unknown });
          if (typeof authorizationId === 'string')
            this.authorizationKeys.set(idempotencyKeyOf(ctx.req.headers), authorizationId);
          return outcome;
        },
      },
      {
        method: 'POST',
        pattern: /^\/v1\/authorizations\/([^/]+)\/capture$/,
        mutating: true,
        handle: (ctx, id) => {
          const request = parseAmountRequest(parseJsonObject(ctx.raw));
          return this.idempotent(ctx, 'capture', request, () => this.processor.capture(id, request));
        },
      },
      {
        method: 'POST',
        pattern: /^\/v1\/authorizations\/([^/]+)\/void$/,
        mutating: true,
        handle: (ctx, id) => {
          const request = parseEmptyRequest(parseJsonObject(ctx.raw));
          return this.idempotent(ctx, 'void', request, () => this.processor.void(id));
        },
      },
      {
        method: 'POST',
        pattern: /^\/v1\/captures\/([^/]+)\/refunds$/,
        mutating: true,
        handle: (ctx, id) => {
          const request = parseAmountRequest(parseJsonObject(ctx.raw));
          return this.idempotent(ctx, 'refund', request, () => this.processor.refund(id, request));
        },
      },
      {
        method: 'POST',
        pattern: /^\/__faults$/,
        mutating: false,
        handle: (ctx) => {
          const fault = parseFaultRequest(parseJsonObject(ctx.raw));
          if (fault.kind === 'delay') {
            this.delays = { remaining: fault.delayNext, ms: fault.delayMs };
            return { status: 200, body: { delayNext: fault.delayNext, delayMs: fault.delayMs } };
          }
          this.faults = { remaining: fault.failNext, status: fault.status };
          return { status: 200, body: { failNext: fault.failNext, status: fault.status } };
        },
      },
      {
        method: 'GET',
        pattern: /^\/__faults$/,
        mutating: false,
        handle: () => ({
          status: 200,
          body: {
            failNext: this.faults.remaining,
            delayNext: this.delays.remaining,
            injected: this.injected,
          },
        }),
      },
      {
        method: 'DELETE',
        pattern: /^\/__faults$/,
        mutating: false,
        handle: () => {
          this.faults = { remaining: 0, status: 503 };
          this.delays = { remaining: 0, ms: 0 };
          return { status: 200, body: { failNext: 0 } };
        },
      },
    ];
  }

  get url(): string {
    return this.boundUrl;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Requests held by `tok_timeout` that are not answered yet. */
  get heldRequests(): number {
    return this.held.size;
  }

  /** The ledger, for one order or for all; the same as `GET /v1/ledger`. */
  ledger(orderId?: string): LedgerView {
    return this.ledgerBook.view(orderId);
  }

  /** Forgets all state: authorizations, captures, idempotency keys, flaky counts, the ledger, faults. */
  reset(): void {
    this.processor.clear();
    this.idempotency.clear();
    this.authorizationKeys.clear();
    this.ledgerBook.clear();
    this.faults = { remaining: 0, status: 503 };
    this.delays = { remaining: 0, ms: 0 };
    this.injected = { failed: 0, delayed: 0 };
  }

  /** Stops listening; held requests and open connections are ended, not left to their timers. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const request of this.held) {
        clearTimeout(request.timer);
        request.res.destroy();
      }
      this.held.clear();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  private async listen(port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.boundPort = (this.server.address() as AddressInfo).port;
    this.boundUrl = `http://${host.includes(':') ? `[${host}]` : host}:${this.boundPort}`;
  }

  private getLedger(ctx: RequestContext): SimResponse {
    const orderId = ctx.query.get('orderId');
    if (orderId === '') throw invalidRequest('orderId must not be empty', 'orderId');
    return { status: 200, body: this.ledgerBook.view(orderId ?? undefined) };
  }

  /**
   * `GET /v1/authorizations?idempotencyKey=…` (and/or `orderId=…`): the authorizations made, as they
   * stand now, as a card processor lets a merchant look up a payment whose answer it never received.
   * Not a money-moving request: injected faults and delays leave it alone.
   */
  private findAuthorizations(ctx: RequestContext): SimResponse {
    const { idempotencyKey, orderId } = parseAuthorizationQuery(ctx.query);
    let found: AuthorizationView[];
    if (idempotencyKey === undefined)
      found = orderId === undefined ? [] : this.processor.authorizationsOf(orderId);
    else {
      const id = this.authorizationKeys.get(idempotencyKey);
      const authorization = id === undefined ? undefined : this.processor.authorization(id);
      found =
        authorization && (orderId === undefined || authorization.orderId === orderId) ? [authorization] : [];
    }
    return { status: 200, body: { data: found } };
  }

  /** Replays a remembered response for a known key, or runs the request and remembers its answer. */
  private idempotent(ctx: RequestContext, endpoint: string, request: object, run: () => Outcome): Outcome {
    const key = idempotencyKeyOf(ctx.req.headers);
    const fingerprint = JSON.stringify([ctx.path, request]);
    const replay = this.idempotency.lookup(endpoint, key, fingerprint);
    if (replay) return { ...replay, headers: { ...replay.headers, 'idempotent-replayed': 'true' } };
    let outcome: Outcome;
    try {
      outcome = run();
    } catch (error) {
      if (!(error instanceof SimulatorHttpError)) throw error;
      outcome = error.toResponse();
    }
    if (outcome !== HOLD && REPLAYABLE(outcome.status)) {
      this.idempotency.remember(endpoint, key, fingerprint, outcome);
    }
    return outcome;
  }

  private route(ctx: RequestContext): { route: Route; id: string } {
    const matching = this.routes
      .map((route) => ({ route, match: route.pattern.exec(ctx.path) }))
      .filter((candidate) => candidate.match !== null);
    if (matching.length === 0) {
      throw new SimulatorHttpError(
        404,
        'not_found',
        `Unrecognized request URL: ${ctx.req.method} ${ctx.path}`,
      );
    }
    const found = matching.find((candidate) => candidate.route.method === ctx.req.method);
    if (!found) {
      throw new SimulatorHttpError(
        405,
        'method_not_allowed',
        `${ctx.req.method} is not allowed on ${ctx.path}`,
      );
    }
    const segment = found.match?.[1] ?? '';
    let id: string;
    try {
      id = decodeURIComponent(segment);
    } catch {
      throw invalidRequest(`Malformed id in the URL: ${segment}`);
    }
    return { route: found.route, id };
  }

  /** The outcome, and how long to hold its answer back (an injected delay). */
  private handle(ctx: RequestContext): { outcome: Outcome; delayMs: number } {
    const { route, id } = this.route(ctx);
    if (route.mutating && this.faults.remaining > 0) {
      this.faults.remaining -= 1;
      this.injected.failed += 1;
      throw new SimulatorHttpError(this.faults.status, 'injected_fault', 'Fault injected by POST /__faults');
    }
    let delayMs = 0;
    if (route.mutating && this.delays.remaining > 0) {
      this.delays.remaining -= 1;
      this.injected.delayed += 1;
      delayMs = this.delays.ms;
    }
    return { outcome: route.handle(ctx, id), delayMs };
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let outcome: Outcome;
    let delayMs = 0;
    try {
      const url = new URL(req.url ?? '/', 'http://simulator.invalid');
      const raw = await readBody(req);
      ({ outcome, delayMs } = this.handle({ req, res, path: url.pathname, query: url.searchParams, raw }));
    } catch (error) {
      outcome =
        error instanceof SimulatorHttpError
          ? error.toResponse()
          : new SimulatorHttpError(
              500,
              'internal_error',
              error instanceof Error ? error.message : String(error),
            ).toResponse();
    }
    if (outcome === HOLD) this.hold(res, this.timeoutDelayMs, timeoutAnswer);
    else if (delayMs > 0) this.hold(res, delayMs, outcome);
    else this.send(res, outcome);
  }

  /** Answers `answer` after `delayMs`, unless the client gives up or the simulator closes first. */
  private hold(res: ServerResponse, delayMs: number, answer: SimResponse): void {
    // A client already gone, or a simulator closing, would leave the timer to run for nothing.
    if (this.closing || res.destroyed) {
      res.destroy();
      return;
    }
    const request: HeldRequest = {
      res,
      timer: setTimeout(() => {
        this.held.delete(request);
        this.send(res, answer);
      }, delayMs),
    };
    this.held.add(request);
    res.on('close', () => {
      clearTimeout(request.timer);
      this.held.delete(request);
    });
  }

  private send(res: ServerResponse, response: SimResponse): void {
    if (res.headersSent || res.destroyed) return;
    const body = JSON.stringify(response.body);
    res.writeHead(response.status, {
      ...response.headers,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  }
}
