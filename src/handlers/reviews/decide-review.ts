import {
  InvalidTransitionError,
  OrderCancelledError,
  ReviewNotPendingError,
  ReviewRejectedError,
  ValidationError,
  type FieldIssue,
  type OrderState,
} from '../../domain/orders';
import type { Caller } from '../../domain/shared/access';
import { ForbiddenError } from '../../domain/shared/errors';
import type { Review } from '../../adapters/dynamodb/reviews-store';
import { jsonApi } from '../http/json-api';
import { requireOrderId } from '../orders/order-id';
import { sagaClient } from '../composition-root/saga';
import { orderEventStore, reviewsStore } from '../composition-root/stores';
import { loadOrder, record } from '../shared/order-commands';
import { reviewOutcome, sagaAnswerFor } from './review-outcome';

type Decision = 'approve' | 'reject';

function parseDecision(body: unknown): Decision {
  const issues: FieldIssue[] = [];
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (input.decision !== 'approve' && input.decision !== 'reject') {
    issues.push({ path: 'decision', rule: 'enum', message: 'must be "approve" or "reject"' });
  }
  for (const key of Object.keys(input)) {
    if (key === 'reviewer')
      issues.push({
        path: key,
        rule: 'unknownField',
        message: 'is the signed-in operator (the token subject)',
      });
    else if (key !== 'decision')
      issues.push({ path: key, rule: 'unknownField', message: 'is not a field of a review decision' });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return input.decision as Decision;
}

/** The reviewer is whoever the token says is calling; a decision nobody signed is refused. */
function reviewerOf(caller: Caller | undefined): string {
  if (caller === undefined) {
    throw new ForbiddenError([
      { path: 'reviewer', rule: 'caller', message: 'a review is decided by a signed-in operator' },
    ]);
  }
  return caller.subject;
}

/**
 * Records the decision in the order's stream with the stream's conditional append, so of two decisions
 * (or a decision and a customer's cancel) exactly one is recorded; `won` says whether it was this one.
 * An approval is ReviewApproved; a rejection is the order's cancellation (REVIEW_REJECTED), appended
 * only while the order still awaits its review.
 */
async function recordDecision(
  orderId: string,
  decision: Decision,
  reviewer: string,
  causationId: string,
): Promise<{ won: boolean; order: OrderState }> {
  try {
    const { state, appended } =
      decision === 'approve'
        ? await record(orderEventStore(), { type: 'ApproveReview', orderId, reviewer }, causationId)
        : await record(
            orderEventStore(),
            {
              type: 'CancelOrder',
              orderId,
              reason: 'REVIEW_REJECTED',
              detail: `rejected in review by ${reviewer}`,
            },
            causationId,
            {
              precondition: (order) => {
                if (order.status !== 'AWAITING_REVIEW')
                  throw new ReviewNotPendingError(orderId, reviewOutcome(order));
              },
            },
          );
    return { won: appended.length > 0, order: state };
  } catch (error) {
    if (!(error instanceof InvalidTransitionError || error instanceof ReviewNotPendingError)) throw error;
    return { won: false, order: await loadOrder(orderEventStore(), orderId) };
  }
}

/** Tells the waiting saga what the stream records; answering a token twice, or too late, changes nothing. */
async function answerSaga(review: Review, order: OrderState, rejectedBy: string): Promise<void> {
  const answer = sagaAnswerFor(order);
  if (answer.kind === 'succeed') await sagaClient().succeed(review.taskToken, answer.output);
  if (answer.kind === 'fail') {
    const error =
      answer.error === 'ReviewRejectedError'
        ? new ReviewRejectedError(order.orderId, rejectedBy)
        : new OrderCancelledError(order.orderId);
    await sagaClient().fail(review.taskToken, error.name, error.message);
  }
}

/**
 * POST /orders/{orderId}/review: a reviewer's decision. In order: the decision is recorded in the
 * order's stream (the one record, conditional), the saga is answered from what the stream then says,
 * and the review is closed. Whichever request records first wins (202); every other decision, repeated
 * or racing, is answered 409 REVIEW_NOT_PENDING naming the recorded outcome, after re-answering the
 * saga with it, so a request that died between recording and answering is completed by the next.
 */
export const handler = jsonApi(
  async (request) => {
    const orderId = requireOrderId(request.path.orderId);
    const decision = parseDecision(request.body);
    const reviewer = reviewerOf(request.caller);
    const review = await reviewsStore().get(orderId);
    if (!review) throw new ReviewNotPendingError(orderId, 'NONE');
    const now = new Date();
    // The saga's timer is already running out: a decision now would reach a task that is gone.
    if (
      review.status === 'PENDING' &&
      review.expiresAt !== undefined &&
      now.toISOString() >= review.expiresAt
    )
      throw new ReviewNotPendingError(orderId, 'TIMED_OUT');
    const { won, order } = await recordDecision(orderId, decision, reviewer, `api:${request.requestId}`);
    await answerSaga(review, order, won ? reviewer : (review.reviewer ?? 'a reviewer'));
    const outcome = reviewOutcome(order);
    if (outcome !== 'PENDING')
      await reviewsStore().close(orderId, outcome, now.toISOString(), won ? reviewer : undefined);
    // Lost: to another decision, the customer's cancel, or an order no longer awaiting its review.
    if (!won) throw new ReviewNotPendingError(orderId, outcome === 'PENDING' ? order.status : outcome);
    return { status: 202, body: { orderId, decision, reviewer } };
  },
  { withBody: true },
);
