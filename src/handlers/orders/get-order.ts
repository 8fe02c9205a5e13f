import { OrderNotFoundError } from '../../domain/shared/errors';
import { jsonApi } from '../http/json-api';
import { orderReadModel } from './dependencies';
import { requireOrderId } from './order-id';

export const handler = jsonApi(
  async (request) => {
    const orderId = requireOrderId(request.path.orderId);
    const view = await orderReadModel().get(orderId);
    if (!view) throw new OrderNotFoundError(orderId);
    return { status: 200, body: view };
  },
  { withBody: false },
);
