import { declineSpike } from './decline-spike';
import type { AnyRule } from './engine';
import { lowStock } from './low-stock';
import { reviewBacklog } from './review-backlog';
import { stuckOrder } from './stuck-order';
import { velocity } from './velocity';

export * from './engine';
export * from './rule';
export { declineSpike, lowStock, reviewBacklog, stuckOrder, velocity };
export type { LowStockConfig, LowStockState } from './low-stock';

/**
 * The rules run on the order-event stream. Low stock reads the stock left that InventoryReserved and
 * InventoryReleased report per line (`available`).
 */
export const ORDER_STREAM_RULES: readonly AnyRule[] = [
  velocity,
  declineSpike,
  stuckOrder,
  reviewBacklog,
  lowStock,
];
