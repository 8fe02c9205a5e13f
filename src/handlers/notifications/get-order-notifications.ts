import { isOperator } from '../../domain/shared/access';
import { jsonApi } from '../http/json-api';
import { requireOrderId } from '../orders/order-id';
import { notificationsStore } from '../composition-root/stores';

export const handler = jsonApi(
  async (request) => {
    const orderId = requireOrderId(request.path.orderId);
    const notifications = await notificationsStore().forOrder(orderId);
    // A customer sees the notifications addressed to them, never operations' alerts or anyone else's.
    const visible = isOperator(request.caller)
      ? notifications
      : notifications.filter((n) => n.recipient === request.caller?.subject);
    return { status: 200, body: { notifications: visible } };
  },
  { withBody: false },
);
