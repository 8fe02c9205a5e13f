import {
  ReviewNotPendingError,
  ReviewRejectedError,
  ValidationError,
  type FieldIssue,
} from '../../domain/orders';
import { jsonApi } from '../http/json-api';
import { requireOrderId } from '../orders/order-id';
import { orderEventStore } from '../saga/dependencies';
import { record } from '../saga/order-stream';
import { reviewsStore } from '../saga/review-steps';
import { sagaClient } from '../saga/saga-client';

function parseDecision(body: unknown): { decision: 'approve' | 'reject'; reviewer: string } {
  const issues: FieldIssue[] = [];
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (input.decision !== 'approve' && input.decision !== 'reject') {
    issues.push({ path: 'decision', rule: 'enum', message: 'must be "approve" or "reject"' });
  }
  if (typeof input.reviewer !== 'string' || !/^[A-Za-z0-9_.@-]{1,64}$/.test(input.reviewer)) {
    issues.push({ path: 'reviewer', rule: 'pattern', message: 'must be 1-64 letters, digits or _.@-' });
  }
  for (const key of Object.keys(input)) {
    if (key !== 'decision' && key !== 'reviewer')
      issues.push({ path: key, rule: 'unknownField', message: 'is not a field of a review decision' });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return { decision: input.decision as 'approve' | 'reject', reviewer: input.reviewer as string };
}

/**
 * POST /orders/{orderId}/review: a reviewer's decision answers the waiting saga's task token. The
 * decision is recorded first (once: a second decision gets 409), then the token is answered.
 */
export const handler = jsonApi(
  async (request) => {
    const orderId = requireOrderId(request.path.orderId);
    const { decision, reviewer } = parseDecision(request.body);
    const review = await reviewsStore().get(orderId);
    if (!review || review.status !== 'PENDING')
      throw new ReviewNotPendingError(orderId, review?.status ?? 'NONE');
    const decided = await reviewsStore().decide(
      orderId,
      decision === 'approve' ? 'APPROVED' : 'REJECTED',
      reviewer,
      new Date().toISOString(),
    );
    if (!decided) throw new ReviewNotPendingError(orderId, 'DECIDED');
    if (decision === 'approve') {
      await record(
        orderEventStore(),
        { type: 'ApproveReview', orderId, reviewer },
        `api:${request.requestId}`,
      );
      await sagaClient().succeed(review.taskToken, { approved: true, reviewer });
    } else {
      const error = new ReviewRejectedError(orderId, reviewer);
      await sagaClient().fail(review.taskToken, error.name, error.message);
    }
    return { status: 202, body: { orderId, decision, reviewer } };
  },
  { withBody: true },
);
