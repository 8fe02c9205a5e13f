import {
  bucketStartOf,
  bucketsTouchedBy,
  ingest,
  placedOrderOf,
  type IngestOutcome,
  type PlacedOrder,
  type WindowingConfig,
} from '../../domain/analytics';
import type { OrderEventEnvelope } from '../../domain/orders/order-envelopes';
import type { AnalyticsStore } from './analytics-store';

export interface PartitionRecord {
  readonly offset: number;
  readonly envelope: OrderEventEnvelope;
}

export interface CountOutcome extends IngestOutcome {
  /** Records at offsets already counted (a redelivered batch). */
  readonly alreadyCounted: number;
}

/** A DynamoDB transaction holds 100 items: the bucket shares a chunk changes and the cursor. */
const BUCKETS_PER_COMMIT = 99;

/**
 * The records split into chunks that each touch at most BUCKETS_PER_COMMIT minute buckets: a batch of a
 * live stream spans a minute or two, so it is usually one chunk and one transaction, however many records.
 */
export function chunksByBucket(records: readonly PartitionRecord[]): PartitionRecord[][] {
  const chunks: PartitionRecord[][] = [];
  let current: PartitionRecord[] = [];
  let buckets = new Set<number>();
  for (const record of records) {
    const bucket = bucketStartOf(Date.parse(record.envelope.metadata.occurredAt));
    if (!buckets.has(bucket) && buckets.size === BUCKETS_PER_COMMIT) {
      chunks.push(current);
      current = [];
      buckets = new Set();
    }
    buckets.add(bucket);
    current.push(record);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Counts one partition's records into its minute buckets, exactly once: offsets below the partition's
 * cursor were counted before and are passed over, the cursor remembers the partition's recent envelope
 * ids (a relay's retry puts the same event at a new offset), and buckets and cursor change in one write.
 */
export async function countOrderEvents(
  store: AnalyticsStore,
  partition: string,
  records: readonly PartitionRecord[],
  config: WindowingConfig,
): Promise<CountOutcome> {
  const total = { applied: 0, late: 0, duplicates: 0, alreadyCounted: 0 };
  for (const chunk of chunksByBucket(records)) {
    const cursor = (await store.cursor(partition)) ?? { nextOffset: 0, watermark: null, version: 0 };
    const fresh = chunk.filter((record) => record.offset >= cursor.nextOffset);
    total.alreadyCounted += chunk.length - fresh.length;
    const last = fresh[fresh.length - 1];
    if (!last) continue;
    const envelopes = fresh.map((record) => record.envelope);
    const placed = await placedFor(store, envelopes);
    const result = ingest(
      {
        watermark: cursor.watermark,
        recent: cursor.recent ?? '',
        buckets: await store.buckets(partition, bucketsTouchedBy(envelopes)),
      },
      envelopes.map((envelope) => ({ envelope, placed: placed.get(envelope.metadata.orderId) })),
      config,
    );
    await store.commit(
      partition,
      result.changed.flatMap((at) => {
        const bucket = result.state.buckets.get(at);
        return bucket ? [bucket] : [];
      }),
      {
        nextOffset: last.offset + 1,
        watermark: result.state.watermark,
        recent: result.state.recent ?? '',
        version: cursor.version + 1,
      },
      cursor.version,
    );
    total.applied += result.outcome.applied;
    total.late += result.outcome.late;
    total.duplicates += result.outcome.duplicates;
  }
  return total;
}

/** The OrderPlaced summaries the chunk's events need: its own, and those remembered from earlier batches. */
async function placedFor(
  store: AnalyticsStore,
  envelopes: readonly OrderEventEnvelope[],
): Promise<Map<string, PlacedOrder>> {
  const here = envelopes.flatMap((envelope) => {
    const placed = placedOrderOf(envelope);
    return placed ? [placed] : [];
  });
  const known = new Map(here.map((placed) => [placed.orderId, placed]));
  const missing = [...new Set(envelopes.map((envelope) => envelope.metadata.orderId))].filter(
    (orderId) => !known.has(orderId),
  );
  // Independent: the summaries looked up are of orders placed in earlier batches, not this one.
  const [, remembered] = await Promise.all([store.rememberPlaced(here), store.placedOrders(missing)]);
  for (const [orderId, placed] of remembered) known.set(orderId, placed);
  return known;
}
