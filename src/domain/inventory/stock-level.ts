import * as E from 'fp-ts/Either';
import { ValidationError } from '../shared/errors';
import {
  addIssue,
  checkInteger,
  checkNoUnknownFields,
  isMissing,
  isPlainObject,
  type Issues,
} from '../shared/field-checks';
import { checkSku, SKU_LIMITS } from '../shared/sku';
import { checkCurrency, MAX_UNIT_PRICE_MINOR } from '../orders/money';
import type { CataloguePrice } from '../orders/pricing';

export { checkSku } from '../shared/sku';

/**
 * What a client may see of a SKU: its stock and, once an operator priced it, its catalogue price
 * (minor units of `currency`). `sold` stays internal.
 */
export interface InventoryView {
  readonly sku: string;
  readonly available: number;
  readonly reserved: number;
  readonly unitPrice?: number;
  readonly currency?: string;
}

/**
 * The validated `PUT /inventory/{sku}`: the SKU's new available stock and, when given, its new price.
 * Without `price` the stored price (if any) is kept.
 */
export interface StockLevel {
  readonly sku: string;
  readonly available: number;
  readonly price?: CataloguePrice;
}

/** Every limit the inventory enforces, exported so docs and tests cite them rather than copy them. */
export const INVENTORY_LIMITS = {
  /** The same SKUs orders accept, so every orderable SKU can be stocked. */
  sku: SKU_LIMITS,
  available: { min: 0, max: 1_000_000 },
  /** The unit prices orders accept. */
  unitPriceMinor: { min: 1, max: MAX_UNIT_PRICE_MINOR },
} as const;

export const STOCK_LEVEL_FIELDS = ['available', 'unitPrice', 'currency'] as const;

/** Validates a SKU taken from a path (`/inventory/{sku}`); issues are reported at path `sku`. */
export const parseSku = (value: unknown): E.Either<ValidationError, string> => {
  const issues: Issues = [];
  const sku = checkSku(issues, 'sku', value);
  return sku === undefined ? E.left(new ValidationError(issues)) : E.right(sku);
};

/**
 * `unitPrice` and `currency` come together or not at all: a price means nothing without its currency,
 * and a currency alone would silently re-denominate the stored price.
 */
const parsePrice = (issues: Issues, body: Record<string, unknown>): CataloguePrice | undefined => {
  const hasPrice = !isMissing(body.unitPrice);
  const hasCurrency = !isMissing(body.currency);
  if (!hasPrice && !hasCurrency) return undefined;
  if (!hasCurrency) addIssue(issues, 'currency', 'required', 'is required with unitPrice');
  if (!hasPrice) addIssue(issues, 'unitPrice', 'required', 'is required with currency');
  const unitPrice = hasPrice
    ? checkInteger(issues, 'unitPrice', body.unitPrice, {
        ...INVENTORY_LIMITS.unitPriceMinor,
        minRule: 'positive',
      })
    : undefined;
  const currency = hasCurrency ? checkCurrency(issues, 'currency', body.currency) : undefined;
  return unitPrice === undefined || currency === undefined ? undefined : { unitPrice, currency };
};

/**
 * Validates an untrusted `PUT /inventory/{sku}`: the SKU from the path (reported at `sku`, returned in
 * upper case) and the body `{available, unitPrice?, currency?}`: an integer 0..1,000,000 of stock and,
 * optionally, the catalogue price (an integer unit price of the orders' range, in an ISO 4217 currency
 * with minor units, checked as an order's currency is). Every violation is reported at once; unknown
 * body fields are refused (a body `{"sku": ...}` too: the SKU is the path's). Nothing is coerced: `"5"`
 * is not a number.
 */
export const parseStockLevel = (sku: unknown, body: unknown): E.Either<ValidationError, StockLevel> => {
  const issues: Issues = [];
  const checkedSku = checkSku(issues, 'sku', sku);
  if (!isPlainObject(body)) {
    addIssue(issues, '', 'type', 'body must be a JSON object');
    return E.left(new ValidationError(issues));
  }
  const available = checkInteger(issues, 'available', body.available, INVENTORY_LIMITS.available);
  const price = parsePrice(issues, body);
  checkNoUnknownFields(issues, '', body, STOCK_LEVEL_FIELDS);
  if (issues.length > 0 || checkedSku === undefined || available === undefined) {
    return E.left(new ValidationError(issues));
  }
  return E.right(
    price === undefined ? { sku: checkedSku, available } : { sku: checkedSku, available, price },
  );
};
