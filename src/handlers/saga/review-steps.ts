import middy from '@middy/core';
import type { ReviewStatus } from '../../adapters/dynamodb/reviews-store';
import {
  CancellationReason,
  InvalidTransitionError,
  OrderCancelledError,
  ReviewRejectedError,
} from '../../domain/orders';
import { sagaClient } from '../composition-root/saga';
import { orderEventStore, reviewsStore } from '../composition-root/stores';
import { loadOrder, record } from '../shared/order-commands';
import { observability } from '../shared/observability';
import { reviewOutcome, sagaAnswerFor } from '../reviews/review-outcome';
import { decodeStepInput, RequestReviewInput } from './step-inputs';

/**
 * The ManualReview task (`lambda:invoke.waitForTaskToken`): records that the order awaits review, then
 * opens the review with the task token; the saga waits until a reviewer answers the token. In that
 * order, a reviewer who sees the review finds the order awaiting it in the stream. What the stream
 * already says when the review opens is settled at once (below), so the saga never waits for a review
 * nobody can decide.
 */
export async function requestReview(
  input: RequestReviewInput,
  now = new Date(),
): Promise<{ awaiting: true }> {
  const { orderId } = input;
  const order = await loadOrder(orderEventStore(), orderId);
  if (order.status === 'CANCELLED') throw new OrderCancelledError(orderId);
  try {
    await record(orderEventStore(), { type: 'RequestReview', orderId }, 'saga:ManualReview');
  } catch (error) {
    if (error instanceof InvalidTransitionError && error.from === 'CANCELLED')
      throw new OrderCancelledError(orderId);
    throw error;
  }
  const expires =
    input.timeoutSeconds === undefined ? undefined : now.getTime() + input.timeoutSeconds * 1000;
  await reviewsStore().open({
    orderId,
    taskToken: input.taskToken,
    total: input.total,
    requestedAt: now.toISOString(),
    ...(expires === undefined ? {} : { expiresAt: new Date(expires).toISOString() }),
  });
  return settleIfAlreadyDecided(input, now);
}

/**
 * What the stream recorded before this attempt's token was in the review (a customer's cancel, or a
 * decision taken while an earlier attempt of this step was failing) nobody will answer this token with:
 * the step answers it the same way, closes the review, and the saga moves on at once.
 */
async function settleIfAlreadyDecided(input: RequestReviewInput, now: Date): Promise<{ awaiting: true }> {
  const { orderId } = input;
  const order = await loadOrder(orderEventStore(), orderId);
  const outcome = reviewOutcome(order);
  const answer = sagaAnswerFor(order);
  if (outcome === 'PENDING' || answer.kind === 'none') return { awaiting: true };
  const decided = await reviewsStore().get(orderId);
  await reviewsStore().close(orderId, outcome, now.toISOString());
  if (answer.kind === 'succeed') {
    await sagaClient().succeed(input.taskToken, answer.output);
    return { awaiting: true };
  }
  throw answer.error === 'ReviewRejectedError'
    ? new ReviewRejectedError(orderId, decided?.reviewer ?? 'a reviewer')
    : new OrderCancelledError(orderId);
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

export const handler = middy<unknown, { awaiting: true }>()
  .use(observability())
  .handler((input) => requestReview(decodeStepInput(RequestReviewInput, input)));
