/**
 * Typed domain errors. Callers branch on `code` (stable, part of the API contract), never on `message`
 * (for humans, may change).
 */

/** One violated rule, located by a path into the input (`items[0].quantity`, `shippingAddress.country`). */
export interface FieldIssue {
  readonly path: string;
  readonly rule: string;
  readonly message: string;
  /**
   * The one value the rule wants, when there is exactly one a client can use as it is: the catalogue's
   * current unit price for `priceChanged`, the SKU's currency for `currencyMismatch`. Absent otherwise.
   */
  readonly expected?: string | number;
}

/**
 * Every domain error's code, across the domains. A new error class needs its code here, and a code here
 * needs an HTTP status in the API's table (handlers/http/errors.ts) or the project does not compile.
 */
export type DomainErrorCode =
  | 'VALIDATION_FAILED'
  | 'CONCURRENCY_CONFLICT'
  | 'FORBIDDEN'
  | 'ORDER_NOT_FOUND'
  | 'INVALID_TRANSITION'
  | 'ORDER_NOT_CANCELLABLE'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'INVALID_EVENT_STREAM'
  | 'ORDER_CANCELLED'
  | 'REVIEW_REJECTED'
  | 'SHIPPING_UNAVAILABLE'
  | 'SKU_NOT_PRICED'
  | 'CURRENCY_MISMATCH'
  | 'PRICE_CHANGED'
  | 'REVIEW_NOT_PENDING'
  | 'OUT_OF_STOCK'
  | 'SKU_NOT_FOUND'
  | 'RESERVATION_NOT_HELD';

export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode;
  readonly details: readonly FieldIssue[];

  protected constructor(message: string, details: readonly FieldIssue[] = []) {
    super(message);
    this.name = new.target.name;
    this.details = details;
    // Keeps `instanceof` working should this ever be compiled to ES5, where subclassing Error breaks it.
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

export class ValidationError extends DomainError {
  override readonly code = 'VALIDATION_FAILED';

  constructor(details: readonly FieldIssue[]) {
    super(`Validation failed: ${details.map((d) => `${d.path || '(body)'} ${d.rule}`).join(', ')}`, details);
  }
}

/** Another writer appended to the stream first; the caller reloads and retries. */
export class ConcurrencyError extends DomainError {
  override readonly code = 'CONCURRENCY_CONFLICT';

  constructor(
    readonly streamId: string,
    readonly expectedVersion: number,
  ) {
    super(`Stream ${streamId} is no longer at version ${expectedVersion}`);
  }
}

/** The caller may not act for the customer it names (its token is another customer's). */
export class ForbiddenError extends DomainError {
  override readonly code = 'FORBIDDEN';

  constructor(details: readonly FieldIssue[]) {
    super(`Forbidden: ${details.map((d) => `${d.path} ${d.rule}`).join(', ')}`, details);
  }
}

export const isDomainError = (value: unknown): value is DomainError => value instanceof DomainError;
