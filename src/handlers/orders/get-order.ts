import { requireVisibleOrder } from '../../domain/orders';
import { jsonApi } from '../http/json-api';
import { orderReadModel } from '../composition-root/stores';
import { requireOrderId } from './order-id';

export const handler = jsonApi(
  async (request) => {
    const orderId = requireOrderId(request.path.orderId);
    const view = await orderReadModel().get(orderId);
    requireVisibleOrder(request.caller, orderId, view?.customerId);
    return { status: 200, body: view };
  },
  { withBody: false },
);
