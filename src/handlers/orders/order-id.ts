import { ValidationError } from '../../domain/shared/errors';

/** Order ids are ULIDs: sortable by creation time, 26 Crockford base-32 characters. */
const ORDER_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function requireOrderId(value: string | undefined): string {
  if (value && ORDER_ID.test(value)) return value;
  throw new ValidationError([
    { path: 'orderId', rule: 'pattern', message: 'must be an order id (26-character ULID)' },
  ]);
}
