import { eventOf } from '../../orders/order-envelopes';
import type { OrderEventEnvelope } from '../../orders/order-envelopes';
import { type Condition, dropEntries, eventTime, type Rule, type TimedEntry } from './rule';

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
export type LowStockState = Record<string, Report[]>;

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
const addReport = (reports: Report[], report: Report): void => {
  if (reports.some((r) => r.eventId === report.eventId)) return;
  reports.push(report);
  reports.sort(before);
  reports.splice(0, Math.max(0, reports.length - MAX_REPORTS));
};

const latestOf = (reports: readonly Report[]): Report | undefined => reports[reports.length - 1];

const isLow = (sku: string, reports: readonly Report[], config: LowStockConfig): boolean => {
  const latest = latestOf(reports);
  return latest !== undefined && latest.available < thresholdOf(sku, config);
};

/** Drops, in place, SKUs no longer low whose latest report is past retention, then caps the number of SKUs. */
const bound = (state: LowStockState, now: number, config: LowStockConfig): void => {
  const kept = Object.entries(state).filter(
    ([sku, reports]) =>
      isLow(sku, reports, config) || (latestOf(reports)?.at ?? 0) > now - config.retentionMs,
  );
  const capped =
    kept.length <= config.maxSkus
      ? kept
      : kept
          .sort(([skuA, a], [skuB, b]) => {
            const lowFirst = Number(isLow(skuB, b, config)) - Number(isLow(skuA, a, config));
            return lowFirst || (latestOf(b)?.at ?? 0) - (latestOf(a)?.at ?? 0);
          })
          .slice(0, config.maxSkus);
  const keep = new Set(capped.map(([sku]) => sku));
  dropEntries(state, (_reports, sku) => !keep.has(sku));
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
  observe(state, { envelope, now }, config) {
    for (const { sku, report } of reportsOf(envelope)) {
      // Too late to tell: the SKU may have been forgotten since, and this report is not its latest.
      if (report.at <= now - config.retentionMs) continue;
      addReport((state[sku] ??= []), report);
    }
  },
  forget: bound,
  conditions: (state, _now, config): Condition[] =>
    Object.entries(state).flatMap(([sku, reports]): Condition[] => {
      const latest = latestOf(reports);
      if (latest === undefined) return [];
      const threshold = thresholdOf(sku, config);
      if (latest.available >= threshold) return [{ subject: sku, holds: false }];
      const run = lowRun(sku, reports, config);
      return [
        {
          subject: sku,
          holds: true,
          evidence: run.map((r) => r.eventId),
          windowStart: run[0]?.at ?? latest.at,
          windowEnd: latest.at,
          summary: `${sku}: ${latest.available} available, below its threshold of ${threshold}`,
        },
      ];
    }),
};
