import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { BUCKET_MS, type MinuteBucket, type PlacedOrder } from '../../domain/analytics';
import {
  AnalyticsCursorMoved,
  type AnalyticsStore,
  type BucketShare,
  type PartitionCursor,
} from '../../application/analytics/analytics-store';
import type { ReplayStore } from '../../application/analytics/replay-views';

/** Buckets are kept 30 days (the table's TTL then deletes them); an order's summary while its saga may run. */
const BUCKET_TTL_SECONDS = 30 * 24 * 3600;
const PLACED_TTL_SECONDS = 2 * 24 * 3600;
const DAY_MS = 24 * 3600_000;

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const bucketKey = (partition: string, start: number) => ({
  pk: `bucket#${dayOf(start)}`,
  sk: `${new Date(start).toISOString()}#${partition}`,
});
const cursorKey = (partition: string) => ({ pk: 'cursor', sk: partition });
const placedKey = (orderId: string) => ({ pk: `placed#${orderId}`, sk: 'placed' });
const epochSeconds = (ms: number) => Math.floor(ms / 1000);

const cursorOf = (item: Record<string, unknown>): PartitionCursor => ({
  nextOffset: item.nextOffset as number,
  watermark: (item.watermark as number | undefined) ?? null,
  // Cursors written before the recent ids were kept have none.
  recent: (item.recent as string | undefined) ?? '',
  version: item.version as number,
});

interface BucketItem {
  readonly sk: string;
  readonly bucket: string;
}

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * The analytics table: minute-bucket shares (`bucket#<day>` / `<minute>#<topic-partition>`, the bucket as
 * JSON), one cursor per partition, and the OrderPlaced summaries terminal events need. Old items expire
 * through the table's TTL attribute `expiresAt`.
 */
export class DynamoAnalyticsStore implements AnalyticsStore, ReplayStore {
  /**
   * OrderPlaced summaries this store wrote or read, newest last. A summary never changes once an order is
   * placed, so a warm consumer answers an order's terminal event from here when it saw its OrderPlaced
   * (an order's events share a partition), and reads the table only for the rest.
   */
  private readonly knownPlaced = new Map<string, PlacedOrder>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Summaries kept in memory at most (about 200 bytes each). */
    private readonly knownPlacedLimit = 50_000,
  ) {}

  private keepPlaced(placed: PlacedOrder): void {
    this.knownPlaced.delete(placed.orderId);
    this.knownPlaced.set(placed.orderId, placed);
    // A Map iterates in insertion order: the first key is the one kept longest.
    const oldest = this.knownPlaced.keys().next();
    if (this.knownPlaced.size > this.knownPlacedLimit && !oldest.done) this.knownPlaced.delete(oldest.value);
  }

  async cursor(partition: string): Promise<PartitionCursor | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: cursorKey(partition), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return cursorOf(Item);
  }

  async buckets(partition: string, starts: readonly number[]): Promise<Map<number, MinuteBucket>> {
    const items = await this.batchGet(starts.map((start) => bucketKey(partition, start)));
    return new Map(
      items.map((item) => {
        const bucket = JSON.parse((item as unknown as BucketItem).bucket) as MinuteBucket;
        return [bucket.start, bucket];
      }),
    );
  }

  async placedOrders(orderIds: readonly string[]): Promise<Map<string, PlacedOrder>> {
    const found = new Map<string, PlacedOrder>();
    const unknown: string[] = [];
    for (const orderId of orderIds) {
      const known = this.knownPlaced.get(orderId);
      if (known) found.set(orderId, known);
      else unknown.push(orderId);
    }
    for (const item of await this.batchGet(unknown.map(placedKey))) {
      const placed = item.placed as PlacedOrder;
      found.set(item.orderId as string, placed);
      this.keepPlaced(placed);
    }
    return found;
  }

  async rememberPlaced(orders: readonly PlacedOrder[]): Promise<void> {
    const expiresAt = epochSeconds(Date.now()) + PLACED_TTL_SECONDS;
    for (const placed of orders) this.keepPlaced(placed);
    // The batches are independent puts: sent together, a large batch of records waits for one round trip.
    await Promise.all(
      chunks(orders, 25).map(async (chunk) => {
        let requests: Record<string, unknown>[] = chunk.map((placed) => ({
          PutRequest: { Item: { ...placedKey(placed.orderId), orderId: placed.orderId, placed, expiresAt } },
        }));
        while (requests.length > 0) {
          const { UnprocessedItems } = await this.client.send(
            new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
          );
          requests = (UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
        }
      }),
    );
  }

  async commit(
    partition: string,
    buckets: readonly MinuteBucket[],
    cursor: PartitionCursor,
    readVersion: number,
  ): Promise<void> {
    await this.withCursor(
      partition,
      cursor,
      readVersion,
      buckets.map((bucket) => ({
        Put: {
          TableName: this.tableName,
          Item: {
            ...bucketKey(partition, bucket.start),
            bucket: JSON.stringify(bucket),
            expiresAt: epochSeconds(bucket.start) + BUCKET_TTL_SECONDS,
          },
        },
      })),
    );
  }

  async shares(fromStart: number, toStart: number): Promise<BucketShare[]> {
    const shares: BucketShare[] = [];
    for (let day = Math.floor(fromStart / DAY_MS) * DAY_MS; day < toStart; day += DAY_MS) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: {
              ':pk': `bucket#${dayOf(day)}`,
              ':from': new Date(fromStart).toISOString(),
              // Shares of the last minute before toStart sort below the next minute's ISO prefix.
              ':to': new Date(toStart - BUCKET_MS).toISOString() + '#~',
            },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of (page.Items ?? []) as BucketItem[]) {
          shares.push({
            partition: item.sk.slice(item.sk.indexOf('#') + 1),
            bucket: JSON.parse(item.bucket) as MinuteBucket,
          });
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }
    return shares;
  }

  /** Replay: every partition's cursor (one small partition of the table). */
  async cursors(): Promise<Map<string, PartitionCursor>> {
    const cursors = new Map<string, PartitionCursor>();
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'cursor' },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        cursors.set(item.sk as string, cursorOf(item));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return cursors;
  }

  /**
   * Replay: deletes the partition's shares of these buckets (their counts) and writes
   * its cursor in one transaction, on the same condition as `commit`, so a consumer's commit that read
   * the partition before fails and is taken again.
   */
  async resetShares(
    partition: string,
    starts: readonly number[],
    cursor: PartitionCursor,
    readVersion: number,
  ): Promise<void> {
    await this.withCursor(
      partition,
      cursor,
      readVersion,
      starts.map((start) => ({
        Delete: { TableName: this.tableName, Key: bucketKey(partition, start) },
      })),
    );
  }

  private async batchGet(keys: readonly Record<string, string>[]): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    await Promise.all(
      chunks(keys, 100).map(async (chunk) => {
        let pending: Record<string, unknown>[] = chunk;
        while (pending.length > 0) {
          const { Responses, UnprocessedKeys } = await this.client.send(
            new BatchGetCommand({
              RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
            }),
          );
          found.push(...(Responses?.[this.tableName] ?? []));
          pending = (UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
        }
      }),
    );
    return found;
  }

  /** Writes `items` and the partition's cursor in one transaction, if the cursor is still at `readVersion`. */
  private async withCursor(
    partition: string,
    cursor: PartitionCursor,
    readVersion: number,
    items: readonly Record<string, unknown>[],
  ): Promise<void> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            ...items,
            {
              Put: {
                TableName: this.tableName,
                Item: { ...cursorKey(partition), ...cursor },
                ConditionExpression: 'attribute_not_exists(pk) OR version = :read',
                ExpressionAttributeValues: { ':read': readVersion },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        throw new AnalyticsCursorMoved(`partition ${partition} was committed past version ${readVersion}`);
      }
      throw error;
    }
  }
}
