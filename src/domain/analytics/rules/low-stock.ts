import { eventOf } from '../../orders/order-envelopes';
import type { OrderEventEnvelope } from '../../orders/order-envelopes';
import { type Condition, eventTime, type Rule, type TimedEntry } from './rule';

/**
 * A SKU's available stock below its threshold. The order stream reports stock in InventoryReserved and
 * InventoryReleased (`available` per line: the SKU's stock read just after the change); the latest
 * report by event time decides. A restock (PUT /inventory/{sku}) is not an order event, so an alert
 * clears on the SKU's next reservation or release that reports it at or above the threshold.
 */
export interface LowStockConfig {
  /** Available stock below this is low, for every SKU without an override. */
  readonly threshold: number;
  /** Per-SKU thresholds (upper-case SKU as on the order). 0 never alerts for that SKU. */
  readonly thresholds: Readonly<Record<string, number>>;
  /**
   * A SKU whose latest report is at or above its threshold is forgotten once that report is this much
   * older than the clock; reports older than this are ignored, so a redelivered or late report of a
   * forgotten SKU cannot bring it back.
   */
  readonly retentionMs: number;
  /** At most this many SKUs are kept; beyond it, those not low go first, oldest report first. */
  readonly maxSkus: number;
}

interface Report extends TimedEntry {
  readonly available: number;
}

/** The latest reports of one SKU, oldest first (by event time, then event id), at most MAX_REPORTS. */
export type LowStockState = Readonly<Record<string, readonly Report[]>>;

/** Reports kept per SKU: the evidence of a SKU that stays low is its latest MAX_REPORTS reports. */
export const MAX_REPORTS = 20;

export const thresholdOf = (sku: string, config: LowStockConfig): number =>
  config.thresholds[sku] ?? config.threshold;

const before = (a: Report, b: Report): number =>
  a.at - b.at || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

/** The stock reports an event carries: its lines with `available` (older events have none). */
const reportsOf = (envelope: OrderEventEnvelope): { sku: string; report: Report }[] => {
  const event = eventOf(envelope);
  const lines =
    event.type === 'InventoryReserved'
      ? event.data.reservations
      : event.type === 'InventoryReleased'
        ? event.data.released
        : [];
  const { eventId } = envelope.metadata;
  const at = eventTime(envelope);
  return lines.flatMap(({ sku, available }) =>
    available === undefined ? [] : [{ sku, report: { eventId, at, available } }],
  );
};

/** Adds a report unless its event id is there (redelivery), in order, keeping the latest MAX_REPORTS. */
const addReport = (reports: readonly Report[], report: Report): readonly Report[] =>
  reports.some((r) => r.eventId === report.eventId)
    ? reports
    : [...reports, report].sort(before).slice(-MAX_REPORTS);

const latestOf = (reports: readonly Report[]): Report | undefined => reports[reports.length - 1];

const isLow = (sku: string, reports: readonly Report[], config: LowStockConfig): boolean => {
  const latest = latestOf(reports);
  return latest !== undefined && latest.available < thresholdOf(sku, config);
};

/** Drops SKUs no longer low whose latest report is past retention, then caps the number of SKUs. */
const bounded = (state: LowStockState, now: number, config: LowStockConfig): LowStockState => {
  const kept = Object.entries(state).filter(
    ([sku, reports]) =>
      isLow(sku, reports, config) || (latestOf(reports)?.at ?? 0) > now - config.retentionMs,
  );
  if (kept.length <= config.maxSkus) return Object.fromEntries(kept);
  const byKeepFirst = kept.sort(([skuA, a], [skuB, b]) => {
    const lowFirst = Number(isLow(skuB, b, config)) - Number(isLow(skuA, a, config));
    return lowFirst || (latestOf(b)?.at ?? 0) - (latestOf(a)?.at ?? 0);
  });
  return Object.fromEntries(byKeepFirst.slice(0, config.maxSkus));
};

/** The reports since the SKU last was at or above its threshold: what brought and keeps it low. */
const lowRun = (sku: string, reports: readonly Report[], config: LowStockConfig): readonly Report[] => {
  const threshold = thresholdOf(sku, config);
  const lastOk = reports.map((r) => r.available >= threshold).lastIndexOf(true);
  return reports.slice(lastOk + 1);
};

export const lowStock: Rule<LowStockConfig, LowStockState> = {
  id: 'low-stock',
  name: 'Low stock',
  severity: 'warning',
  config: { threshold: 5, thresholds: {}, retentionMs: 24 * 60 * 60_000, maxSkus: 10_000 },
  initial: {},
  step(state, input, config) {
    if (input.kind !== 'event') return bounded(state, input.now, config);
    const next: Record<string, readonly Report[]> = { ...state };
    for (const { sku, report } of reportsOf(input.envelope)) {
      // Too late to tell: the SKU may have been forgotten since, and this report is not its latest.
      if (report.at <= input.now - config.retentionMs) continue;
      next[sku] = addReport(next[sku] ?? [], report);
    }
    return bounded(next, input.now, config);
  },
  conditions: (state, _now, config): Condition[] =>
    Object.entries(state).flatMap(([sku, reports]) => {
      const latest = latestOf(reports);
      if (latest === undefined) return [];
      const threshold = thresholdOf(sku, config);
      const holds = latest.available < threshold;
      const run = holds ? lowRun(sku, reports, config) : [];
      return [
        {
          subject: sku,
          holds,
          evidence: run.map((r) => r.eventId),
          windowStart: run[0]?.at ?? latest.at,
          windowEnd: latest.at,
          summary: `${sku}: ${latest.available} available, ${holds ? 'below' : 'at or above'} its threshold of ${threshold}`,
        },
      ];
    }),
};
