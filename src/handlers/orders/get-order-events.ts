import { requireVisibleOrder } from '../../domain/orders';
import { ownerOf, redactForClients } from '../../domain/orders';
import { jsonApi } from '../http/json-api';
import { orderEventStore } from '../composition-root/stores';
import { requireOrderId } from './order-id';

/**
 * GET /orders/{orderId}/events: the order's stored events in version order, with what the order view
 * leaves out (payment data, the shipping address, payment ids, the reviewer) masked, for customers and
 * operators alike. The unmasked record stays in the event store.
 */
export const handler = jsonApi(
  async (request) => {
    const orderId = requireOrderId(request.path.orderId);
    const events = await orderEventStore().load(orderId);
    requireVisibleOrder(request.caller, orderId, ownerOf(events));
    return { status: 200, body: { events: events.map(redactForClients) } };
  },
  { withBody: false },
);
