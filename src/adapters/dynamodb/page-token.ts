import { createHmac, timingSafeEqual } from 'node:crypto';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { closedType, NonEmptyString } from '../../domain/shared/codecs';
import { purposeKey } from '../app-secret';

/**
 * Where a page of a customer's orders ended: the `byCustomer` index's LastEvaluatedKey (the table's key
 * and the index's), exactly those three non-empty strings and nothing else.
 */
export const OrderPageKey = t.readonly(
  closedType(
    { orderId: NonEmptyString, customerId: NonEmptyString, placedAt: NonEmptyString },
    'OrderPageKey',
  ),
  'OrderPageKey',
);
export type OrderPageKey = t.TypeOf<typeof OrderPageKey>;

/** A `nextToken` this API did not issue for the query it came with. */
export class InvalidPageTokenError extends Error {
  override readonly name = 'InvalidPageTokenError';
}

const VERSION = 'v1';
/** Far above any token issued (three short strings and a MAC); longer input is not even decoded. */
const MAX_TOKEN_LENGTH = 1024;

/**
 * Page tokens of `GET /orders?customerId=`: `v1.<base64url(key JSON)>.<base64url(HMAC-SHA256)>`, the MAC
 * under a key derived from the stack's secret. `read` accepts only a token this stack issued, unchanged,
 * for the same customer, and checks the key's shape, so nothing a client makes up reaches DynamoDB as
 * an ExclusiveStartKey (it used to, and came back as a 500).
 */
export class PageTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = purposeKey(secret, 'page-token/v1');
  }

  issue(key: OrderPageKey): string {
    const payload = Buffer.from(
      JSON.stringify({ orderId: key.orderId, customerId: key.customerId, placedAt: key.placedAt }),
    ).toString('base64url');
    return `${VERSION}.${payload}.${this.mac(payload)}`;
  }

  /** The key `token` stands for, when it was issued for `customerId`'s list; InvalidPageTokenError otherwise. */
  read(token: string, customerId: string): OrderPageKey {
    const parts = token.length <= MAX_TOKEN_LENGTH ? token.split('.') : [];
    const [version, payload, mac] = parts;
    if (parts.length !== 3 || version !== VERSION || !payload || !mac || !this.verifies(payload, mac)) {
      throw new InvalidPageTokenError('is not a page token this API issued');
    }
    const key = parseKey(Buffer.from(payload, 'base64url').toString('utf8'));
    if (!key) throw new InvalidPageTokenError('is not a page token this API issued');
    if (key.customerId !== customerId) {
      throw new InvalidPageTokenError('was issued for another customerId; start again without it');
    }
    return key;
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(`${VERSION}.${payload}`).digest('base64url');
  }

  private verifies(payload: string, mac: string): boolean {
    const expected = Buffer.from(this.mac(payload), 'base64url');
    const given = Buffer.from(mac, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** The key a token's payload holds: JSON decoded with OrderPageKey, or undefined for anything else. */
function parseKey(json: string): OrderPageKey | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  const key = OrderPageKey.decode(value);
  return E.isRight(key) ? key.right : undefined;
}
