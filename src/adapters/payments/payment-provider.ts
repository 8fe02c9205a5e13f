import {
  PaymentConflictError,
  PaymentDeclinedError,
  PaymentProviderUnavailableError,
  PaymentRequestError,
  type PaymentProviderError,
  PaymentTimeoutError,
  type PaymentOperation,
} from './errors';

export * from './errors';

export interface PaymentProviderOptions {
  /** e.g. `http://127.0.0.1:4010` (PAYMENT_PROVIDER_URL). */
  readonly baseUrl: string;
  /** Per call, including reading the answer. */
  readonly timeoutMs?: number;
  readonly fetchImpl?: typeof fetch;
}

export interface AuthorizeRequest {
  readonly orderId: string;
  /** Integer minor units. */
  readonly amount: number;
  readonly currency: string;
  readonly token: string;
  /** Stable per logical operation, e.g. `authorize:<orderId>`, so a retried step never charges twice. */
  readonly idempotencyKey: string;
}

export interface CaptureRequest {
  readonly authorizationId: string;
  /** Defaults to the whole authorized amount. */
  readonly amount?: number;
  readonly idempotencyKey: string;
}

export interface VoidRequest {
  readonly authorizationId: string;
  readonly idempotencyKey: string;
}

export interface RefundRequest {
  readonly captureId: string;
  /** Defaults to everything not yet refunded. */
  readonly amount?: number;
  readonly idempotencyKey: string;
}

export interface Authorization {
  readonly authorizationId: string;
  readonly status: 'authorized';
  readonly orderId: string;
  readonly amount: number;
  readonly currency: string;
}

export interface Capture {
  readonly captureId: string;
  readonly authorizationId: string;
  readonly status: 'captured';
  readonly amount: number;
  readonly orderId?: string;
  readonly currency?: string;
}

/** An authorization as the provider holds it now (a lookup's answer). */
export interface HeldAuthorization {
  readonly authorizationId: string;
  readonly status: 'authorized' | 'captured' | 'voided';
  readonly orderId: string;
  readonly amount: number;
  readonly currency: string;
  readonly captureId?: string;
}

const HELD_STATUSES: readonly unknown[] = ['authorized', 'captured', 'voided'];

export interface VoidedAuthorization {
  readonly authorizationId: string;
  readonly status: 'voided';
}

export interface Refund {
  readonly refundId: string;
  readonly captureId: string;
  readonly status: 'refunded';
  readonly amount: number;
  readonly orderId?: string;
  readonly currency?: string;
}

type JsonObject = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

const nameOf = (error: unknown): unknown => (isObject(error) ? error.name : undefined);

/** fetch rejects with the signal's reason, a DOMException named TimeoutError (compared by name: realms differ). */
const isTimeout = (error: unknown): boolean =>
  nameOf(error) === 'TimeoutError' || (isObject(error) && nameOf(error.cause) === 'TimeoutError');

const describeFailure = (error: unknown): string => {
  if (!(error instanceof Error) && !isObject(error)) return String(error);
  const message = String((error as { message?: unknown }).message ?? error);
  const cause = (error as { cause?: unknown }).cause;
  return isObject(cause) && typeof cause.message === 'string' ? `${message} (${cause.message})` : message;
};

const optionalString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/**
 * HTTP client of the card payment provider (the local simulator offline). Every call carries the
 * caller's idempotency key, so repeating it after a transient failure replays the first outcome
 * instead of moving money twice. Failures are typed: see ./errors.
 */
export class PaymentProvider {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor({ baseUrl, timeoutMs = 3000, fetchImpl = fetch }: PaymentProviderOptions) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.timeoutMs = timeoutMs;
    // Called unbound: some fetch implementations refuse a foreign `this`.
    this.fetchImpl = (input, init) => fetchImpl(input, init);
  }

  async authorize(request: AuthorizeRequest): Promise<Authorization> {
    const { orderId, amount, currency, token, idempotencyKey } = request;
    const body = await this.post('authorize', '/v1/authorizations', idempotencyKey, {
      orderId,
      amount,
      currency,
      token,
    });
    const result = {
      authorizationId: body.authorizationId,
      status: body.status,
      orderId: body.orderId,
      amount: body.amount,
      currency: body.currency,
    };
    if (
      typeof result.authorizationId !== 'string' ||
      result.status !== 'authorized' ||
      typeof result.orderId !== 'string' ||
      typeof result.amount !== 'number' ||
      typeof result.currency !== 'string'
    ) {
      throw this.invalidAnswer('authorize', body);
    }
    return result as Authorization;
  }

  /**
   * The authorization made with `idempotencyKey`, as the provider holds it now, or undefined when it
   * made none (it declined, never received the request, or has not carried it out). This is how a
   * client that lost an authorize answer (its own timeout, a crash) learns whether money is held.
   */
  async findAuthorization(idempotencyKey: string): Promise<HeldAuthorization | undefined> {
    const body = await this.send(
      'lookup',
      'GET',
      `/v1/authorizations?${new URLSearchParams({ idempotencyKey }).toString()}`,
    );
    const found = Array.isArray(body.data) ? (body.data as unknown[]) : undefined;
    if (found === undefined || found.length > 1) throw this.invalidAnswer('lookup', body);
    const [held] = found;
    if (held === undefined) return undefined;
    if (
      !isObject(held) ||
      typeof held.authorizationId !== 'string' ||
      !HELD_STATUSES.includes(held.status) ||
      typeof held.orderId !== 'string' ||
      typeof held.amount !== 'number' ||
      typeof held.currency !== 'string'
    ) {
      throw this.invalidAnswer('lookup', body);
    }
    return {
      authorizationId: held.authorizationId,
      status: held.status as HeldAuthorization['status'],
      orderId: held.orderId,
      amount: held.amount,
      currency: held.currency,
      ...(typeof held.captureId === 'string' ? { captureId: held.captureId } : {}),
    };
  }

  async capture(request: CaptureRequest): Promise<Capture> {
    const { authorizationId, amount, idempotencyKey } = request;
    const body = await this.post(
      'capture',
      `/v1/authorizations/${encodeURIComponent(authorizationId)}/capture`,
      idempotencyKey,
      amount === undefined ? {} : { amount },
    );
    if (
      typeof body.captureId !== 'string' ||
      typeof body.authorizationId !== 'string' ||
      body.status !== 'captured' ||
      typeof body.amount !== 'number'
    ) {
      throw this.invalidAnswer('capture', body);
    }
    return {
      captureId: body.captureId,
      authorizationId: body.authorizationId,
      status: 'captured',
      amount: body.amount,
      orderId: optionalString(body.orderId),
      currency: optionalString(body.currency),
    };
  }

  async void(request: VoidRequest): Promise<VoidedAuthorization> {
    const { authorizationId, idempotencyKey } = request;
    const body = await this.post(
      'void',
      `/v1/authorizations/${encodeURIComponent(authorizationId)}/void`,
      idempotencyKey,
      {},
    );
    if (body.status !== 'voided') throw this.invalidAnswer('void', body);
    return { authorizationId, status: 'voided' };
  }

  async refund(request: RefundRequest): Promise<Refund> {
    const { captureId, amount, idempotencyKey } = request;
    const body = await this.post(
      'refund',
      `/v1/captures/${encodeURIComponent(captureId)}/refunds`,
      idempotencyKey,
      amount === undefined ? {} : { amount },
    );
    if (
      typeof body.refundId !== 'string' ||
      typeof body.captureId !== 'string' ||
      body.status !== 'refunded' ||
      typeof body.amount !== 'number'
    ) {
      throw this.invalidAnswer('refund', body);
    }
    return {
      refundId: body.refundId,
      captureId: body.captureId,
      status: 'refunded',
      amount: body.amount,
      orderId: optionalString(body.orderId),
      currency: optionalString(body.currency),
    };
  }

  private post(
    operation: PaymentOperation,
    path: string,
    idempotencyKey: string,
    payload: JsonObject,
  ): Promise<JsonObject> {
    return this.send(operation, 'POST', path, { idempotencyKey, payload });
  }

  private async send(
    operation: PaymentOperation,
    method: 'GET' | 'POST',
    path: string,
    write?: { readonly idempotencyKey: string; readonly payload: JsonObject },
  ): Promise<JsonObject> {
    let status: number;
    let body: unknown;
    try {
      const response = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(write ? { 'content-type': 'application/json', 'idempotency-key': write.idempotencyKey } : {}),
        },
        body: write ? JSON.stringify(write.payload) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      body = parseJson(await response.text());
    } catch (error) {
      if (isTimeout(error)) throw new PaymentTimeoutError(operation, this.timeoutMs, error);
      throw new PaymentProviderUnavailableError(operation, describeFailure(error), {
        code: 'network_error',
        cause: error,
      });
    }
    if (status >= 200 && status < 300) {
      if (!isObject(body)) throw this.invalidAnswer(operation, body, status);
      return body;
    }
    throw this.errorFor(operation, status, body);
  }

  private errorFor(operation: PaymentOperation, status: number, body: unknown): PaymentProviderError {
    const error = isObject(body) && isObject(body.error) ? body.error : {};
    const code = optionalString(error.code);
    const message = optionalString(error.message) ?? `HTTP ${status}`;
    if (status === 402) {
      const declineCode = optionalString(error.declineCode);
      return new PaymentDeclinedError(
        operation,
        code ?? 'card_declined',
        declineCode ?? code ?? 'unknown',
        message,
      );
    }
    if (status === 409) return new PaymentConflictError(operation, code ?? 'conflict', message);
    if (status >= 500 || status === 408 || status === 429) {
      return new PaymentProviderUnavailableError(operation, `${status} ${code ?? ''} ${message}`.trim(), {
        code: code ?? 'unavailable',
        status,
      });
    }
    if (status >= 400) {
      return new PaymentRequestError(
        operation,
        status,
        code ?? 'invalid_request',
        message,
        optionalString(error.param),
      );
    }
    return this.invalidAnswer(operation, body, status);
  }

  /** A success (or 1xx/3xx) the adapter cannot read: treated as transient, as the key makes a retry safe. */
  private invalidAnswer(operation: PaymentOperation, body: unknown, status?: number): PaymentProviderError {
    return new PaymentProviderUnavailableError(
      operation,
      `unexpected answer${status === undefined ? '' : ` (HTTP ${status})`}: ${JSON.stringify(body) ?? 'no JSON body'}`,
      { code: 'invalid_response', status },
    );
  }
}
