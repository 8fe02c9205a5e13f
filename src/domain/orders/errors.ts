import { DomainError } from '../shared/errors';

/* Errors of the orders domain; their codes are listed in DomainErrorCode (shared/errors.ts). */

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
