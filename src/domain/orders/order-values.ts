import * as t from 'io-ts';
import { NonEmptyString, NonNegativeInteger, PositiveInteger } from '../shared/codecs';

/*
 * Value shapes shared by the request, the events and the state. The codecs check structure and types
 * only: business limits (max quantity, allowed characters...) are enforced once, when the order is
 * placed, so an event written under older limits still decodes.
 */

export const OrderLine = t.readonly(
  t.type({ sku: NonEmptyString, quantity: PositiveInteger, unitPrice: PositiveInteger }),
  'OrderLine',
);
export type OrderLine = t.TypeOf<typeof OrderLine>;

/** A quantity of one SKU held for (or given back by) an order. */
export const SkuQuantity = t.readonly(
  t.type({ sku: NonEmptyString, quantity: PositiveInteger }),
  'SkuQuantity',
);
export type SkuQuantity = t.TypeOf<typeof SkuQuantity>;

/**
 * A quantity of one SKU reserved for (or released by) an order, with `available`: the SKU's available
 * stock as inventory read it just after the change. `available` is optional: events stored before it
 * existed have none, and it may include other orders' changes made at the same time.
 */
export const StockChange = t.readonly(
  t.intersection([
    t.type({ sku: NonEmptyString, quantity: PositiveInteger }),
    t.partial({ available: NonNegativeInteger }),
  ]),
  'StockChange',
);
export type StockChange = t.TypeOf<typeof StockChange>;

export const ShippingAddress = t.readonly(
  t.intersection([
    t.type({
      line1: NonEmptyString,
      city: NonEmptyString,
      postalCode: NonEmptyString,
      country: NonEmptyString,
    }),
    t.partial({ line2: t.string }),
  ]),
  'ShippingAddress',
);
export type ShippingAddress = t.TypeOf<typeof ShippingAddress>;

/** Three uppercase letters. Events check only the shape so that a code later withdrawn from ISO 4217 still decodes. */
export const CurrencyCode = new t.Type<string, string, unknown>(
  'CurrencyCode',
  (u): u is string => typeof u === 'string' && /^[A-Z]{3}$/.test(u),
  (u, c) => (typeof u === 'string' && /^[A-Z]{3}$/.test(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

export const lineTotal = (line: Pick<OrderLine, 'quantity' | 'unitPrice'>): number =>
  line.quantity * line.unitPrice;

/** Sum of quantity x unit price, in minor units. */
export const orderTotal = (lines: readonly Pick<OrderLine, 'quantity' | 'unitPrice'>[]): number =>
  lines.reduce((sum, line) => sum + lineTotal(line), 0);
