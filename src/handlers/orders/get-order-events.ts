import { requireVisibleOrder } from '../../domain/shared/access';
import { ownerOf } from '../../domain/orders';
import { jsonApi } from '../http/json-api';
import { orderEventStore } from './dependencies';
import { requireOrderId } from './order-id';

export const handler = jsonApi(
  async (request) => {
    const orderId = requireOrderId(request.path.orderId);
    const events = await orderEventStore().load(orderId);
    requireVisibleOrder(request.caller, orderId, ownerOf(events));
    return { status: 200, body: { events } };
  },
  { withBody: false },
);
