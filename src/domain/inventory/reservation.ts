import * as E from 'fp-ts/Either';
import { ValidationError } from '../shared/errors';
import { addIssue, checkInteger, isPlainObject, type Issues } from '../shared/field-checks';
import { checkSku, INVENTORY_LIMITS } from './stock-level';

export type ReservationStatus = 'RESERVED' | 'RELEASED' | 'COMMITTED';

export interface ReservationLine {
  readonly sku: string;
  readonly quantity: number;
}

/** Available stock per SKU, as read just after a change (other orders' changes may be included). */
export type StockLeft = Readonly<Record<string, number>>;

/**
 * The stock an order holds. RESERVED counts in the SKUs' `reserved`; RELEASED gave it back to
 * `available`; COMMITTED moved it to `sold`. Both are final.
 */
export interface Reservation {
  readonly orderId: string;
  readonly lines: readonly ReservationLine[];
  readonly status: ReservationStatus;
  /** ISO 8601, when the status last changed. */
  readonly updatedAt: string;
  /**
   * The lines' SKUs' available stock read after the reservation, and after its release. Written once
   * (the first read wins), so every retry of a step reports the same numbers.
   */
  readonly availableAfterReserve?: StockLeft;
  readonly availableAfterRelease?: StockLeft;
}

/**
 * What `reserve` did. `reserved`: this call took the stock. `already`: the order already held a
 * reservation (RESERVED or COMMITTED; a redelivered request), nothing was taken again. `released`: the
 * order's reservation was released earlier, so nothing is reserved for it (a late retry must not take
 * stock again).
 */
export type ReservationOutcome =
  | { readonly status: 'reserved'; readonly reservation: Reservation }
  | { readonly status: 'already'; readonly reservation: Reservation }
  | { readonly status: 'released'; readonly reservation: Reservation };

/**
 * What `release` gave back to `available`; empty when there was nothing to release (a no-op).
 * `available`: the SKUs' available stock after the order's release, also when an earlier call released
 * it (a retried step reports the same numbers); empty when the order's reservation was never released.
 */
export interface ReleaseOutcome {
  readonly released: readonly ReservationLine[];
  readonly available: StockLeft;
}

/** What `commit` moved from `reserved` to `sold`; empty when it was already committed (a no-op). */
export interface CommitOutcome {
  readonly committed: readonly ReservationLine[];
}

export const RESERVATION_LIMITS = {
  /** A reservation is one TransactWriteItems: its own record plus one write per line, at most 100. */
  lines: { minItems: 1, maxItems: 99 },
  quantity: { min: 1, max: INVENTORY_LIMITS.available.max },
} as const;

/**
 * Checks the lines of a reservation: 1..99 lines, each a valid SKU with a whole quantity of at least 1,
 * no SKU twice. A zero or negative quantity would pass `available >= :q` and break the stock invariant,
 * and a repeated SKU cannot be written twice in one transaction. Only `sku` and `quantity` are kept, so
 * order lines (with prices) can be passed as they are.
 */
export const parseReservationLines = (
  lines: readonly unknown[],
): E.Either<ValidationError, ReservationLine[]> => {
  const issues: Issues = [];
  const { minItems, maxItems } = RESERVATION_LIMITS.lines;
  if (lines.length < minItems || lines.length > maxItems) {
    const rule = lines.length < minItems ? 'minItems' : 'maxItems';
    addIssue(issues, 'lines', rule, `must have between ${minItems} and ${maxItems} lines`);
    return E.left(new ValidationError(issues));
  }
  const firstIndexOfSku = new Map<string, number>();
  const parsed = lines.map((line, i): ReservationLine | undefined => {
    const path = `lines[${i}]`;
    if (!isPlainObject(line)) {
      addIssue(issues, path, 'type', 'must be an object');
      return undefined;
    }
    const sku = checkSku(issues, `${path}.sku`, line.sku);
    const quantity = checkInteger(issues, `${path}.quantity`, line.quantity, {
      ...RESERVATION_LIMITS.quantity,
      minRule: 'positive',
    });
    if (sku !== undefined) {
      const first = firstIndexOfSku.get(sku);
      if (first === undefined) firstIndexOfSku.set(sku, i);
      else addIssue(issues, `${path}.sku`, 'duplicateSku', `repeats the SKU of lines[${first}]`);
    }
    return sku === undefined || quantity === undefined ? undefined : { sku, quantity };
  });
  const valid = parsed.filter((line): line is ReservationLine => line !== undefined);
  return issues.length > 0 ? E.left(new ValidationError(issues)) : E.right(valid);
};
