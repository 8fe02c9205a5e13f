import { type Caller, mayActFor } from '../shared/access';
import { OrderNotFoundError } from './errors';

/**
 * Refuses an order the caller may not see as if it did not exist, so an order id reveals nothing;
 * `owner` is undefined when there is no such order.
 */
export function requireVisibleOrder(
  caller: Caller | undefined,
  orderId: string,
  owner: string | undefined,
): void {
  if (owner === undefined || !mayActFor(caller, owner)) throw new OrderNotFoundError(orderId);
}
