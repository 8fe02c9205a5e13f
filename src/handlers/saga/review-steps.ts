import middy from '@middy/core';
import { documentClient } from '../../adapters/dynamodb/document-client';
import { ReviewsStore } from '../../adapters/dynamodb/reviews-store';
import { requiredEnv } from '../../adapters/env';
import { OrderCancelledError } from '../../domain/orders';
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
}

/**
 * The ManualReview task (`lambda:invoke.waitForTaskToken`): opens the review with the task token and
 * records that the order awaits it; the saga then waits until a reviewer answers the token.
 */
export async function requestReview(
  input: RequestReviewInput,
  now = new Date(),
): Promise<{ awaiting: true }> {
  const order = await loadOrder(orderEventStore(), input.orderId);
  if (order.status === 'CANCELLED') throw new OrderCancelledError(order.orderId);
  await reviewsStore().open({
    orderId: input.orderId,
    taskToken: input.taskToken,
    total: input.total,
    requestedAt: now.toISOString(),
  });
  await record(orderEventStore(), { type: 'RequestReview', orderId: input.orderId }, 'saga:ManualReview');
  return { awaiting: true };
}

export const handler = middy<RequestReviewInput, { awaiting: true }>()
  .use(observability())
  .handler((input) => requestReview(input));
