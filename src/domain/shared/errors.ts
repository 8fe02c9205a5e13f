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

export abstract class DomainError extends Error {
  abstract readonly code: string;
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

export class OrderNotFoundError extends DomainError {
  override readonly code = 'ORDER_NOT_FOUND';

  constructor(readonly orderId: string) {
    super(`Order ${orderId} not found`);
  }
}

/** A command that the order's current status does not allow (and that is not a harmless repeat). */
export class InvalidTransitionError extends DomainError {
  override readonly code = 'INVALID_TRANSITION';

  constructor(
    readonly orderId: string,
    readonly from: string,
    readonly command: string,
  ) {
    super(`${command} is not allowed for order ${orderId} in status ${from}`);
  }
}

/** The customer asked to cancel an order that has gone too far (shipping already scheduled). */
export class OrderNotCancellableError extends DomainError {
  override readonly code = 'ORDER_NOT_CANCELLABLE';

  constructor(
    readonly orderId: string,
    readonly status: string,
  ) {
    super(`Order ${orderId} can no longer be cancelled (status ${status})`);
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

/** The same idempotency key arrived with a different request body. */
export class IdempotencyKeyReusedError extends DomainError {
  override readonly code = 'IDEMPOTENCY_KEY_REUSED';

  constructor(readonly idempotencyKey: string) {
    super(`Idempotency key ${idempotencyKey} was already used with a different request`);
  }
}

/**
 * Stored events that cannot be folded (a gap in versions, a second OrderPlaced, an event before
 * OrderPlaced). Means corruption or a bug upstream, never bad user input.
 */
export class InvalidEventStreamError extends DomainError {
  override readonly code = 'INVALID_EVENT_STREAM';

  constructor(
    readonly orderId: string,
    reason: string,
  ) {
    super(`Event stream of order ${orderId} is invalid: ${reason}`);
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
