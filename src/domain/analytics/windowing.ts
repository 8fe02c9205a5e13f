import type { OrderEventEnvelope } from '../orders/order-envelopes';
import { BUCKET_MS, bucketStartOf, type WindowingConfig } from './config';
import { BucketDraft, EMPTY_COUNTS, type MinuteBucket, type PlacedOrder } from './minute-bucket';
import { RecentIds } from './recent-ids';

/*
 * Event-time windowing of one stream of events (in the consumer: one Kafka partition, whose events
 * arrive in offset order; order events are keyed by order id, so an order's events share a partition).
 * The watermark is the latest event time seen. A bucket closes when the watermark passes its end plus
 * the allowed lateness (the usual stream-processing rule, at bucket granularity so a closed bucket
 * never changes again except for its late counter); an event whose bucket is closed is late.
 */

export interface WindowState {
  /** Latest event time seen (epoch ms), null before the first event. Never moves back. */
  readonly watermark: number | null;
  /** The buckets the events being ingested fall in; a missing bucket is taken as empty. */
  readonly buckets: ReadonlyMap<number, MinuteBucket>;
  /** The stream's recently counted envelope ids (RecentIds, encoded); none when absent. */
  readonly recent?: string;
}

export interface IngestInput {
  readonly envelope: OrderEventEnvelope;
  /** The order's OrderPlaced, if the consumer has seen it (needed by terminal events). */
  readonly placed?: PlacedOrder;
}

export interface IngestOutcome {
  readonly applied: number;
  readonly late: number;
  readonly duplicates: number;
}

export interface IngestResult {
  readonly state: WindowState;
  /** Starts of the buckets that changed, the ones to write. */
  readonly changed: readonly number[];
  readonly outcome: IngestOutcome;
}

export const isBucketClosed = (
  bucketStart: number,
  watermark: number | null,
  config: WindowingConfig,
): boolean => watermark !== null && watermark >= bucketStart + BUCKET_MS + config.allowedLatenessMs;

export const eventTimeOf = (envelope: OrderEventEnvelope): number => Date.parse(envelope.metadata.occurredAt);

/** Bucket starts an ingest of these events touches: what to load before calling `ingest`. */
export const bucketsTouchedBy = (envelopes: readonly OrderEventEnvelope[]): number[] => [
  ...new Set(envelopes.map((e) => bucketStartOf(eventTimeOf(e)))),
];

export const ingest = (
  state: WindowState,
  inputs: readonly IngestInput[],
  config: WindowingConfig,
): IngestResult => {
  const drafts = new Map<number, BucketDraft>();
  const recent = new RecentIds(state.recent ?? '');
  let watermark = state.watermark;
  const outcome = { applied: 0, late: 0, duplicates: 0 };
  for (const { envelope, placed } of inputs) {
    if (!recent.add(envelope.metadata.eventId)) {
      outcome.duplicates += 1;
      continue;
    }
    const at = eventTimeOf(envelope);
    const start = bucketStartOf(at);
    let draft = drafts.get(start);
    if (!draft) {
      draft = new BucketDraft(start, state.buckets.get(start) ?? EMPTY_COUNTS);
      drafts.set(start, draft);
    }
    outcome[draft.apply(envelope, placed, isBucketClosed(start, watermark, config))] += 1;
    watermark = watermark === null ? at : Math.max(watermark, at);
  }
  const buckets = new Map(state.buckets);
  const changed: number[] = [];
  // A draft exists only for a bucket an event was added to: every one of them changed.
  for (const [start, draft] of drafts) {
    buckets.set(start, draft.toBucket());
    changed.push(start);
  }
  return {
    state: { watermark, buckets, recent: recent.encode() },
    changed: changed.sort((a, b) => a - b),
    outcome,
  };
};
