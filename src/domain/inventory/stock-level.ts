import * as E from 'fp-ts/Either';
import { ValidationError } from '../shared/errors';
import {
  addIssue,
  checkInteger,
  checkNoUnknownFields,
  checkString,
  isPlainObject,
  type Issues,
} from '../shared/field-checks';
import { PLACE_ORDER_LIMITS, PLACE_ORDER_PATTERNS } from '../orders/place-order';

/** What a client may see of a SKU's stock. `sold` stays internal. */
export interface InventoryView {
  readonly sku: string;
  readonly available: number;
  readonly reserved: number;
}

/** The validated `PUT /inventory/{sku}`: the SKU's new available stock. */
export interface StockLevel {
  readonly sku: string;
  readonly available: number;
}

/** Every limit the inventory enforces, exported so docs and tests cite them rather than copy them. */
export const INVENTORY_LIMITS = {
  /** The same SKUs orders accept, so every orderable SKU can be stocked. */
  sku: PLACE_ORDER_LIMITS.sku,
  available: { min: 0, max: 1_000_000 },
} as const;

export const STOCK_LEVEL_FIELDS = ['available'] as const;

const SKU_PATTERN_MESSAGE = 'must start with a letter or digit and contain only letters, digits and "-"';

/** Checks a SKU (path `path`) against the rules orders apply to SKUs. */
export const checkSku = (issues: Issues, path: string, value: unknown): string | undefined =>
  checkString(issues, path, value, {
    ...INVENTORY_LIMITS.sku,
    pattern: PLACE_ORDER_PATTERNS.sku,
    patternMessage: SKU_PATTERN_MESSAGE,
  });

/** Validates a SKU taken from a path (`/inventory/{sku}`); issues are reported at path `sku`. */
export const parseSku = (value: unknown): E.Either<ValidationError, string> => {
  const issues: Issues = [];
  const sku = checkSku(issues, 'sku', value);
  return sku === undefined ? E.left(new ValidationError(issues)) : E.right(sku);
};

/**
 * Validates an untrusted `PUT /inventory/{sku}`: the SKU from the path (reported at `sku`) and the body
 * `{available}` (an integer 0..1,000,000). Every violation is reported at once; unknown body fields are
 * refused (a body `{"sku": ...}` too: the SKU is the path's). Nothing is coerced: `"5"` is not a number.
 */
export const parseStockLevel = (sku: unknown, body: unknown): E.Either<ValidationError, StockLevel> => {
  const issues: Issues = [];
  const checkedSku = checkSku(issues, 'sku', sku);
  if (!isPlainObject(body)) {
    addIssue(issues, '', 'type', 'body must be a JSON object');
    return E.left(new ValidationError(issues));
  }
  const available = checkInteger(issues, 'available', body.available, INVENTORY_LIMITS.available);
  checkNoUnknownFields(issues, '', body, STOCK_LEVEL_FIELDS);
  if (issues.length > 0 || checkedSku === undefined || available === undefined) {
    return E.left(new ValidationError(issues));
  }
  return E.right({ sku: checkedSku, available });
};
