import type { OrderState } from '../../domain/orders';
import type { ReviewStatus } from '../../adapters/dynamodb/reviews-store';

/**
 * How an order's review ended, as its event stream records it, or PENDING while it has not. The stream
 * is the one record of a decision: an approval is ReviewApproved, a rejection the OrderCancelled
 * (REVIEW_REJECTED) it causes; the reviews table only follows it.
 */
export function reviewOutcome(order: OrderState): ReviewStatus {
  if (order.status === 'CANCELLED') {
    if (order.cancellationReason === 'REVIEW_REJECTED') return 'REJECTED';
    if (order.cancellationReason === 'REVIEW_TIMEOUT') return 'TIMED_OUT';
    return 'CANCELLED';
  }
  if (order.review === 'APPROVED') return 'APPROVED';
  return 'PENDING';
}

/** What the waiting saga must be told for that outcome: go on, leave by an error of this name, or nothing yet. */
export type SagaAnswer =
  | { readonly kind: 'succeed'; readonly output: { approved: true; reviewer: string } }
  | { readonly kind: 'fail'; readonly error: 'ReviewRejectedError' | 'OrderCancelledError' }
  | { readonly kind: 'none' };

export function sagaAnswerFor(order: OrderState): SagaAnswer {
  switch (reviewOutcome(order)) {
    case 'APPROVED':
      return { kind: 'succeed', output: { approved: true, reviewer: order.reviewer ?? '' } };
    case 'REJECTED':
      return { kind: 'fail', error: 'ReviewRejectedError' };
    case 'CANCELLED':
      return { kind: 'fail', error: 'OrderCancelledError' };
    // A timed-out task takes no answer; a pending one waits for its decision.
    case 'TIMED_OUT':
    case 'PENDING':
      return { kind: 'none' };
  }
}
