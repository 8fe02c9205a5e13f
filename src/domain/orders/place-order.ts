import * as E from 'fp-ts/Either';
import { ValidationError } from '../shared/errors';
import {
  addIssue,
  checkInteger,
  checkNoUnknownFields,
  checkString,
  isMissing,
  isPlainObject,
  type Issues,
} from '../shared/field-checks';
import { checkSku, SKU_LIMITS, SKU_PATTERN } from '../shared/sku';
import { checkCurrency, CURRENCY_PATTERN, MAX_ORDER_TOTAL_MINOR, MAX_UNIT_PRICE_MINOR } from './money';
import { orderTotal, type ShippingAddress } from './order-values';

/**
 * A line as the client asks for it. `unitPrice` is optional: the catalogue prices every line; a client
 * that sends one states the price it showed the customer, and the order is refused if the catalogue's
 * differs (PRICE_CHANGED) rather than charged at a price nobody agreed to.
 */
export interface RequestedLine {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice?: number;
}

/** The validated body of `POST /orders`. Amounts are integer minor units of `currency`. */
export interface PlaceOrderRequest {
  readonly customerId: string;
  readonly items: readonly RequestedLine[];
  readonly currency: string;
  readonly paymentToken: string;
  readonly shippingAddress: ShippingAddress;
}

/** Every limit `parsePlaceOrder` enforces, exported so docs and tests cite them rather than copy them. */
export const PLACE_ORDER_LIMITS = {
  customerId: { minLength: 1, maxLength: 64 },
  items: { minItems: 1, maxItems: 50 },
  sku: SKU_LIMITS,
  quantity: { min: 1, max: 1000 },
  unitPriceMinor: { min: 1, max: MAX_UNIT_PRICE_MINOR },
  paymentToken: { minLength: 1, maxLength: 128 },
  line1: { minLength: 1, maxLength: 200 },
  /** Optional; an empty string is accepted because address forms commonly send one for a blank line. */
  line2: { minLength: 0, maxLength: 200 },
  city: { minLength: 1, maxLength: 100 },
  postalCode: { minLength: 1, maxLength: 20 },
  orderTotalMinor: { max: MAX_ORDER_TOTAL_MINOR },
} as const;

export const PLACE_ORDER_PATTERNS = {
  customerId: /^[A-Za-z0-9_-]+$/,
  /** Letters in either case; SKUs are stored in upper case. */
  sku: SKU_PATTERN,
  /** Shape only; whether the code is a current ISO 4217 currency is checked separately (rule `currency`). */
  currency: CURRENCY_PATTERN,
  /** ISO 3166-1 alpha-2 shape; the code itself is not looked up. */
  country: /^[A-Z]{2}$/,
} as const;

export const PLACE_ORDER_FIELDS = [
  'customerId',
  'items',
  'currency',
  'paymentToken',
  'shippingAddress',
] as const;
export const ORDER_LINE_FIELDS = ['sku', 'quantity', 'unitPrice'] as const;
export const SHIPPING_ADDRESS_FIELDS = ['line1', 'line2', 'city', 'postalCode', 'country'] as const;

/**
 * Validates an untrusted `POST /orders` body. Reports every violation at once, in a stable order
 * (field order of the body, then cross-field rules), each as a FieldIssue with a stable rule id.
 * Nothing is trimmed or coerced: `" 5"` is not a number and `" "` is a valid-length string. SKUs are
 * returned in upper case; no text field may hold control or bidirectional formatting characters.
 * Prices are not known here: the catalogue prices the lines when the order is decided.
 *
 * Unknown fields are rejected at every level, not only at the top: a misspelt optional field
 * (`line_2`) would otherwise be dropped without anyone noticing.
 */
export const parsePlaceOrder = (input: unknown): E.Either<ValidationError, PlaceOrderRequest> => {
  const issues: Issues = [];
  if (!isPlainObject(input)) {
    addIssue(issues, '', 'type', 'body must be a JSON object');
    return E.left(new ValidationError(issues));
  }
  const L = PLACE_ORDER_LIMITS;
  const P = PLACE_ORDER_PATTERNS;

  const customerId = checkString(issues, 'customerId', input.customerId, {
    ...L.customerId,
    pattern: P.customerId,
    patternMessage: 'may contain only letters, digits, "_" and "-"',
  });
  const items = parseItems(issues, input.items);
  const currency = checkCurrency(issues, 'currency', input.currency);
  const paymentToken = checkString(issues, 'paymentToken', input.paymentToken, L.paymentToken);
  const shippingAddress = parseShippingAddress(issues, input.shippingAddress);
  checkNoUnknownFields(issues, '', input, PLACE_ORDER_FIELDS);

  if (
    issues.length > 0 ||
    customerId === undefined ||
    items === undefined ||
    currency === undefined ||
    paymentToken === undefined ||
    shippingAddress === undefined
  ) {
    return E.left(new ValidationError(issues));
  }
  return E.right({ customerId, items, currency, paymentToken, shippingAddress });
};

const parseItems = (issues: Issues, value: unknown): RequestedLine[] | undefined => {
  const { minItems, maxItems } = PLACE_ORDER_LIMITS.items;
  if (isMissing(value)) {
    addIssue(issues, 'items', 'required', 'is required');
    return undefined;
  }
  if (!Array.isArray(value)) {
    addIssue(issues, 'items', 'type', 'must be an array');
    return undefined;
  }
  if (value.length < minItems) {
    addIssue(issues, 'items', 'minItems', `must have at least ${minItems} item`);
    return undefined;
  }
  if (value.length > maxItems) {
    // Entries are not inspected: the list is rejected as a whole, and inspecting an arbitrarily long
    // list would let one request produce an arbitrarily large error response.
    addIssue(issues, 'items', 'maxItems', `must have at most ${maxItems} items`);
    return undefined;
  }

  const before = issues.length;
  const firstIndexOfSku = new Map<string, number>();
  const lines = value.map((item, i) => {
    const line = parseLine(issues, `items[${i}]`, item);
    // Compared in upper case, as SKUs are stored; only SKUs valid on their own count.
    if (line.sku !== undefined) {
      const first = firstIndexOfSku.get(line.sku);
      if (first === undefined) firstIndexOfSku.set(line.sku, i);
      else addIssue(issues, `items[${i}].sku`, 'duplicateSku', `repeats the SKU of items[${first}]`);
    }
    return line.line;
  });

  // Quoted prices the catalogue would have to match already put the order over the cap: no catalogue
  // lookup can make that order acceptable. (The catalogue total is checked again when pricing.)
  const quoted = lines.flatMap((line) =>
    line?.unitPrice === undefined ? [] : [{ quantity: line.quantity, unitPrice: line.unitPrice }],
  );
  const total = orderTotal(quoted);
  if (total > MAX_ORDER_TOTAL_MINOR) {
    addIssue(
      issues,
      'items',
      'maxTotal',
      `order total ${total} exceeds the maximum of ${MAX_ORDER_TOTAL_MINOR} (minor units of the currency)`,
    );
  }
  const valid = lines.filter((line): line is RequestedLine => line !== undefined);
  return issues.length === before ? valid : undefined;
};

const parseLine = (
  issues: Issues,
  path: string,
  value: unknown,
): { line: RequestedLine | undefined; sku: string | undefined } => {
  if (!isPlainObject(value)) {
    addIssue(issues, path, isMissing(value) ? 'required' : 'type', 'must be an object');
    return { line: undefined, sku: undefined };
  }
  const L = PLACE_ORDER_LIMITS;
  const sku = checkSku(issues, `${path}.sku`, value.sku);
  const quantity = checkInteger(issues, `${path}.quantity`, value.quantity, L.quantity);
  const quotesPrice = !isMissing(value.unitPrice);
  const unitPrice = quotesPrice
    ? checkInteger(issues, `${path}.unitPrice`, value.unitPrice, { ...L.unitPriceMinor, minRule: 'positive' })
    : undefined;
  checkNoUnknownFields(issues, path, value, ORDER_LINE_FIELDS);
  if (sku === undefined || quantity === undefined || (quotesPrice && unitPrice === undefined)) {
    return { line: undefined, sku };
  }
  // An absent price stays absent (no `undefined` key), like line2 below.
  return { line: unitPrice === undefined ? { sku, quantity } : { sku, quantity, unitPrice }, sku };
};

const parseShippingAddress = (issues: Issues, value: unknown): ShippingAddress | undefined => {
  const path = 'shippingAddress';
  if (isMissing(value)) {
    addIssue(issues, path, 'required', 'is required');
    return undefined;
  }
  if (!isPlainObject(value)) {
    addIssue(issues, path, 'type', 'must be an object');
    return undefined;
  }
  const L = PLACE_ORDER_LIMITS;
  const line1 = checkString(issues, `${path}.line1`, value.line1, L.line1);
  const line2 = isMissing(value.line2)
    ? undefined
    : checkString(issues, `${path}.line2`, value.line2, L.line2);
  const line2Failed = !isMissing(value.line2) && line2 === undefined;
  const city = checkString(issues, `${path}.city`, value.city, L.city);
  const postalCode = checkString(issues, `${path}.postalCode`, value.postalCode, L.postalCode);
  const country = checkString(issues, `${path}.country`, value.country, {
    minLength: 1,
    maxLength: Number.POSITIVE_INFINITY,
    pattern: PLACE_ORDER_PATTERNS.country,
    patternMessage: 'must be an ISO 3166-1 alpha-2 code (2 uppercase letters)',
  });
  checkNoUnknownFields(issues, path, value, SHIPPING_ADDRESS_FIELDS);
  if (
    line1 === undefined ||
    line2Failed ||
    city === undefined ||
    postalCode === undefined ||
    country === undefined
  ) {
    return undefined;
  }
  // An absent line2 stays absent (no `undefined` key): stores such as DynamoDB reject undefined values.
  return line2 === undefined
    ? { line1, city, postalCode, country }
    : { line1, line2, city, postalCode, country };
};
