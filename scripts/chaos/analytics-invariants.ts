/*
 * The analytics invariants of a chaos run, as pure functions over what the run read (the event store's
 * order streams, the served 1-minute views, the listed alerts), so that they can be tested to fail.
 *
 * - analytics counts: every 1-minute view GET /analytics/metrics serves for the run's minutes equals the
 *   view folded from the event store with the same domain functions the consumer uses (ingest into minute
 *   buckets, viewsBetween), as an ideal consumer would count it: every event once, on time. A double
 *   count (a redelivered or re-produced event counted again), a lost event or a late one shows as a
 *   difference in that minute.
 * - alerts once: each alert the run's seeded scenario must raise (rule + subject) is listed by
 *   GET /analytics/alerts under exactly one alertId (delivery is at least once, so listings are deduplicated
 *   by alertId as a subscriber does), and each it must not raise is not listed.
 */
import {
  bucketStartOf,
  DEFAULT_WINDOWING,
  eventTimeOf,
  ingest,
  placedOrderOf,
  viewsBetween,
  type MinuteBucket,
  type PlacedOrder,
  type WindowMetrics,
} from '../../src/domain/analytics';
import { eventOf, type OrderEventEnvelope } from '../../src/domain/orders/order-envelopes';
import type { Violation } from './invariants';

/** What GET /analytics/metrics serves per view (times as ISO strings). */
export type ServedView = Omit<WindowMetrics, 'start' | 'end'> & {
  readonly start: string;
  readonly end: string;
};

/**
 * The 1-minute views of [fromMs, toMs) folded from whole order streams: each event whose event time falls
 * in the range is ingested once, in event-time order, into its minute bucket, with its order's OrderPlaced
 * summary (from the stream, wherever it falls); nothing is late (an ideal consumer). The views are made by
 * viewsBetween, the function the API serves them with.
 */
export function foldMinuteViews(
  streams: Iterable<readonly OrderEventEnvelope[]>,
  fromMs: number,
  toMs: number,
  topSkuCount = DEFAULT_WINDOWING.topSkuCount,
): WindowMetrics[] {
  const fromStart = bucketStartOf(fromMs);
  const placed = new Map<string, PlacedOrder>();
  const inRange: OrderEventEnvelope[] = [];
  for (const stream of streams) {
    for (const envelope of stream) {
      const summary = placedOrderOf(envelope);
      if (summary) placed.set(summary.orderId, summary);
      const at = eventTimeOf(envelope);
      if (at >= fromStart && at < toMs) inRange.push(envelope);
    }
  }
  inRange.sort(
    (a, b) =>
      eventTimeOf(a) - eventTimeOf(b) ||
      a.metadata.orderId.localeCompare(b.metadata.orderId) ||
      a.metadata.version - b.metadata.version,
  );
  const config = { allowedLatenessMs: Number.POSITIVE_INFINITY, topSkuCount };
  const { state } = ingest(
    { watermark: null, buckets: new Map<number, MinuteBucket>() },
    inRange.map((envelope) => ({ envelope, placed: placed.get(envelope.metadata.orderId) })),
    config,
  );
  return viewsBetween('1m', fromStart, toMs, state.buckets, config);
}

/** The fields of a view a run's events determine uniquely, in a form that compares as JSON. */
export function comparableCounts(view: WindowMetrics | ServedView): Record<string, unknown> {
  const sorted = (record: Readonly<Record<string, number>>) =>
    Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
  return {
    placed: view.placed,
    confirmed: view.confirmed,
    cancelledByReason: sorted(view.cancelled.byReason),
    revenue: sorted(view.revenue),
    topSkus: view.topSkus,
    paymentsAuthorized: view.payments.authorized,
    paymentsDeclined: view.payments.declined,
    reviewsRequested: view.reviewsRequested,
    sagaDuration: view.sagaDuration,
    terminalWithoutPlaced: view.terminalWithoutPlaced,
    late: view.late,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
const minuteOf = (start: string) => start.slice(11, 16);

/**
 * One violation per minute whose served view differs from the fold, naming every differing field
 * (served ≠ fold). A minute the API does not serve at all is a violation too.
 */
export function checkMinuteCounts(
  folded: readonly WindowMetrics[],
  served: readonly ServedView[],
): Violation[] {
  const servedByStart = new Map(served.map((view) => [view.start, view]));
  const violations: Violation[] = [];
  for (const expected of folded) {
    const start = iso(expected.start);
    const view = servedByStart.get(start);
    if (!view) {
      violations.push({ invariant: 'analytics counts', detail: `minute ${start} is not served` });
      continue;
    }
    const want = comparableCounts(expected);
    const got = comparableCounts(view);
    const differing = Object.keys(want).filter(
      (key) => JSON.stringify(want[key]) !== JSON.stringify(got[key]),
    );
    if (differing.length === 0) continue;
    violations.push({
      invariant: 'analytics counts',
      detail: `minute ${minuteOf(start)}: ${differing
        .map((key) => `${key} ${JSON.stringify(got[key])} ≠ fold ${JSON.stringify(want[key])}`)
        .join(', ')}`,
    });
  }
  return violations;
}

/** An alert as GET /analytics/alerts lists it (the fields the invariant reads). */
export interface ListedAlert {
  readonly alertId: string;
  readonly ruleId: string;
  readonly subject: string;
  readonly window: { readonly start: string; readonly end: string };
  readonly raisedAt: string;
}

/** An alert the scenario must raise exactly once (`raised: true`) or must not raise (`raised: false`). */
export interface ExpectedAlert {
  readonly ruleId: string;
  readonly subject: string;
  readonly raised: boolean;
  /**
   * For a global subject (`payments`) other traffic also raises alerts about: only alerts whose window
   * starts in [from, to] and that were raised before `raisedBefore` are the scenario's.
   */
  readonly windowStart?: { readonly from: number; readonly to: number };
  readonly raisedBefore?: number;
  /** Why it is expected, for the report. */
  readonly because: string;
}

/** The distinct alertIds of the listing that are the expected alert's. */
export function alertIdsFor(expected: ExpectedAlert, listed: readonly ListedAlert[]): string[] {
  const ids = new Set<string>();
  for (const alert of listed) {
    if (alert.ruleId !== expected.ruleId || alert.subject !== expected.subject) continue;
    const start = Date.parse(alert.window.start);
    if (expected.windowStart && (start < expected.windowStart.from || start > expected.windowStart.to))
      continue;
    if (expected.raisedBefore !== undefined && Date.parse(alert.raisedAt) >= expected.raisedBefore) continue;
    ids.add(alert.alertId);
  }
  return [...ids];
}

export function checkExpectedAlerts(
  expected: readonly ExpectedAlert[],
  listed: readonly ListedAlert[],
): Violation[] {
  const violations: Violation[] = [];
  for (const alert of expected) {
    const ids = alertIdsFor(alert, listed);
    const want = alert.raised ? 1 : 0;
    if (ids.length === want) continue;
    violations.push({
      invariant: 'alerts once',
      detail: `${alert.ruleId} for ${alert.subject} (${alert.because}) raised ${ids.length} times, expected ${want}${
        ids.length > 0 ? `: ${ids.join(', ')}` : ''
      }`,
    });
  }
  return violations;
}

const isPaymentAttempt = (envelope: OrderEventEnvelope) => {
  const type = eventOf(envelope).type;
  return type === 'PaymentAuthorized' || type === 'PaymentDeclined';
};

/**
 * The decline-spike alert the scenario's burst of payment attempts must raise, or why it cannot be
 * expected: the rule is global, so any other payment attempt in the rule's window before the burst's
 * first one (another run, another test) changes whether and when it trips. The scenario's alert is the one
 * whose window starts at one of the burst's attempts and that was raised before the first attempt left
 * the rule's window (a later raise, once the chaos traffic around it moved the rate, is another alert).
 */
export function declineSpikeExpectation(
  streams: Iterable<readonly OrderEventEnvelope[]>,
  burstOrderIds: ReadonlySet<string>,
  windowMs: number,
): ExpectedAlert | { readonly skipped: string } {
  const burst: number[] = [];
  const others: number[] = [];
  for (const stream of streams) {
    for (const envelope of stream) {
      if (!isPaymentAttempt(envelope)) continue;
      (burstOrderIds.has(envelope.metadata.orderId) ? burst : others).push(eventTimeOf(envelope));
    }
  }
  if (burst.length === 0) return { skipped: 'the scenario made no payment attempt' };
  const first = Math.min(...burst);
  const last = Math.max(...burst);
  const before = others.filter((at) => at > first - windowMs && at <= last).length;
  if (before > 0) {
    return {
      skipped: `${before} other payment attempt(s) fell in the rule's window before the scenario's burst ended (the stack was not quiet)`,
    };
  }
  return {
    ruleId: 'decline-spike',
    subject: 'payments',
    raised: true,
    windowStart: { from: first, to: last },
    raisedBefore: first + windowMs,
    because: `the scenario's ${burst.length} payment attempts`,
  };
}
