import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
  type CancellationReason,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import * as E from 'fp-ts/Either';
import {
  OutOfStockError,
  parseReservationLines,
  parseStockLevel,
  ReservationNotHeldError,
  type CommitOutcome,
  type InventoryView,
  type ReleaseOutcome,
  type Reservation,
  type ReservationLine,
  type ReservationOutcome,
  type ReservationStatus,
  type StockLeft,
} from '../../domain/inventory';
import type { CataloguePrice, PriceList } from '../../domain/orders';

export const skuKey = (sku: string): string => `sku#${sku}`;
export const reservationKey = (orderId: string): string => `reservation#${orderId}`;

/** A transaction cancelled only by contention (AWS: TransactionConflict) is tried this often in all. */
const MAX_ATTEMPTS = 4;

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

const conditionFailed = (reason: CancellationReason | undefined): boolean =>
  reason?.Code === 'ConditionalCheckFailed';

const isConflict = (error: TransactionCanceledException): boolean =>
  (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict');

/** Short random pause before retrying a contended transaction, growing with the attempt. */
const backoff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * 2 ** attempt));

/** The stored price, when the SKU has one (`unitPrice` and `currency` are only ever written together). */
const priceOf = (item: Record<string, unknown>): CataloguePrice | undefined =>
  typeof item.unitPrice === 'number' && typeof item.currency === 'string'
    ? { unitPrice: item.unitPrice, currency: item.currency }
    : undefined;

const toView = (item: Record<string, unknown>): InventoryView => ({
  sku: item.sku as string,
  available: item.available as number,
  reserved: item.reserved as number,
  ...priceOf(item),
});

/** BatchGetItem takes at most this many keys per request. */
const BATCH_GET_KEYS = 100;
/** Rounds of retrying the keys DynamoDB left unprocessed (throttling) before giving up. */
const MAX_BATCH_ROUNDS = 5;

export class UnprocessedSkuReadError extends Error {
  override readonly name = 'UnprocessedSkuReadError';
}

/** Where a reservation keeps the stock read after each of its changes (see Reservation). */
type StockLeftField = 'availableAfterReserve' | 'availableAfterRelease';
const STOCK_LEFT_FIELDS: readonly StockLeftField[] = ['availableAfterReserve', 'availableAfterRelease'];

const toReservation = (item: Record<string, unknown>): Reservation => ({
  orderId: item.orderId as string,
  lines: item.lines as ReservationLine[],
  status: item.status as ReservationStatus,
  updatedAt: item.updatedAt as string,
  ...Object.fromEntries(
    STOCK_LEFT_FIELDS.filter((field) => item[field] !== undefined).map((field) => [
      field,
      item[field] as StockLeft,
    ]),
  ),
});

/**
 * Stock and catalogue prices per SKU and the reservations orders hold, in one table keyed by `pk`:
 * `sku#<SKU>` `{sku, available, reserved, sold, unitPrice?, currency?}` and `reservation#<orderId>` `{orderId, lines, status,
 * updatedAt, availableAfterReserve?, availableAfterRelease?}`. Every change of a reservation and of the SKU counts it moves is ONE TransactWriteItems,
 * conditional on the reservation's status, so per SKU `available + reserved + sold` only changes by
 * `setStock`, no count goes negative, and a redelivered reserve, release or commit applies at most once.
 */
export class InventoryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The SKU's stock, or undefined when no stock level was ever set for it. */
  async get(sku: string): Promise<InventoryView | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: skuKey(sku) } }),
    );
    return Item ? toView(Item) : undefined;
  }

  /** The order's reservation (strongly consistent: decisions are taken on it), or undefined. */
  async reservation(orderId: string): Promise<Reservation | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: reservationKey(orderId) },
        ConsistentRead: true,
      }),
    );
    return Item ? toReservation(Item) : undefined;
  }

  /**
   * The catalogue prices of `skus` (the price port of placing an order): one strongly consistent batch
   * read, so a price an operator just set is the one charged. SKUs never stocked or never priced are
   * absent from the map.
   */
  async prices(skus: readonly string[]): Promise<PriceList> {
    const prices = new Map<string, CataloguePrice>();
    for (const item of await this.readSkus(skus, 'sku, unitPrice, currency')) {
      const price = priceOf(item);
      if (price) prices.set(item.sku as string, price);
    }
    return prices;
  }

  /**
   * The SKU items of `skus` (only the `projection` attributes): strongly consistent batch reads, the keys
   * DynamoDB left unprocessed retried. SKUs without an item are absent.
   */
  private async readSkus(skus: readonly string[], projection: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    const unique = [...new Set(skus)];
    for (let start = 0; start < unique.length; start += BATCH_GET_KEYS) {
      let keys: Record<string, unknown>[] = unique
        .slice(start, start + BATCH_GET_KEYS)
        .map((sku) => ({ pk: skuKey(sku) }));
      for (let round = 1; keys.length > 0; round += 1) {
        if (round > MAX_BATCH_ROUNDS) {
          throw new UnprocessedSkuReadError(`${keys.length} SKUs could not be read`);
        }
        if (round > 1) await backoff(round - 1);
        const page = await this.client.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: { Keys: keys, ConsistentRead: true, ProjectionExpression: projection },
            },
          }),
        );
        items.push(...(page.Responses?.[this.tableName] ?? []));
        keys = page.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return items;
  }

  /**
   * The reservation with the stock left after one of its changes recorded in `field`. TransactWriteItems
   * returns no item values, so the SKUs' `available` is read (strongly consistent) right after the
   * change, then written to the reservation only if no call wrote it first: a retried step, or calls
   * racing, all get the first read's numbers, so the event recorded from them does not depend on which
   * attempt recorded it. A reservation already carrying `field` costs nothing more.
   */
  private async withStockLeft(reservation: Reservation, field: StockLeftField): Promise<Reservation> {
    if (reservation[field] !== undefined) return reservation;
    const items = await this.readSkus(
      reservation.lines.map((line) => line.sku),
      'sku, available',
    );
    const stockLeft: StockLeft = Object.fromEntries(
      items.map((item) => [item.sku as string, item.available as number]),
    );
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: reservationKey(reservation.orderId) },
          UpdateExpression: 'SET #f = :left',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#f)',
          ExpressionAttributeNames: { '#f': field },
          ExpressionAttributeValues: { ':left': stockLeft },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toReservation(Attributes ?? {});
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Another call recorded its read first: that one is the answer.
      const stored = await this.reservation(reservation.orderId);
      if (stored?.[field] === undefined) throw error;
      return stored;
    }
  }

  /**
   * Sets the SKU's available stock (an admin restock), creating the SKU with nothing reserved or sold if
   * it is new, and its catalogue price when `price` is given (kept as it is otherwise). Reserved and sold
   * stock are left as they are. Throws ValidationError for a SKU, an amount or a price `parseStockLevel`
   * would refuse.
   */
  async setStock(sku: string, available: number, price?: CataloguePrice): Promise<InventoryView> {
    const level = parseStockLevel(sku, { available, ...price });
    if (E.isLeft(level)) throw level.left;
    const checked = level.right;
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: skuKey(checked.sku) },
        UpdateExpression: `SET sku = :sku, available = :a, reserved = if_not_exists(reserved, :zero), sold = if_not_exists(sold, :zero)${
          checked.price ? ', unitPrice = :p, currency = :c' : ''
        }`,
        ExpressionAttributeValues: {
          ':sku': checked.sku,
          ':a': checked.available,
          ':zero': 0,
          ...(checked.price ? { ':p': checked.price.unitPrice, ':c': checked.price.currency } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toView(Attributes ?? {});
  }

  /**
   * Reserves every line for the order, or nothing: one transaction puts the reservation (only if the
   * order has none) and takes each quantity from `available` into `reserved` (only if enough is
   * available; a SKU never stocked has none).
   *
   * - The order already has a reservation → `already` (RESERVED or COMMITTED) or `released`, with the
   *   stored reservation; nothing is taken again. A redelivered request is therefore not an error.
   * - Some SKUs are short → OutOfStockError naming those SKUs (as DynamoDB reports them in the
   *   cancellation reasons), and nothing is reserved.
   * - Lines that break RESERVATION_LIMITS (empty, a quantity below 1, a SKU twice) → ValidationError.
   *
   * A `reserved` or `already` reservation carries `availableAfterReserve`, the lines' SKUs' available
   * stock read after the reservation (the first read is kept, so a repeat answers the same numbers).
   */
  async reserve(orderId: string, lines: readonly ReservationLine[]): Promise<ReservationOutcome> {
    const parsed = parseReservationLines(lines);
    if (E.isLeft(parsed)) throw parsed.left;
    const checked = parsed.right;
    const reservation: Reservation = {
      orderId,
      lines: checked,
      status: 'RESERVED',
      updatedAt: this.now().toISOString(),
    };
    const items: TransactItems = [
      {
        Put: {
          TableName: this.tableName,
          Item: { pk: reservationKey(orderId), ...reservation },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...checked.map((line) => ({
        Update: {
          TableName: this.tableName,
          Key: { pk: skuKey(line.sku) },
          UpdateExpression: 'SET available = available - :q, reserved = reserved + :q',
          ConditionExpression: 'available >= :q',
          ExpressionAttributeValues: { ':q': line.quantity },
        },
      })),
    ];

    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (conditionFailed(reasons[0])) {
          const existing = await this.reservation(orderId);
          if (existing) {
            // A released reservation keeps the stock left after its reserve when it was read; a read now
            // would report the stock after the release instead, so none is taken.
            return existing.status === 'RELEASED'
              ? { status: 'released', reservation: existing }
              : {
                  status: 'already',
                  reservation: await this.withStockLeft(existing, 'availableAfterReserve'),
                };
          }
        }
        const short = checked.filter((_, i) => conditionFailed(reasons[i + 1])).map((line) => line.sku);
        if (short.length > 0) throw new OutOfStockError(short);
        if (!isConflict(error) || attempt >= MAX_ATTEMPTS) throw error;
        await backoff(attempt);
        continue;
      }
      return {
        status: 'reserved',
        reservation: await this.withStockLeft(reservation, 'availableAfterReserve'),
      };
    }
  }

  /**
   * Gives a RESERVED reservation's stock back to `available` and marks it RELEASED, in one transaction
   * conditional on the status still being RESERVED. No reservation, or one already RELEASED or
   * COMMITTED → `released: []`: releasing is safe when reserve never ran, and when repeated.
   * `available` is the SKUs' available stock read after the release (kept with the reservation, so a
   * repeat answers the same numbers), or empty when the order's reservation is not RELEASED.
   */
  async release(orderId: string): Promise<ReleaseOutcome> {
    const { moved, reservation } = await this.settle(orderId, 'RELEASED', {
      expression: 'SET available = available + :q, reserved = reserved - :q',
    });
    if (reservation?.status !== 'RELEASED') return { released: moved, available: {} };
    const stamped = await this.withStockLeft(reservation, 'availableAfterRelease');
    return { released: moved, available: stamped.availableAfterRelease ?? {} };
  }

  /**
   * Moves a RESERVED reservation's stock from `reserved` to `sold` and marks it COMMITTED, in one
   * transaction conditional on the status still being RESERVED. Already COMMITTED → `{committed: []}`
   * (a repeat); no reservation or a RELEASED one → ReservationNotHeldError.
   */
  async commit(orderId: string): Promise<CommitOutcome> {
    const { moved: committed } = await this.settle(
      orderId,
      'COMMITTED',
      {
        expression: 'SET reserved = reserved - :q, sold = if_not_exists(sold, :zero) + :q',
        values: { ':zero': 0 },
      },
      (current) => {
        if (current?.status !== 'COMMITTED') throw new ReservationNotHeldError(orderId, current?.status);
      },
    );
    return { committed };
  }

  /**
   * Moves a RESERVED reservation to `to`, applying `lineUpdate` (`:q` is the line's quantity) to each
   * of its SKUs, in one transaction conditional on the status. When the reservation is not (or no longer)
   * RESERVED, `notReserved` decides (throw, or nothing for a no-op) and nothing is moved. A transaction
   * cancelled by a concurrent change of status re-reads and decides again. Answers the lines moved (none
   * for a no-op) and the reservation as it now is (undefined when the order has none).
   */
  private async settle(
    orderId: string,
    to: 'RELEASED' | 'COMMITTED',
    lineUpdate: { readonly expression: string; readonly values?: Record<string, unknown> },
    notReserved: (current: Reservation | undefined) => void = () => undefined,
  ): Promise<{ readonly moved: readonly ReservationLine[]; readonly reservation?: Reservation }> {
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.reservation(orderId);
      if (current?.status !== 'RESERVED') {
        notReserved(current);
        return current === undefined ? { moved: [] } : { moved: [], reservation: current };
      }
      const updatedAt = this.now().toISOString();
      const items: TransactItems = [
        {
          Update: {
            TableName: this.tableName,
            Key: { pk: reservationKey(orderId) },
            UpdateExpression: 'SET #s = :to, updatedAt = :now',
            ConditionExpression: '#s = :from',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':to': to, ':from': 'RESERVED', ':now': updatedAt },
          },
        },
        ...current.lines.map((line) => ({
          Update: {
            TableName: this.tableName,
            Key: { pk: skuKey(line.sku) },
            UpdateExpression: lineUpdate.expression,
            ExpressionAttributeValues: { ...lineUpdate.values, ':q': line.quantity },
          },
        })),
      ];
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: items }));
        return { moved: current.lines, reservation: { ...current, status: to, updatedAt } };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        // The status changed meanwhile: the next read sees the new status and answers from it.
        if (conditionFailed(error.CancellationReasons?.[0])) continue;
        if (!isConflict(error) || attempt >= MAX_ATTEMPTS) throw error;
        await backoff(attempt);
      }
    }
  }
}
