import { declineSpike } from './decline-spike';
import type { AnyRule } from './engine';
import { reviewBacklog } from './review-backlog';
import { stuckOrder } from './stuck-order';
import { velocity } from './velocity';

export * from './engine';
export * from './rule';
export { declineSpike, reviewBacklog, stuckOrder, velocity };

/**
 * The rules run on the order-event stream. Low stock is not among them: the stream carries
 * reservations (InventoryReserved) but no stock levels, which live in the inventory table; that rule
 * needs stock events on the stream (or a read of the inventory table) first.
 */
export const ORDER_STREAM_RULES: readonly AnyRule[] = [velocity, declineSpike, stuckOrder, reviewBacklog];
