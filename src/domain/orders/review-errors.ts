import { DomainError } from '../shared/errors';

/** A review decision for an order that has no open review (none requested, or already decided). */
export class ReviewNotPendingError extends DomainError {
  override readonly code = 'REVIEW_NOT_PENDING';
  constructor(
    readonly orderId: string,
    readonly status: string,
  ) {
    super(`Order ${orderId} has no pending review (${status})`);
  }
}
