import { jsonApi } from '../http/json-api';
import { requireOrderId } from '../orders/order-id';
import { notificationsStore } from './dependencies';

export const handler = jsonApi(
  async (request) => {
    const orderId = requireOrderId(request.path.orderId);
    return { status: 200, body: { notifications: await notificationsStore().forOrder(orderId) } };
  },
  { withBody: false },
);
