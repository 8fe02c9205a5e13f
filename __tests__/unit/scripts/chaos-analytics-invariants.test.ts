import {
  bucketStartOf,
  DEFAULT_WINDOWING,
  ingest,
  mergeCounts,
  placedOrderOf,
  viewsBetween,
  type MinuteBucket,
  type WindowState,
} from '../../../src/domain/analytics';
import { evaluate, initialCepState, ORDER_STREAM_RULES } from '../../../src/domain/analytics/rules';
import type { OrderEventEnvelope } from '../../../src/domain/orders';
import {
  DECLINE_WINDOW_MS,
  planAlertScenario,
  VELOCITY_MAX_ORDERS,
  velocityExpectations,
} from '../../../scripts/chaos/alert-scenario';
import {
  checkExpectedAlerts,
  checkMinuteCounts,
  declineSpikeExpectation,
  foldMinuteViews,
  type ListedAlert,
  type ServedView,
} from '../../../scripts/chaos/analytics-invariants';
import {
  at,
  authorized,
  cancelled,
  confirmed,
  declined,
  placed,
  reviewRequested,
} from '../domain/analytics/fixtures';

/** Three orders over two minutes: one confirmed, one declined and cancelled, one sent to review. */
const streams = (): OrderEventEnvelope[][] => [
  [placed('o1', at(0, 5), { sku: 'A', quantity: 2 }), authorized('o1', at(0, 10)), confirmed('o1', at(1, 2))],
  [
    placed('o2', at(0, 20), { sku: 'B' }),
    declined('o2', at(0, 30)),
    cancelled('o2', at(0, 31), 'PAYMENT_DECLINED'),
  ],
  [placed('o3', at(1, 40), { sku: 'A', total: 150_000 }), reviewRequested('o3', at(1, 41))],
];

const FROM = at(0);
const TO = at(2);

/**
 * What the API serves: the consumer's path, one ingest per partition (each with its own watermark and
 * the exactly-once `seen` ids), the partitions' shares merged per minute, viewsBetween. `partitionOf`
 * spreads the orders; `deliveries` are the records as they reached the partitions, duplicates included.
 */
function served(deliveries: readonly OrderEventEnvelope[], partitions = 2): ServedView[] {
  const placedById = new Map(
    deliveries.flatMap((e) => {
      const p = placedOrderOf(e);
      return p ? [[p.orderId, p] as const] : [];
    }),
  );
  const states: WindowState[] = Array.from({ length: partitions }, () => ({
    watermark: null,
    buckets: new Map(),
  }));
  for (const envelope of deliveries) {
    const p = Number(envelope.metadata.orderId.slice(1)) % partitions;
    states[p] = ingest(
      states[p] ?? { watermark: null, buckets: new Map() },
      [{ envelope, placed: placedById.get(envelope.metadata.orderId) }],
      DEFAULT_WINDOWING,
    ).state;
  }
  const byStart = new Map<number, MinuteBucket[]>();
  for (const state of states)
    for (const bucket of state.buckets.values())
      byStart.set(bucket.start, [...(byStart.get(bucket.start) ?? []), bucket]);
  const merged = new Map(
    [...byStart].map(([start, parts]) => [start, { ...mergeCounts(parts), start, seen: [] }] as const),
  );
  return viewsBetween('1m', FROM, TO, merged, DEFAULT_WINDOWING).map((view) => ({
    ...view,
    start: new Date(view.start).toISOString(),
    end: new Date(view.end).toISOString(),
  }));
}

/** Each order's events in stream order, orders interleaved by time: what the relay publishes. */
const published = (all: OrderEventEnvelope[][]) =>
  all.flat().sort((a, b) => Date.parse(a.metadata.occurredAt) - Date.parse(b.metadata.occurredAt));

describe('chaos analytics invariant: the 1-minute counts equal a fold of the event store', () => {
  it('holds for the consumer counting every event once, re-produced duplicates included', () => {
    const all = streams();
    const folded = foldMinuteViews(all, FROM, TO);
    expect(folded.map((v) => [v.placed, v.confirmed, v.payments.declined])).toEqual([
      [2, 0, 1],
      [1, 1, 0],
    ]);
    // A relay retry: every envelope of o1 and o2 produced again, same ids, after the originals.
    const duplicates = [...(all[0] ?? []), ...(all[1] ?? [])];
    expect(checkMinuteCounts(folded, served([...published(all), ...duplicates]))).toEqual([]);
  });

  it('flags a double count: an event counted again after a duplicate delivery', () => {
    const all = streams();
    const [first] = all[0] ?? [];
    if (!first) throw new TypeError('fixture without events');
    // What a consumer without the `seen` ids does with a re-produced OrderPlaced: counts it as new.
    const counted = {
      ...first,
      metadata: { ...first.metadata, eventId: `${first.metadata.eventId}-again` },
    } as OrderEventEnvelope;
    const violations = checkMinuteCounts(
      foldMinuteViews(all, FROM, TO),
      served([...published(all), counted]),
    );
    expect(violations).toHaveLength(1);
    expect(violations[0]?.invariant).toBe('analytics counts');
    expect(violations[0]?.detail).toMatch(/^minute 12:00: placed 3 ≠ fold 2, topSkus /);
  });

  it('flags a lost event, an event counted late, and a minute not served', () => {
    const all = streams();
    const folded = foldMinuteViews(all, FROM, TO);
    const lost = published(all).filter((e) => e.metadata.type !== 'OrderConfirmed');
    expect(checkMinuteCounts(folded, served(lost)).map((v) => v.detail)).toEqual([
      expect.stringMatching(/^minute 12:01: confirmed 0 ≠ fold 1, revenue \{\} ≠ fold \{"USD":2000\}/),
    ]);
    // o2's decline reaches its partition after a record five minutes on: its bucket has closed.
    const late = published(all).filter((e) => e.metadata.orderId !== 'o2');
    const o2 = all[1] ?? [];
    const servedLate = served([...late, placed('o4', at(5)), ...o2]);
    const minute0 = checkMinuteCounts(folded, servedLate)[0]?.detail;
    expect(minute0).toMatch(/^minute 12:00: placed 1 ≠ fold 2, .*late 3 ≠ fold 0$/);
    expect(checkMinuteCounts(folded, served(published(all)).slice(1))).toEqual([
      { invariant: 'analytics counts', detail: `minute ${new Date(FROM).toISOString()} is not served` },
    ]);
  });

  it('folds only the events of the range, with the OrderPlaced of an order placed before it', () => {
    const all = streams();
    const [minute1] = foldMinuteViews(all, at(1), TO);
    expect(minute1?.start).toBe(bucketStartOf(at(1)));
    expect(minute1?.placed).toBe(1);
    // o1 was placed in minute 0: its confirmation still brings its revenue.
    expect(minute1?.revenue).toEqual({ USD: 2000 });
    expect(minute1?.sagaDuration.count).toBe(1);
  });
});

const alert = (overrides: Partial<ListedAlert> = {}): ListedAlert => ({
  alertId: 'velocity:c1:2024-05-01T12:00:00.000Z',
  ruleId: 'velocity',
  subject: 'c1',
  window: { start: '2024-05-01T12:00:00.000Z', end: '2024-05-01T12:01:00.000Z' },
  raisedAt: '2024-05-01T12:01:00.000Z',
  ...overrides,
});

describe('chaos analytics invariant: the scenario raises each expected alert exactly once', () => {
  const expected = [
    { ruleId: 'velocity', subject: 'c1', raised: true, because: '6 orders' },
    { ruleId: 'velocity', subject: 'c2', raised: false, because: '5 orders' },
  ];

  it('holds for one alert per expectation, however often it is listed (delivery is at least once)', () => {
    expect(checkExpectedAlerts(expected, [alert(), alert(), alert({ ruleId: 'low-stock' })])).toEqual([]);
  });

  it('flags an expected alert not raised, raised twice, and one raised that must not be', () => {
    expect(checkExpectedAlerts(expected, []).map((v) => v.detail)).toEqual([
      'velocity for c1 (6 orders) raised 0 times, expected 1',
    ]);
    const twice = [alert(), alert({ alertId: 'velocity:c1:2024-05-01T12:00:30.000Z' })];
    expect(checkExpectedAlerts(expected, twice).map((v) => v.invariant)).toEqual(['alerts once']);
    expect(checkExpectedAlerts(expected, [alert(), alert({ subject: 'c2', alertId: 'v:c2' })])).toEqual([
      { invariant: 'alerts once', detail: 'velocity for c2 (5 orders) raised 1 times, expected 0: v:c2' },
    ]);
  });

  it('counts for a global subject only the alerts of the burst: window starting in it, raised before it ends', () => {
    const spike = {
      ruleId: 'decline-spike',
      subject: 'payments',
      raised: true,
      windowStart: { from: at(0), to: at(0, 30) },
      raisedBefore: at(5),
      because: 'the burst',
    };
    const ofBurst = alert({
      ruleId: 'decline-spike',
      subject: 'payments',
      alertId: 'd1',
      window: { start: new Date(at(0, 10)).toISOString(), end: new Date(at(0, 40)).toISOString() },
      raisedAt: new Date(at(0, 40)).toISOString(),
    });
    const earlier = {
      ...ofBurst,
      alertId: 'd0',
      window: { ...ofBurst.window, start: new Date(at(-1)).toISOString() },
    };
    const later = { ...ofBurst, alertId: 'd2', raisedAt: new Date(at(6)).toISOString() };
    expect(checkExpectedAlerts([spike], [earlier, ofBurst, later])).toEqual([]);
    expect(checkExpectedAlerts([spike], [earlier, later])).toHaveLength(1);
    expect(checkExpectedAlerts([spike], [ofBurst, { ...ofBurst, alertId: 'd1b' }])).toHaveLength(1);
  });
});

describe('the alert scenario', () => {
  const scenario = planAlertScenario('t');

  /** The scenario's payment attempts, one order each, a second apart, in the given order. */
  const attempts = (order: readonly number[]) =>
    order.map((i, n) => {
      const o = scenario.orders[i];
      if (!o) throw new RangeError(`no order ${i}`);
      return o.token === 'tok_decline' ? declined(`s${i}`, at(0, n)) : authorized(`s${i}`, at(0, n));
    });

  it('has one customer over the velocity limit and one at it', () => {
    const by = (customerId: string) => scenario.orders.filter((o) => o.customerId === customerId).length;
    expect(by(scenario.fastCustomer)).toBe(VELOCITY_MAX_ORDERS + 1);
    expect(by(scenario.steadyCustomer)).toBe(VELOCITY_MAX_ORDERS);
    expect(velocityExpectations(scenario).map((e) => [e.subject, e.raised])).toEqual([
      [scenario.fastCustomer, true],
      [scenario.steadyCustomer, false],
    ]);
  });

  it('trips the decline-spike rule once, whichever order its payment attempts arrive in', () => {
    const orders = [
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 9],
    ];
    for (const order of orders) {
      let state = initialCepState(ORDER_STREAM_RULES);
      const raised: string[] = [];
      for (const envelope of attempts(order)) {
        const result = evaluate(ORDER_STREAM_RULES, state, [{ kind: 'event', envelope }]);
        state = result.state;
        for (const a of result.alerts) if (a.type === 'AlertRaised') raised.push(a.data.ruleId);
      }
      expect(raised).toEqual(['decline-spike']);
    }
  });

  it('expects the decline spike only on a quiet stack', () => {
    const burst = attempts([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).map((e) => [e]);
    const ids = new Set(burst.map(([e]) => e?.metadata.orderId ?? ''));
    const expected = declineSpikeExpectation(burst, ids, DECLINE_WINDOW_MS);
    expect(expected).toMatchObject({
      ruleId: 'decline-spike',
      subject: 'payments',
      raised: true,
      windowStart: { from: at(0), to: at(0, 10) },
      raisedBefore: at(5),
    });
    const other = [authorized('x1', at(-4))];
    expect(declineSpikeExpectation([...burst, other], ids, DECLINE_WINDOW_MS)).toEqual({
      skipped: expect.stringMatching(/^1 other payment attempt\(s\) fell in the rule's window/),
    });
    // An attempt longer ago than the rule's window does not matter.
    expect(
      declineSpikeExpectation([...burst, [authorized('x2', at(-6))]], ids, DECLINE_WINDOW_MS),
    ).toHaveProperty('ruleId', 'decline-spike');
  });
});
