/** The provider call that failed. */
export type PaymentOperation = 'authorize' | 'capture' | 'void' | 'refund' | 'lookup';

/**
 * Base of the payment provider errors. Each subclass sets `name` to its class name, because Step
 * Functions Retry/Catch match a Lambda failure by its error type, which is the thrown error's name.
 * `retryable` says whether repeating the call (with the same idempotency key) may succeed.
 */
export abstract class PaymentProviderError extends Error {
  abstract readonly retryable: boolean;
  /** The provider's error code (`card_declined`, `already_captured`…), or ours for failures without one. */
  readonly code: string;
  /** The HTTP status answered, when there was an answer. */
  readonly status: number | undefined;

  protected constructor(
    readonly operation: PaymentOperation,
    message: string,
    details: { readonly code: string; readonly status?: number; readonly cause?: unknown },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code;
    this.status = details.status;
  }
}

/** 402: the card was declined. A business outcome, not a failure: never retry it. */
export class PaymentDeclinedError extends PaymentProviderError {
  override readonly name = 'PaymentDeclinedError';
  override readonly retryable = false;

  constructor(
    operation: PaymentOperation,
    code: string,
    /** The issuer's reason: `generic_decline`, `insufficient_funds`, `unknown_token`… */
    readonly declineCode: string,
    message: string,
  ) {
    super(operation, `${operation} declined: ${code} (${declineCode}): ${message}`, { code, status: 402 });
  }
}

/** 5xx, 408, 429, a network failure or an unreadable answer: transient, retry with the same key. */
export class PaymentProviderUnavailableError extends PaymentProviderError {
  override readonly name = 'PaymentProviderUnavailableError';
  override readonly retryable = true;

  constructor(
    operation: PaymentOperation,
    message: string,
    details: { readonly code: string; readonly status?: number; readonly cause?: unknown },
  ) {
    super(operation, `${operation}: payment provider unavailable: ${message}`, details);
  }
}

/** No answer within the client timeout: transient, and the call may have taken effect, so retry with the same key. */
export class PaymentTimeoutError extends PaymentProviderError {
  override readonly name = 'PaymentTimeoutError';
  override readonly retryable = true;

  constructor(
    operation: PaymentOperation,
    readonly timeoutMs: number,
    cause?: unknown,
  ) {
    super(operation, `${operation}: no answer from the payment provider within ${timeoutMs} ms`, {
      code: 'timeout',
      cause,
    });
  }
}

/** 409: the request contradicts the payment's state (capture of a voided authorization, void after capture). */
export class PaymentConflictError extends PaymentProviderError {
  override readonly name = 'PaymentConflictError';
  override readonly retryable = false;

  constructor(operation: PaymentOperation, code: string, message: string) {
    super(operation, `${operation} conflict: ${code}: ${message}`, { code, status: 409 });
  }
}

/** 400, 404, 422 and other 4xx: the request is wrong (a bug on our side); retrying cannot help. */
export class PaymentRequestError extends PaymentProviderError {
  override readonly name = 'PaymentRequestError';
  override readonly retryable = false;

  constructor(
    operation: PaymentOperation,
    status: number,
    code: string,
    message: string,
    /** The request field the provider named, if any. */
    readonly param?: string,
  ) {
    super(operation, `${operation} rejected (${status} ${code}${param ? `, ${param}` : ''}): ${message}`, {
      code,
      status,
    });
  }
}
