import { OrderNotFoundError } from '../../domain/shared/errors';
import { jsonApi } from '../http/json-api';
import { orderEventStore } from './dependencies';
import { requireOrderId } from './order-id';

export const handler = jsonApi(
  async (request) => {
    const orderId = requireOrderId(request.path.orderId);
    const events = await orderEventStore().load(orderId);
    if (events.length === 0) throw new OrderNotFoundError(orderId);
    return { status: 200, body: { events } };
  },
  { withBody: false },
);
