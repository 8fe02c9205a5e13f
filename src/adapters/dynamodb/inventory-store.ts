import { TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import {
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
} from '../../domain/inventory';

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

const toView = (item: Record<string, unknown>): InventoryView => ({
  sku: item.sku as string,
  available: item.available as number,
  reserved: item.reserved as number,
});

const toReservation = (item: Record<string, unknown>): Reservation => ({
  orderId: item.orderId as string,
  lines: item.lines as ReservationLine[],
  status: item.status as ReservationStatus,
  updatedAt: item.updatedAt as string,
});

/**
 * Stock per SKU and the reservations orders hold, in one table keyed by `pk`:
 * `sku#<SKU>` `{sku, available, reserved, sold}` and `reservation#<orderId>` `{orderId, lines, status,
 * updatedAt}`. Every change of a reservation and of the SKU counts it moves is ONE TransactWriteItems,
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
   * Sets the SKU's available stock (an admin restock), creating the SKU with nothing reserved or sold if
   * it is new. Reserved and sold stock are left as they are. Throws ValidationError for a SKU or an
   * amount `parseStockLevel` would refuse.
   */
  async setStock(sku: string, available: number): Promise<InventoryView> {
    const level = parseStockLevel(sku, { available });
    if (E.isLeft(level)) throw level.left;
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: skuKey(level.right.sku) },
        UpdateExpression:
          'SET sku = :sku, available = :a, reserved = if_not_exists(reserved, :zero), sold = if_not_exists(sold, :zero)',
        ExpressionAttributeValues: { ':sku': level.right.sku, ':a': level.right.available, ':zero': 0 },
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
        return { status: 'reserved', reservation };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (conditionFailed(reasons[0])) {
          const existing = await this.reservation(orderId);
          if (existing) {
            return existing.status === 'RELEASED'
              ? { status: 'released', reservation: existing }
              : { status: 'already', reservation: existing };
          }
        }
        const short = checked.filter((_, i) => conditionFailed(reasons[i + 1])).map((line) => line.sku);
        if (short.length > 0) throw new OutOfStockError(short);
        if (!isConflict(error) || attempt >= MAX_ATTEMPTS) throw error;
        await backoff(attempt);
      }
    }
  }

  /**
   * Gives a RESERVED reservation's stock back to `available` and marks it RELEASED, in one transaction
   * conditional on the status still being RESERVED. No reservation, or one already RELEASED or
   * COMMITTED → `{released: []}`: releasing is safe when reserve never ran, and when repeated.
   */
  async release(orderId: string): Promise<ReleaseOutcome> {
    const released = await this.settle(orderId, 'RELEASED', {
      expression: 'SET available = available + :q, reserved = reserved - :q',
    });
    return { released };
  }

  /**
   * Moves a RESERVED reservation's stock from `reserved` to `sold` and marks it COMMITTED, in one
   * transaction conditional on the status still being RESERVED. Already COMMITTED → `{committed: []}`
   * (a repeat); no reservation or a RELEASED one → ReservationNotHeldError.
   */
  async commit(orderId: string): Promise<CommitOutcome> {
    const committed = await this.settle(
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
   * cancelled by a concurrent change of status re-reads and decides again.
   */
  private async settle(
    orderId: string,
    to: 'RELEASED' | 'COMMITTED',
    lineUpdate: { readonly expression: string; readonly values?: Record<string, unknown> },
    notReserved: (current: Reservation | undefined) => void = () => undefined,
  ): Promise<readonly ReservationLine[]> {
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.reservation(orderId);
      if (current?.status !== 'RESERVED') {
        notReserved(current);
        return [];
      }
      const items: TransactItems = [
        {
          Update: {
            TableName: this.tableName,
            Key: { pk: reservationKey(orderId) },
            UpdateExpression: 'SET #s = :to, updatedAt = :now',
            ConditionExpression: '#s = :from',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':to': to, ':from': 'RESERVED', ':now': this.now().toISOString() },
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
        return current.lines;
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
