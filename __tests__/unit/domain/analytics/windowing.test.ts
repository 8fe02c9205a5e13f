import {
  BUCKET_MS,
  DEFAULT_WINDOWING,
  type IngestInput,
  ingest,
  type MinuteBucket,
  placedOrderOf,
  viewsBetween,
  windowMetrics,
  type WindowState,
} from '../../../../src/domain/analytics';
import type { OrderEventEnvelope } from '../../../../src/domain/orders';
import { at, cancelled, confirmed, declined, authorized, placed, T0 } from './fixtures';

const EMPTY: WindowState = { watermark: null, buckets: new Map() };

/** Feeds envelopes as the consumer does, remembering each order's OrderPlaced for its terminal event. */
const feed = (
  envelopes: readonly OrderEventEnvelope[],
  state: WindowState = EMPTY,
  config = DEFAULT_WINDOWING,
) => {
  const orders = new Map(
    envelopes.flatMap((e) => {
      const p = placedOrderOf(e);
      return p ? [[p.orderId, p] as const] : [];
    }),
  );
  const inputs: IngestInput[] = envelopes.map((envelope) => ({
    envelope,
    placed: orders.get(envelope.metadata.orderId),
  }));
  return ingest(state, inputs, config);
};

const bucket = (state: WindowState, minute: number): MinuteBucket | undefined =>
  state.buckets.get(at(minute));

describe('event-time windowed metrics', () => {
  it('counts placed, confirmed, cancelled by reason, revenue per currency, top SKUs and durations per minute', () => {
    const { state, outcome } = feed([
      placed('o1', at(0, 5), { total: 2500, currency: 'USD', sku: 'SKU-A', quantity: 5 }),
      placed('o2', at(0, 10), { total: 700, currency: 'EUR', sku: 'SKU-B', quantity: 1 }),
      placed('o3', at(0, 20), { total: 300, currency: 'USD', sku: 'SKU-B', quantity: 2 }),
      confirmed('o1', at(0, 35)),
      confirmed('o2', at(0, 50)),
      cancelled('o3', at(0, 40), 'PAYMENT_DECLINED'),
    ]);
    expect(outcome).toEqual({ applied: 6, late: 0, duplicates: 0 });
    const view = windowMetrics('1m', at(1), state.buckets, DEFAULT_WINDOWING);
    expect(view).toMatchObject({
      start: T0,
      end: at(1),
      placed: 3,
      confirmed: 2,
      cancelled: { total: 1, byReason: { PAYMENT_DECLINED: 1 } },
      revenue: { USD: 2500, EUR: 700 },
      topSkus: [
        { sku: 'SKU-A', quantity: 5 },
        { sku: 'SKU-B', quantity: 3 },
      ],
      late: 0,
    });
    expect(view.conversion).toBeCloseTo(2 / 3);
    // Durations 30 s, 40 s, 20 s: p50 is 30 s, p99 the 40 s one (HDR precision: 2 significant digits).
    expect(view.sagaDuration.count).toBe(3);
    expect(view.sagaDuration.p50Ms).toBeGreaterThanOrEqual(29_700);
    expect(view.sagaDuration.p50Ms).toBeLessThanOrEqual(30_300);
    expect(view.sagaDuration.p99Ms).toBeGreaterThanOrEqual(39_600);
    expect(view.sagaDuration.p99Ms).toBeLessThanOrEqual(40_400);
  });

  it('computes the decline rate from authorizations and declines, null with no attempts', () => {
    const { state } = feed([authorized('a', at(0, 1)), declined('b', at(0, 2)), declined('c', at(0, 3))]);
    expect(windowMetrics('1m', at(1), state.buckets, DEFAULT_WINDOWING).payments).toEqual({
      authorized: 1,
      declined: 2,
      declineRate: 2 / 3,
    });
    expect(windowMetrics('1m', at(2), state.buckets, DEFAULT_WINDOWING).payments.declineRate).toBeNull();
    expect(windowMetrics('1m', at(2), state.buckets, DEFAULT_WINDOWING).conversion).toBeNull();
  });

  it('derives the sliding 5- and 15-minute views from the 1-minute buckets', () => {
    const { state } = feed(Array.from({ length: 20 }, (_, m) => placed(`o${m}`, at(m, 30))));
    const fives = viewsBetween('5m', at(4), at(7), state.buckets, DEFAULT_WINDOWING);
    expect(fives.map((v) => [v.start, v.end, v.placed])).toEqual([
      [at(0), at(5), 5],
      [at(1), at(6), 5],
      [at(2), at(7), 5],
    ]);
    const [fifteen] = viewsBetween('15m', at(14), at(15), state.buckets, DEFAULT_WINDOWING);
    expect(fifteen).toMatchObject({ start: at(0), end: at(15), placed: 15 });
    // The first 5-minute window that starts before any data only sums what exists.
    expect(viewsBetween('5m', at(0), at(1), state.buckets, DEFAULT_WINDOWING)[0]).toMatchObject({
      placed: 1,
    });
  });

  it('puts an out-of-order event within the allowed lateness into its own window', () => {
    const { state, outcome } = feed([
      placed('o1', at(3, 0)),
      placed('o2', at(1, 30)), // 90 s behind the watermark, inside the 2 minute lateness
    ]);
    expect(outcome).toEqual({ applied: 2, late: 0, duplicates: 0 });
    expect(bucket(state, 1)?.placed).toBe(1);
    expect(bucket(state, 3)?.placed).toBe(1);
    expect(state.watermark).toBe(at(3, 0));
  });

  it('counts an event whose window closed as late in that window, without counting it in the metrics', () => {
    const { state, outcome } = feed([
      placed('o1', at(0, 10)),
      placed('o2', at(3, 0)), // watermark 12:03:00 ≥ end of 12:00 bucket + 2 min: it is closed
      placed('o3', at(0, 50)),
    ]);
    expect(outcome).toEqual({ applied: 2, late: 1, duplicates: 0 });
    expect(bucket(state, 0)).toMatchObject({ placed: 1, late: 1 });
    expect(windowMetrics('1m', at(1), state.buckets, DEFAULT_WINDOWING)).toMatchObject({
      placed: 1,
      late: 1,
    });
  });

  it('takes the allowed lateness from configuration', () => {
    const events = [placed('o1', at(10)), placed('o2', at(5, 30))];
    expect(feed(events, EMPTY, { ...DEFAULT_WINDOWING, allowedLatenessMs: 0 }).outcome.late).toBe(1);
    expect(feed(events, EMPTY, { ...DEFAULT_WINDOWING, allowedLatenessMs: 10 * 60_000 }).outcome.late).toBe(
      0,
    );
  });

  it('counts a redelivered event once, in the same batch and in a later one, and a redelivered late event once', () => {
    const first = placed('o1', at(0, 10));
    const second = confirmed('o1', at(0, 40));
    const lateOne = placed('o9', at(0, 20));
    const once = feed([first, second, first]);
    expect(once.outcome).toEqual({ applied: 2, late: 0, duplicates: 1 });
    const advanced = feed([placed('o2', at(5))], once.state);
    const again = feed([first, second, lateOne, lateOne], advanced.state);
    expect(again.outcome).toEqual({ applied: 0, late: 1, duplicates: 3 });
    expect(bucket(again.state, 0)).toMatchObject({
      placed: 1,
      confirmed: 1,
      revenue: { USD: 1000 },
      late: 1,
    });
    expect(again.changed).toEqual([at(0)]);
  });

  it('counts a terminal event whose OrderPlaced it never saw, without revenue or duration', () => {
    const { state } = ingest(EMPTY, [{ envelope: confirmed('ghost', at(0, 5)) }], DEFAULT_WINDOWING);
    expect(bucket(state, 0)).toMatchObject({ confirmed: 1, revenue: {}, terminalWithoutPlaced: 1 });
  });

  it('never moves the watermark back, and reports only the buckets that changed', () => {
    const result = feed([placed('o1', at(4)), placed('o2', at(3))]);
    expect(result.state.watermark).toBe(at(4));
    expect(result.changed).toEqual([at(3), at(4)]);
    expect(BUCKET_MS).toBe(60_000);
  });
});
