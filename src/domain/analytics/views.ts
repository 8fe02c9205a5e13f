import { BUCKET_MS, bucketStartOf, type WindowingConfig } from './config';
import { type DurationPercentiles, percentilesOf } from './duration-sketch';
import { mergeCounts, type MinuteBucket } from './minute-bucket';

/** The views served: the 1-minute tumbling buckets, and 5- and 15-minute windows sliding by a minute. */
export const WINDOWS = { '1m': 1, '5m': 5, '15m': 15 } as const;
export type WindowName = keyof typeof WINDOWS;

export interface WindowMetrics {
  readonly window: WindowName;
  /** Epoch ms; the window covers [start, end). */
  readonly start: number;
  readonly end: number;
  readonly placed: number;
  readonly confirmed: number;
  readonly cancelled: { readonly total: number; readonly byReason: Readonly<Record<string, number>> };
  /** Confirmed ÷ placed in the window; null when nothing was placed. */
  readonly conversion: number | null;
  readonly revenue: Readonly<Record<string, number>>;
  readonly topSkus: readonly { readonly sku: string; readonly quantity: number }[];
  readonly sagaDuration: DurationPercentiles;
  readonly payments: {
    readonly authorized: number;
    readonly declined: number;
    readonly declineRate: number | null;
  };
  readonly reviewsRequested: number;
  readonly terminalWithoutPlaced: number;
  readonly late: number;
}

const ratio = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : numerator / denominator;

/** Highest quantity first; ties by SKU so the list is stable. */
const topSkus = (quantities: Readonly<Record<string, number>>, n: number) =>
  Object.entries(quantities)
    .sort(([skuA, a], [skuB, b]) => b - a || skuA.localeCompare(skuB))
    .slice(0, n)
    .map(([sku, quantity]) => ({ sku, quantity }));

/** The metrics of one window [start, start + minutes) from whichever of its buckets exist. */
export const windowMetrics = (
  window: WindowName,
  end: number,
  buckets: ReadonlyMap<number, MinuteBucket>,
  config: WindowingConfig,
): WindowMetrics => {
  const minutes = WINDOWS[window];
  const start = end - minutes * BUCKET_MS;
  const inWindow: MinuteBucket[] = [];
  for (let at = start; at < end; at += BUCKET_MS) {
    const bucket = buckets.get(at);
    if (bucket) inWindow.push(bucket);
  }
  const counts = mergeCounts(inWindow);
  const cancelledTotal = Object.values(counts.cancelledByReason).reduce((sum, n) => sum + n, 0);
  const attempts = counts.paymentsAuthorized + counts.paymentsDeclined;
  return {
    window,
    start,
    end,
    placed: counts.placed,
    confirmed: counts.confirmed,
    cancelled: { total: cancelledTotal, byReason: counts.cancelledByReason },
    conversion: ratio(counts.confirmed, counts.placed),
    revenue: counts.revenue,
    topSkus: topSkus(counts.skuQuantities, config.topSkuCount),
    sagaDuration: percentilesOf(counts.sagaDurations),
    payments: {
      authorized: counts.paymentsAuthorized,
      declined: counts.paymentsDeclined,
      declineRate: ratio(counts.paymentsDeclined, attempts),
    },
    reviewsRequested: counts.reviewsRequested,
    terminalWithoutPlaced: counts.terminalWithoutPlaced,
    late: counts.late,
  };
};

/**
 * One view per minute whose window ends in (from, to]: for `5m`, the five minutes up to each minute
 * boundary. The buckets must cover [from − window, to).
 */
export const viewsBetween = (
  window: WindowName,
  fromMs: number,
  toMs: number,
  buckets: ReadonlyMap<number, MinuteBucket>,
  config: WindowingConfig,
): WindowMetrics[] => {
  const views: WindowMetrics[] = [];
  for (
    let end = bucketStartOf(fromMs) + BUCKET_MS;
    end <= bucketStartOf(toMs - 1) + BUCKET_MS;
    end += BUCKET_MS
  ) {
    views.push(windowMetrics(window, end, buckets, config));
  }
  return views;
};

/** First bucket start a query for these views needs. */
export const firstBucketNeeded = (window: WindowName, fromMs: number): number =>
  bucketStartOf(fromMs) + BUCKET_MS - WINDOWS[window] * BUCKET_MS;
