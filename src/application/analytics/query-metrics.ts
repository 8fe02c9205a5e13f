import {
  BUCKET_MS,
  bucketStartOf,
  firstBucketNeeded,
  mergeCounts,
  viewsBetween,
  type MinuteBucket,
  type WindowingConfig,
  type WindowMetrics,
  type WindowName,
} from '../../domain/analytics';
import type { AnalyticsStore } from './analytics-store';

/** The window views whose ends fall in (from, to], from every partition's shares of their buckets. */
export async function queryMetrics(
  store: AnalyticsStore,
  window: WindowName,
  fromMs: number,
  toMs: number,
  config: WindowingConfig,
): Promise<WindowMetrics[]> {
  const shares = await store.shares(firstBucketNeeded(window, fromMs), bucketStartOf(toMs - 1) + BUCKET_MS);
  const byStart = new Map<number, MinuteBucket[]>();
  for (const { bucket } of shares) byStart.set(bucket.start, [...(byStart.get(bucket.start) ?? []), bucket]);
  const merged = new Map<number, MinuteBucket>(
    [...byStart].map(([start, parts]) => [start, { ...mergeCounts(parts), start }]),
  );
  return viewsBetween(window, fromMs, toMs, merged, config);
}
