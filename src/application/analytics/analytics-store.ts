import type { MinuteBucket, PlacedOrder } from '../../domain/analytics';

/** How far one partition's events have been counted: the next offset to take and the watermark. */
export interface PartitionCursor {
  readonly nextOffset: number;
  readonly watermark: number | null;
  /** The partition's recently counted envelope ids (domain RecentIds, encoded): a relay's repeats. */
  readonly recent?: string;
  /** Bumped by every commit; a commit names the version it read, so two writers cannot both win. */
  readonly version: number;
}

/** One partition's share of a minute bucket: each partition's consumer writes only its own shares. */
export interface BucketShare {
  readonly partition: string;
  readonly bucket: MinuteBucket;
}

/** Another invocation committed this partition first: the batch is taken again from the new cursor. */
export class AnalyticsCursorMoved extends Error {
  override readonly name = 'AnalyticsCursorMoved';
}

/** The port the analytics consumer and the metrics query use; DynamoDB implements it. */
export interface AnalyticsStore {
  cursor(partition: string): Promise<PartitionCursor | undefined>;
  buckets(partition: string, starts: readonly number[]): Promise<Map<number, MinuteBucket>>;
  placedOrders(orderIds: readonly string[]): Promise<Map<string, PlacedOrder>>;
  /** Idempotent: an order's OrderPlaced summary, kept while its saga may still end. */
  rememberPlaced(orders: readonly PlacedOrder[]): Promise<void>;
  /**
   * Writes the changed bucket shares and the new cursor at once, if the cursor is still at `readVersion`;
   * throws AnalyticsCursorMoved otherwise.
   */
  commit(
    partition: string,
    buckets: readonly MinuteBucket[],
    cursor: PartitionCursor,
    readVersion: number,
  ): Promise<void>;
  /** Every partition's shares of the buckets starting in [fromStart, toStart). */
  shares(fromStart: number, toStart: number): Promise<BucketShare[]>;
}
