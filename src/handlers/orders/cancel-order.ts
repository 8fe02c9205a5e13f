import { OrderCancelledError, ownerOf } from '../../domain/orders';
import { isOperator } from '../../domain/shared/access';
import { requireVisibleOrder } from '../../domain/orders';
import { jsonApi } from '../http/json-api';
import { sagaClient } from '../composition-root/saga';
import { orderEventStore, reviewsStore } from '../composition-root/stores';
import { record } from '../shared/order-commands';
import { requireOrderId } from './order-id';

/**
 * POST /orders/{orderId}/cancel: records the cancellation, as the customer's own (CUSTOMER_CANCELLED) or,
 * when an operator asks, as OPERATOR_CANCELLED, so notifications, metrics and audits say who decided
 * (the domain refuses either once shipping is scheduled: 409 ORDER_NOT_CANCELLABLE). The saga notices
 * at its next step and compensates; a saga waiting for a reviewer is woken now rather than at its timeout.
 */
export const handler = jsonApi(
  async (request) => {
    const orderId = requireOrderId(request.path.orderId);
    const byOperator = isOperator(request.caller);
    // Only a customer's cancel needs the owner, so an operator's costs no extra read.
    if (!byOperator)
      requireVisibleOrder(request.caller, orderId, ownerOf(await orderEventStore().load(orderId)));
    const { state } = await record(
      orderEventStore(),
      { type: 'CancelOrder', orderId, reason: byOperator ? 'OPERATOR_CANCELLED' : 'CUSTOMER_CANCELLED' },
      `api:${request.requestId}`,
    );
    // Recorded first (above), then the waiting saga is answered, then the review closed: a reviewer's
    // decision racing this cancel finds the cancellation in the stream and answers the same.
    const review = await reviewsStore().get(orderId);
    if (review?.status === 'PENDING') {
      const error = new OrderCancelledError(orderId);
      await sagaClient().fail(review.taskToken, error.name, error.message);
      await reviewsStore().close(
        orderId,
        'CANCELLED',
        new Date().toISOString(),
        byOperator ? 'operator' : 'customer',
      );
    }
    return {
      status: 202,
      body: { orderId, status: state.status, cancellationReason: state.cancellationReason },
    };
  },
  { withBody: false },
);
