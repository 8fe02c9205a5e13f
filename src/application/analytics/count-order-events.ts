import {
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

/** A DynamoDB transaction holds 100 items: the shares a chunk changes (at most one per record) and the cursor. */
const RECORDS_PER_COMMIT = 90;

/**
 * Counts one partition's records into its minute buckets, exactly once: offsets below the partition's
 * cursor were counted before and are passed over, each bucket remembers the envelope ids it holds (a
 * producer's retry puts the same event at a new offset), and buckets and cursor change in one write.
 */
export async function countOrderEvents(
  store: AnalyticsStore,
  partition: string,
  records: readonly PartitionRecord[],
  config: WindowingConfig,
): Promise<CountOutcome> {
  const total = { applied: 0, late: 0, duplicates: 0, alreadyCounted: 0 };
  for (let start = 0; start < records.length; start += RECORDS_PER_COMMIT) {
    const chunk = records.slice(start, start + RECORDS_PER_COMMIT);
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
      { nextOffset: last.offset + 1, watermark: result.state.watermark, version: cursor.version + 1 },
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
  await store.rememberPlaced(here);
  const known = new Map(here.map((placed) => [placed.orderId, placed]));
  const missing = [...new Set(envelopes.map((envelope) => envelope.metadata.orderId))].filter(
    (orderId) => !known.has(orderId),
  );
  for (const [orderId, placed] of await store.placedOrders(missing)) known.set(orderId, placed);
  return known;
}
