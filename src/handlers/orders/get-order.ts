import { mayActFor } from '../../domain/shared/access';
import { OrderNotFoundError } from '../../domain/shared/errors';
import { jsonApi } from '../http/json-api';
import { orderReadModel } from './dependencies';
import { requireOrderId } from './order-id';

export const handler = jsonApi(
  async (request) => {
    const orderId = requireOrderId(request.path.orderId);
    const view = await orderReadModel().get(orderId);
    // Another customer's order is answered as if it did not exist: its id reveals nothing.
    if (!view || !mayActFor(request.caller, view.customerId)) throw new OrderNotFoundError(orderId);
    return { status: 200, body: view };
  },
  { withBody: false },
);
