import * as E from 'fp-ts/Either';
import { DomainError, type FieldIssue, ValidationError } from '../shared/errors';
import { formatMinor, MAX_ORDER_TOTAL_MINOR } from './money';
import { orderTotal, type OrderLine } from './order-values';
import type { RequestedLine } from './place-order';

/*
 * Orders are priced by the catalogue (the inventory's price per SKU), never by the client: the request
 * names SKUs and quantities, and at most quotes the price it showed. The application layer reads the
 * prices through the inventory port and hands them to the decision; pricing itself is pure.
 */

/** A SKU's price in the catalogue: integer minor units of `currency`. */
export interface CataloguePrice {
  readonly unitPrice: number;
  readonly currency: string;
}

/** The catalogue prices of an order's SKUs (upper case); a SKU missing from the map has no price. */
export type PriceList = ReadonlyMap<string, CataloguePrice>;

/** Some lines name SKUs the catalogue has no price for: they cannot be sold (422). */
export class SkuNotPricedError extends DomainError {
  override readonly code = 'SKU_NOT_PRICED';

  constructor(details: readonly FieldIssue[]) {
    super(`No catalogue price for ${details.map((d) => d.path).join(', ')}`, details);
  }
}

/** The order's currency is not the one some SKUs are priced in (422); nothing is converted. */
export class CurrencyMismatchError extends DomainError {
  override readonly code = 'CURRENCY_MISMATCH';

  constructor(details: readonly FieldIssue[]) {
    super(
      `The order's currency is not the catalogue's: ${details.map((d) => d.message).join('; ')}`,
      details,
    );
  }
}

/**
 * A quoted unit price is not the catalogue's (409): the customer saw another price than the one that
 * would be charged. Each detail names the line (`items[i].unitPrice`) and carries the current price in
 * `expected`, so a client can show it and ask again.
 */
export class PriceChangedError extends DomainError {
  override readonly code = 'PRICE_CHANGED';

  constructor(details: readonly FieldIssue[]) {
    super(`Prices changed: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`, details);
  }
}

/**
 * Prices every line from `prices`. Refuses, reporting every line concerned and in this order of
 * precedence (a later check means little while an earlier one fails): a SKU with no price
 * (SkuNotPricedError), a SKU priced in another currency (CurrencyMismatchError), a quoted price that is
 * not the catalogue's (PriceChangedError), a total over MAX_ORDER_TOTAL_MINOR (ValidationError
 * `items` `maxTotal`).
 */
export const priceLines = (
  items: readonly RequestedLine[],
  currency: string,
  prices: PriceList,
): E.Either<DomainError, OrderLine[]> => {
  const notPriced: FieldIssue[] = [];
  const otherCurrency: FieldIssue[] = [];
  const changed: FieldIssue[] = [];
  const lines = items.map((line, i): OrderLine | undefined => {
    const price = prices.get(line.sku);
    if (price === undefined) {
      notPriced.push({
        path: `items[${i}].sku`,
        rule: 'notPriced',
        message: `${line.sku} has no price in the catalogue`,
      });
      return undefined;
    }
    if (price.currency !== currency) {
      otherCurrency.push({
        path: 'currency',
        rule: 'currencyMismatch',
        message: `must be ${price.currency}, the currency items[${i}] (${line.sku}) is priced in`,
        expected: price.currency,
      });
      return undefined;
    }
    if (line.unitPrice !== undefined && line.unitPrice !== price.unitPrice) {
      changed.push({
        path: `items[${i}].unitPrice`,
        rule: 'priceChanged',
        message: `is ${price.unitPrice} (${formatMinor(price.unitPrice, price.currency)}) in the catalogue, not ${line.unitPrice}`,
        expected: price.unitPrice,
      });
    }
    return { sku: line.sku, quantity: line.quantity, unitPrice: price.unitPrice };
  });
  if (notPriced.length > 0) return E.left(new SkuNotPricedError(notPriced));
  if (otherCurrency.length > 0) return E.left(new CurrencyMismatchError(otherCurrency));
  if (changed.length > 0) return E.left(new PriceChangedError(changed));
  const priced = lines.filter((line): line is OrderLine => line !== undefined);
  const total = orderTotal(priced);
  if (total > MAX_ORDER_TOTAL_MINOR) {
    return E.left(
      new ValidationError([
        {
          path: 'items',
          rule: 'maxTotal',
          message: `order total ${total} at catalogue prices exceeds the maximum of ${MAX_ORDER_TOTAL_MINOR} (minor units of the currency)`,
        },
      ]),
    );
  }
  return E.right(priced);
};
