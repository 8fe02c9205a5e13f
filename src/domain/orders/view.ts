import * as t from 'io-ts';
import { IsoDateTime, NonEmptyString, NonNegativeInteger, PositiveInteger } from '../shared/codecs';
import { CancellationReason } from './events';
import { CurrencyCode, OrderLine } from './order-values';
import { OrderStatus, type OrderState } from './state';

/**
 * What the API returns for an order and the read model stores. Deliberately excludes the payment
 * token, the shipping address and payment ids: the view is shown to clients and copied to a GSI.
 * The codec reads a view back from the read model; it checks no more than the events the view is
 * folded from do, so every view the projector writes decodes.
 */
export const OrderView = t.readonly(
  t.intersection([
    t.type({
      orderId: NonEmptyString,
      customerId: NonEmptyString,
      status: OrderStatus,
      items: t.readonlyArray(OrderLine),
      /** Minor units of `currency`. */
      total: NonNegativeInteger,
      currency: CurrencyCode,
      /** When the order's first event was recorded. */
      createdAt: IsoDateTime,
      /** When the last event was recorded. */
      updatedAt: IsoDateTime,
      /** Stream version the view reflects; lets a projector skip stale or repeated events. */
      version: PositiveInteger,
      placedAt: IsoDateTime,
    }),
    t.partial({ cancellationReason: CancellationReason }),
  ]),
  'OrderView',
);
export type OrderView = t.TypeOf<typeof OrderView>;

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
