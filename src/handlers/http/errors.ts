import type { DomainErrorCode, FieldIssue } from '../../domain/shared/errors';

/** A request the HTTP layer itself refuses before any domain code sees it. */
export abstract class HttpRequestError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  readonly details: readonly FieldIssue[] = [];
}

export class MalformedJsonError extends HttpRequestError {
  readonly code = 'MALFORMED_JSON';
  readonly status = 400;
}

export class PayloadTooLargeError extends HttpRequestError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly status = 413;
}

export class UnsupportedMediaTypeError extends HttpRequestError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
  readonly status = 415;
}

/**
 * HTTP status of each domain error code. `null` marks the codes no request can cause (saga outcomes, a
 * corrupt stream): they answer 500, as a bug does. Typed by the code union, so a new code must be placed.
 */
export const STATUS_BY_CODE: Readonly<Record<DomainErrorCode, number | null>> = {
  VALIDATION_FAILED: 400,
  FORBIDDEN: 403,
  ORDER_NOT_FOUND: 404,
  CONCURRENCY_CONFLICT: 409,
  INVALID_TRANSITION: 409,
  ORDER_NOT_CANCELLABLE: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  PRICE_CHANGED: 409,
  SKU_NOT_PRICED: 422,
  CURRENCY_MISMATCH: 422,
  SKU_NOT_FOUND: 404,
  OUT_OF_STOCK: 409,
  RESERVATION_NOT_HELD: 409,
  REVIEW_NOT_PENDING: 409,
  INVALID_EVENT_STREAM: null,
  ORDER_CANCELLED: null,
  REVIEW_REJECTED: null,
  SHIPPING_UNAVAILABLE: null,
};

export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details: readonly FieldIssue[];
  };
}
