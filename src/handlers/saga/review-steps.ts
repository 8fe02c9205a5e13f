import middy from '@middy/core';
import { documentClient } from '../../adapters/dynamodb/document-client';
import { ReviewsStore, type ReviewStatus } from '../../adapters/dynamodb/reviews-store';
import { requiredEnv } from '../../adapters/env';
import { CancellationReason, InvalidTransitionError, OrderCancelledError } from '../../domain/orders';
import { orderEventStore } from './dependencies';
import { loadOrder, record } from './order-stream';
import { observability } from '../observability';

let reviews: ReviewsStore | undefined;
export const reviewsStore = (): ReviewsStore =>
  (reviews ??= new ReviewsStore(documentClient(), requiredEnv('REVIEWS_TABLE')));

export interface RequestReviewInput {
  readonly orderId: string;
  readonly total: number;
  readonly taskToken: string;
  /** The task's timeout (the stage's reviewTimeoutSeconds), so the review can say when it expires. */
  readonly timeoutSeconds?: number;
}

/**
 * The ManualReview task (`lambda:invoke.waitForTaskToken`): opens the review with the task token and
 * records that the order awaits it; the saga then waits until a reviewer answers the token. An order
 * cancelled meanwhile (its cancel found no review open yet) closes the review and leaves by
 * OrderCancelledError, so it is never left listed for nobody.
 */
export async function requestReview(
  input: RequestReviewInput,
  now = new Date(),
): Promise<{ awaiting: true }> {
  const order = await loadOrder(orderEventStore(), input.orderId);
  if (order.status === 'CANCELLED') throw new OrderCancelledError(order.orderId);
  const expires =
    input.timeoutSeconds === undefined ? undefined : now.getTime() + input.timeoutSeconds * 1000;
  await reviewsStore().open({
    orderId: input.orderId,
    taskToken: input.taskToken,
    total: input.total,
    requestedAt: now.toISOString(),
    ...(expires === undefined ? {} : { expiresAt: new Date(expires).toISOString() }),
  });
  try {
    await record(orderEventStore(), { type: 'RequestReview', orderId: input.orderId }, 'saga:ManualReview');
  } catch (error) {
    if (!(error instanceof InvalidTransitionError && error.from === 'CANCELLED')) throw error;
    await reviewsStore().close(input.orderId, 'CANCELLED', now.toISOString());
    throw new OrderCancelledError(input.orderId);
  }
  return { awaiting: true };
}

const REVIEW_STATUS_BY_REASON: Partial<Record<CancellationReason, Exclude<ReviewStatus, 'PENDING'>>> = {
  REVIEW_TIMEOUT: 'TIMED_OUT',
  REVIEW_REJECTED: 'REJECTED',
};

/**
 * Closes the order's review if it is still open when the saga cancels the order: above all a review
 * that timed out, which nobody else closes, so it leaves GET /reviews.
 */
export async function closeOpenReview(orderId: string, reason: CancellationReason, now = new Date()) {
  return reviewsStore().close(orderId, REVIEW_STATUS_BY_REASON[reason] ?? 'CANCELLED', now.toISOString());
}

export const handler = middy<RequestReviewInput, { awaiting: true }>()
  .use(observability())
  .handler((input) => requestReview(input));
