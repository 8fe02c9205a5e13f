import type { CancellationReason } from './events';
import type { OrderLine } from './order-values';
import type { OrderState, OrderStatus } from './state';

/**
 * What the API returns for an order and the read model stores. Deliberately excludes the payment
 * token, the shipping address and payment ids: the view is shown to clients and copied to a GSI.
 */
export interface OrderView {
  readonly orderId: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly items: readonly OrderLine[];
  /** Minor units of `currency`. */
  readonly total: number;
  readonly currency: string;
  /** When the order's first event was recorded. */
  readonly createdAt: string;
  /** When the last event was recorded. */
  readonly updatedAt: string;
  /** Stream version the view reflects; lets a projector skip stale or repeated events. */
  readonly version: number;
  readonly placedAt: string;
  readonly cancellationReason?: CancellationReason;
}

export const toView = (state: OrderState): OrderView => ({
  orderId: state.orderId,
  customerId: state.customerId,
  status: state.status,
  items: state.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
  total: state.total,
  currency: state.currency,
  createdAt: state.createdAt,
  updatedAt: state.updatedAt,
  version: state.version,
  placedAt: state.placedAt,
  ...(state.cancellationReason === undefined ? {} : { cancellationReason: state.cancellationReason }),
});
