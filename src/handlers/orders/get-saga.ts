import { sagaClient } from '../composition-root/saga';
import { OrderNotFoundError } from '../../domain/orders';
import { sagaSteps } from '../../adapters/stepfunctions/execution-steps';
import { jsonApi } from '../http/json-api';
import { requireOrderId } from './order-id';

/** GET /orders/{orderId}/saga: where the order's saga is, step by step, from its execution history. */
export const handler = jsonApi(
  async (request) => {
    const orderId = requireOrderId(request.path.orderId);
    const execution = await sagaClient().execution(orderId);
    if (!execution) throw new OrderNotFoundError(orderId);
    return {
      status: 200,
      body: {
        executionArn: execution.executionArn,
        status: execution.status,
        steps: sagaSteps(execution.history),
      },
    };
  },
  { withBody: false },
);
