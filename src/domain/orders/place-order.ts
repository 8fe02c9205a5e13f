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
import { hasMinorUnits, isKnownCurrency, MAX_ORDER_TOTAL_MINOR, MAX_UNIT_PRICE_MINOR } from './money';
import { orderTotal, type OrderLine, type ShippingAddress } from './order-values';

/** The validated body of `POST /orders`. Amounts are integer minor units of `currency`. */
export interface PlaceOrderRequest {
  readonly customerId: string;
  readonly items: readonly OrderLine[];
  readonly currency: string;
  readonly paymentToken: string;
  readonly shippingAddress: ShippingAddress;
}

/** Every limit `parsePlaceOrder` enforces, exported so docs and tests cite them rather than copy them. */
export const PLACE_ORDER_LIMITS = {
  customerId: { minLength: 1, maxLength: 64 },
  items: { minItems: 1, maxItems: 50 },
  sku: { minLength: 1, maxLength: 64 },
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
  sku: /^[A-Z0-9][A-Z0-9-]*$/i,
  /** Shape only; whether the code is a current ISO 4217 currency is checked separately (rule `currency`). */
  currency: /^[A-Z]{3}$/,
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
 * Nothing is trimmed or coerced: `" 5"` is not a number and `" "` is a valid-length string.
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
  const currency = parseCurrency(issues, input.currency);
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

const parseItems = (issues: Issues, value: unknown): OrderLine[] | undefined => {
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
    const { line, sku } = parseLine(issues, `items[${i}]`, item);
    // Compared exactly (case-sensitive), as the inventory keys SKUs; only SKUs valid on their own count.
    if (sku !== undefined) {
      const first = firstIndexOfSku.get(sku);
      if (first === undefined) firstIndexOfSku.set(sku, i);
      else addIssue(issues, `items[${i}].sku`, 'duplicateSku', `repeats the SKU of items[${first}]`);
    }
    return line;
  });

  const pricedLines = lines.filter((line): line is OrderLine => line !== undefined);
  const total = orderTotal(pricedLines);
  if (total > MAX_ORDER_TOTAL_MINOR) {
    addIssue(
      issues,
      'items',
      'maxTotal',
      `order total ${total} exceeds the maximum of ${MAX_ORDER_TOTAL_MINOR} (minor units of the currency)`,
    );
  }
  return issues.length === before ? pricedLines : undefined;
};

const parseLine = (
  issues: Issues,
  path: string,
  value: unknown,
): { line: OrderLine | undefined; sku: string | undefined } => {
  if (!isPlainObject(value)) {
    addIssue(issues, path, isMissing(value) ? 'required' : 'type', 'must be an object');
    return { line: undefined, sku: undefined };
  }
  const L = PLACE_ORDER_LIMITS;
  const sku = checkString(issues, `${path}.sku`, value.sku, {
    ...L.sku,
    pattern: PLACE_ORDER_PATTERNS.sku,
    patternMessage: 'must start with a letter or digit and contain only letters, digits and "-"',
  });
  const quantity = checkInteger(issues, `${path}.quantity`, value.quantity, L.quantity);
  const unitPrice = checkInteger(issues, `${path}.unitPrice`, value.unitPrice, {
    ...L.unitPriceMinor,
    minRule: 'positive',
  });
  checkNoUnknownFields(issues, path, value, ORDER_LINE_FIELDS);
  const line =
    sku === undefined || quantity === undefined || unitPrice === undefined
      ? undefined
      : { sku, quantity, unitPrice };
  return { line, sku };
};

// Length is left to the pattern, which already says "3 uppercase letters": one issue, not three.
const parseCurrency = (issues: Issues, value: unknown): string | undefined => {
  const currency = checkString(issues, 'currency', value, {
    minLength: 1,
    maxLength: Number.POSITIVE_INFINITY,
    pattern: PLACE_ORDER_PATTERNS.currency,
    patternMessage: 'must be 3 uppercase letters',
  });
  if (currency === undefined) return undefined;
  if (!isKnownCurrency(currency)) {
    addIssue(issues, 'currency', 'currency', 'must be an active ISO 4217 currency code');
    return undefined;
  }
  if (!hasMinorUnits(currency)) {
    addIssue(
      issues,
      'currency',
      'currencyMinorUnits',
      'has no minor unit (ISO 4217 "N.A.") and cannot price an order',
    );
    return undefined;
  }
  return currency;
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
