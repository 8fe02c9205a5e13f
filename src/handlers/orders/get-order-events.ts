import { mayActFor } from '../../domain/shared/access';
import { OrderNotFoundError, ownerOf } from '../../domain/orders';
import { jsonApi } from '../http/json-api';
import { orderEventStore } from './dependencies';
import { requireOrderId } from './order-id';

export const handler = jsonApi(
  async (request) => {
    const orderId = requireOrderId(request.path.orderId);
    const events = await orderEventStore().load(orderId);
    const owner = ownerOf(events);
    if (owner === undefined || !mayActFor(request.caller, owner)) throw new OrderNotFoundError(orderId);
    return { status: 200, body: { events } };
  },
  { withBody: false },
);
