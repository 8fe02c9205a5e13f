import { DomainError } from '../shared/errors';

/*
 * Business outcomes a saga step reports by failing with a named error: the state machine's Catch
 * clauses match these names (Lambda reports an error's `name` as its type) and compensate. They are
 * never retried. (OutOfStockError lives with the inventory.)
 */

/** The order was cancelled (by the customer) while the saga was working on it. */
export class OrderCancelledError extends DomainError {
  override readonly code = 'ORDER_CANCELLED';
  constructor(readonly orderId: string) {
    super(`Order ${orderId} was cancelled`);
  }
}

export class ReviewRejectedError extends DomainError {
  override readonly code = 'REVIEW_REJECTED';
  constructor(
    readonly orderId: string,
    readonly reviewer: string,
  ) {
    super(`Order ${orderId} was rejected in review by ${reviewer}`);
  }
}

export class ShippingUnavailableError extends DomainError {
  override readonly code = 'SHIPPING_UNAVAILABLE';
  constructor(
    readonly orderId: string,
    readonly reason: string,
  ) {
    super(`Order ${orderId} cannot be shipped: ${reason}`);
  }
}
