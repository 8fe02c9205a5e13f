import {
  CepStateMoved,
  type AlertItemWrite,
  type AlertSink,
  type AlertsPage,
  type AlertsStore,
  type AlertView,
  type CepRecord,
  type StoredCepRecord,
} from '../../../../src/application/analytics/alerts-store';
import {
  DEFAULT_CEP_SETTINGS,
  detectAlerts,
  tickAlerts,
  type AlertsDependencies,
  type PartitionBatch,
} from '../../../../src/application/analytics/detect-alerts';
import type { BucketShare } from '../../../../src/application/analytics/analytics-store';
import type { AnomalyScoring } from '../../../../src/application/analytics/tick-anomalies';
import {
  emptyBucket,
  type AlertEvent,
  type MinutePoint,
  type MinuteScore,
} from '../../../../src/domain/analytics';
import { AnomalyScorerError, type AnomalyScorer } from '../../../../src/ports/anomaly-scorer';
import { ORDER_STREAM_RULES } from '../../../../src/domain/analytics/rules';
import { at, placed } from '../../domain/analytics/fixtures';

/** The port in memory, with the DynamoDB adapter's commit rule (version check, items with the state). */
class InMemoryAlertsStore implements AlertsStore {
  record: StoredCepRecord | undefined;
  readonly items = new Map<string, Partial<AlertView>>();
  commits = 0;
  loads = 0;
  /** Runs once just before the next commit checks the version: another invocation committing first. */
  beforeNextCommit: (() => Promise<void>) | undefined;

  async load() {
    this.loads += 1;
    return this.record === undefined ? undefined : structuredClone(this.record);
  }

  async commit(record: CepRecord, readVersion: number, items: readonly AlertItemWrite[]) {
    const interloper = this.beforeNextCommit;
    this.beforeNextCommit = undefined;
    if (interloper) await interloper();
    if ((this.record?.version ?? 0) !== readVersion) throw new CepStateMoved(`moved past ${readVersion}`);
    this.record = structuredClone({ ...record, version: readVersion + 1 });
    await this.writeItems(items);
    this.commits += 1;
  }

  async writeItems(items: readonly AlertItemWrite[]) {
    for (const write of items) {
      const raisedAt = write.kind === 'raised' ? write.data.raisedAt : write.raisedAt;
      const key = `${raisedAt}#${write.data.alertId}`;
      const item = this.items.get(key) ?? {};
      this.items.set(
        key,
        write.kind === 'raised'
          ? { ...write.data, clearedAt: item.clearedAt ?? null }
          : { ...item, clearedAt: write.data.clearedAt },
      );
    }
  }

  async alerts(): Promise<AlertsPage> {
    return { alerts: [...this.items.values()] as AlertView[] };
  }
}

class BusUnavailable extends Error {
  override readonly name = 'BusUnavailable';
}

/** The bus in memory: every event it took, or a failure while `failing`. */
class RecordingSink implements AlertSink {
  readonly received: AlertEvent[] = [];
  failing = false;

  async publish(events: readonly AlertEvent[]) {
    if (this.failing) throw new BusUnavailable('PutEvents: service unavailable');
    this.received.push(...events);
    return { failed: [] };
  }
}

const PARTITION = 'orderflow.test.order-events-0';
const OTHER_PARTITION = 'orderflow.test.order-events-1';

/** Six orders of one customer a minute apart: over the velocity rule's 5 in 10 minutes. */
const burst = (customerId: string, prefix: string) =>
  Array.from({ length: 6 }, (_, i) => placed(`${prefix}-${i}`, at(i), { customerId, total: 1000 }));

const batch = (partition: string, envelopes: ReturnType<typeof burst>, firstOffset = 0): PartitionBatch => ({
  partition,
  records: envelopes.map((envelope, i) => ({ offset: firstOffset + i, envelope })),
});

function setup(clockMs = at(10)) {
  const store = new InMemoryAlertsStore();
  const sink = new RecordingSink();
  let now = clockMs;
  const deps: AlertsDependencies = {
    store,
    sink,
    settings: { ...DEFAULT_CEP_SETTINGS, rules: ORDER_STREAM_RULES, configs: {} },
    clock: () => now,
  };
  return { store, sink, deps, advanceClock: (ms: number) => (now += ms) };
}

const raisedFor = (events: readonly AlertEvent[], ruleId: string, subject: string) =>
  events.filter((e) => e.type === 'AlertRaised' && e.data.ruleId === ruleId && e.data.subject === subject);

describe('detectAlerts', () => {
  it('raises an alert once when a customer trips the velocity rule, and stores and publishes it', async () => {
    const { store, sink, deps } = setup();
    const outcome = await detectAlerts(deps, [batch(PARTITION, burst('cust-fast', 'o'))]);

    expect(raisedFor(outcome.committed, 'velocity', 'cust-fast')).toHaveLength(1);
    expect(raisedFor(sink.received, 'velocity', 'cust-fast')).toHaveLength(1);
    expect(outcome).toMatchObject({ published: 1, unpublished: 0, conflicts: 0 });
    const [item] = (await store.alerts()).alerts;
    expect(item).toMatchObject({
      ruleId: 'velocity',
      subject: 'cust-fast',
      severity: 'warning',
      clearedAt: null,
    });
    expect(item?.evidence).toHaveLength(6);
    expect(store.record).toMatchObject({ offsets: { [PARTITION]: 6 }, unpublished: [] });
  });

  it('reads the state once and writes it once for a batch that raises nothing, twice when it publishes', async () => {
    const { store, deps } = setup();
    await detectAlerts(deps, [batch(PARTITION, [placed('quiet-1', at(1))])]);
    expect({ loads: store.loads, commits: store.commits }).toEqual({ loads: 1, commits: 1 });
    await detectAlerts(deps, [batch(PARTITION, burst('cust-fast', 'o'), 1)]);
    // The alert's commit, then the one that takes it off the unpublished list: no read in between.
    expect({ loads: store.loads, commits: store.commits }).toEqual({ loads: 2, commits: 3 });
  });

  it('raises nothing for a customer below the threshold', async () => {
    const { sink, deps } = setup();
    const slow = burst('cust-slow', 's').slice(0, 5);
    const outcome = await detectAlerts(deps, [batch(PARTITION, slow)]);
    expect(outcome.committed).toEqual([]);
    expect(sink.received).toEqual([]);
  });

  it('raises nothing new when the same batch is delivered twice', async () => {
    const { store, sink, deps } = setup();
    const records = batch(PARTITION, burst('cust-twice', 't'));
    await detectAlerts(deps, [records]);
    const commits = store.commits;

    const again = await detectAlerts(deps, [records]);
    expect(again).toMatchObject({ committed: [], alreadyEvaluated: 6, published: 0 });
    expect(store.commits).toBe(commits);
    expect(raisedFor(sink.received, 'velocity', 'cust-twice')).toHaveLength(1);
  });

  it('raises nothing new when a producer retry puts the same events at new offsets', async () => {
    const { sink, deps } = setup();
    const envelopes = burst('cust-retry', 'r');
    await detectAlerts(deps, [batch(PARTITION, envelopes)]);
    const again = await detectAlerts(deps, [batch(PARTITION, envelopes, 100)]);
    expect(again.committed).toEqual([]);
    expect(raisedFor(sink.received, 'velocity', 'cust-retry')).toHaveLength(1);
  });

  it('evaluates again from the newly read state when another invocation commits first', async () => {
    const { store, sink, deps } = setup();
    const mine = burst('cust-split', 'm');
    // Another partition's invocation commits three of the customer's orders while this one evaluates three.
    store.beforeNextCommit = () =>
      detectAlerts({ ...deps }, [batch(OTHER_PARTITION, mine.slice(0, 3))]).then(() => undefined);
    const outcome = await detectAlerts(deps, [batch(PARTITION, mine.slice(3))]);

    expect(outcome.conflicts).toBe(1);
    // Together the two partitions' six orders trip the rule: raised once, by the invocation that retried.
    expect(raisedFor(outcome.committed, 'velocity', 'cust-split')).toHaveLength(1);
    expect(raisedFor(sink.received, 'velocity', 'cust-split')).toHaveLength(1);
    expect(store.record?.offsets).toEqual({ [OTHER_PARTITION]: 3, [PARTITION]: 3 });
    expect(store.items.size).toBe(1);
  });

  it('leaves alerts unpublished when PutEvents fails, and the next invocation publishes them first', async () => {
    const { store, sink, deps, advanceClock } = setup();
    sink.failing = true;
    const first = await detectAlerts(deps, [batch(PARTITION, burst('cust-later', 'l'))]);
    expect(first).toMatchObject({ published: 0, unpublished: 1 });
    expect(first.publishError).toMatch(/service unavailable/);
    // Committed: the alert item is there for the API, and listed as unpublished.
    expect(store.items.size).toBe(1);
    expect(store.record?.unpublished).toHaveLength(1);

    sink.failing = false;
    // Within the grace period the leftover is its committer's; after it, anyone's.
    const tooSoon = await tickAlerts(deps, at(5, 30));
    expect(tooSoon.published).toBe(0);
    advanceClock(DEFAULT_CEP_SETTINGS.leftoverGraceMs);
    const next = await tickAlerts(deps, at(5, 40));
    expect(next.published).toBe(1);
    expect(raisedFor(sink.received, 'velocity', 'cust-later')).toHaveLength(1);
    expect(store.record?.unpublished).toEqual([]);

    await tickAlerts(deps, at(5, 50));
    expect(raisedFor(sink.received, 'velocity', 'cust-later')).toHaveLength(1);
  });

  it('clears the alert when the window has passed, updating the alert item', async () => {
    const { store, sink, deps } = setup();
    await detectAlerts(deps, [batch(PARTITION, burst('cust-calm', 'c'))]);
    const later = await tickAlerts(deps, at(30));
    const cleared = later.committed.filter((e) => e.type === 'AlertCleared' && e.data.ruleId === 'velocity');
    expect(cleared).toHaveLength(1);
    const velocityEvents = sink.received.filter((e) => e.data.ruleId === 'velocity');
    expect(velocityEvents.map((e) => e.type)).toEqual(['AlertRaised', 'AlertCleared']);
    const [item] = (await store.alerts()).alerts.filter((a) => a.ruleId === 'velocity');
    expect(item?.clearedAt).toBe(new Date(at(30)).toISOString());
  });
});

describe('tickAlerts', () => {
  it('raises a stuck order when time passes without its outcome, through the same commit path', async () => {
    const { store, sink, deps } = setup();
    await detectAlerts(deps, [batch(PARTITION, [placed('o-stuck', at(0))])]);
    expect((await tickAlerts(deps, at(10))).committed).toEqual([]);

    const outcome = await tickAlerts(deps, at(16));
    expect(raisedFor(outcome.committed, 'stuck-order', 'o-stuck')).toHaveLength(1);
    expect(raisedFor(sink.received, 'stuck-order', 'o-stuck')).toHaveLength(1);
    expect(store.record?.offsets).toEqual({ [PARTITION]: 1 });
    // The next tick finds it still stuck: nothing new.
    expect((await tickAlerts(deps, at(17))).committed).toEqual([]);
  });

  it('writes the items a transaction has no room for before it publishes them', async () => {
    const { store, sink, deps } = setup();
    const orders = Array.from({ length: 120 }, (_, i) =>
      placed(`o-many-${i}`, at(0), { customerId: `c-${i}` }),
    );
    await detectAlerts(deps, [batch(PARTITION, orders)]);
    const outcome = await tickAlerts(deps, at(16));
    expect(raisedFor(outcome.committed, 'stuck-order', 'o-many-7')).toHaveLength(1);
    expect(sink.received.filter((e) => e.data.ruleId === 'stuck-order')).toHaveLength(120);
    expect([...store.items.values()].filter((item) => item.ruleId === 'stuck-order')).toHaveLength(120);
  });
});

/**
 * The scorer port faked: a minute with no orders is an anomalous order rate, any other is normal (the
 * other series are not scored). Records every call; `failing` makes it refuse, as the adapter does.
 */
class FakeScorer implements AnomalyScorer {
  readonly calls: MinutePoint[][] = [];
  failing: AnomalyScorerError | undefined;

  async score(points: readonly MinutePoint[]): Promise<readonly MinuteScore[]> {
    this.calls.push([...points]);
    if (this.failing) throw this.failing;
    return points.map((point) => ({
      start: point.start,
      series: {
        orderRate: {
          value: point.orderRate,
          expected: 100,
          score: point.orderRate === 0 ? -9 : 0,
          threshold: 4,
          anomalous: point.orderRate === 0,
        },
        revenue: null,
        declineRate: null,
      },
    }));
  }

  scoredStarts(): number[] {
    return this.calls.flat().map((point) => point.start);
  }
}

const LATENESS_MS = 120_000;

/** Minutes (by index from T0) with orders in the minute-bucket shares; every other minute had none. */
function anomalySetup(busyMinutes: (minute: number) => boolean = () => true) {
  const base = setup();
  const scorer = new FakeScorer();
  const shares: BucketShare[] = Array.from({ length: 400 }, (_, m) => m)
    .filter(busyMinutes)
    .map((m) => ({ partition: '0', bucket: { ...emptyBucket(at(m)), placed: 100 } }));
  const anomaly: AnomalyScoring = {
    scorer,
    store: {
      shares: async (from, to) => shares.filter(({ bucket }) => bucket.start >= from && bucket.start < to),
    },
    currency: 'EUR',
    allowedLatenessMs: LATENESS_MS,
    maxMinutesPerTick: 60,
  };
  return { ...base, scorer, deps: { ...base.deps, anomaly } };
}

const anomalyEvents = (events: readonly AlertEvent[]) => events.filter((e) => e.data.ruleId === 'anomaly');

describe('tickAlerts: anomaly scoring', () => {
  it('scores each closed minute once: the first tick the last closed minute, later ticks those closed since', async () => {
    const { store, scorer, deps } = anomalySetup();
    // at(10, 30) less 2 minutes of lateness: minutes up to 08:00 are closed, the last one starts at 07:00.
    const first = await tickAlerts(deps, at(10, 30));
    expect(scorer.scoredStarts()).toEqual([at(7)]);
    expect(first.anomaly).toEqual({ scored: 1, skipped: 0 });
    expect(store.record?.anomaly).toEqual({ scoredUntil: at(8), open: {} });

    // The same time again (a redelivered schedule event): nothing new to score.
    const again = await tickAlerts(deps, at(10, 30));
    expect(scorer.calls).toHaveLength(1);
    expect(again.anomaly).toEqual({ scored: 0, skipped: 0 });

    await tickAlerts(deps, at(13, 30));
    expect(scorer.scoredStarts()).toEqual([at(7), at(8), at(9), at(10)]);
    expect(store.record?.anomaly?.scoredUntil).toBe(at(11));
  });

  it('raises one anomaly alert for an anomalous minute, committed as an alert item and published once', async () => {
    const { store, sink, scorer, deps } = anomalySetup((m) => m !== 9);
    await tickAlerts(deps, at(10, 30));
    const outcome = await tickAlerts(deps, at(13, 30));

    expect(scorer.scoredStarts()).toEqual([at(7), at(8), at(9), at(10)]);
    const alertId = `anomaly:orderRate:${new Date(at(9)).toISOString()}`;
    expect(anomalyEvents(outcome.committed).map((e) => [e.type, e.data.alertId])).toEqual([
      ['AlertRaised', alertId],
      ['AlertCleared', alertId],
    ]);
    expect(anomalyEvents(sink.received).map((e) => [e.type, e.data.alertId])).toEqual([
      ['AlertRaised', alertId],
      ['AlertCleared', alertId],
    ]);
    expect([...store.items.values()]).toEqual([
      expect.objectContaining({
        alertId,
        ruleId: 'anomaly',
        subject: 'orderRate',
        clearedAt: new Date(at(10)).toISOString(),
      }),
    ]);
    expect(store.record).toMatchObject({ anomaly: { scoredUntil: at(11), open: {} }, unpublished: [] });

    // Later ticks raise nothing more for those minutes.
    await tickAlerts(deps, at(13, 30));
    await tickAlerts(deps, at(14, 30));
    expect(anomalyEvents(sink.received)).toHaveLength(2);
  });

  it('keeps an anomaly open across ticks in the CEP record and clears it with the id it raised', async () => {
    const { store, sink, deps } = anomalySetup((m) => m < 8 || m > 9);
    await tickAlerts(deps, at(10, 30));
    await tickAlerts(deps, at(11, 30));
    const alertId = `anomaly:orderRate:${new Date(at(8)).toISOString()}`;
    expect(store.record?.anomaly).toEqual({ scoredUntil: at(9), open: { orderRate: alertId } });
    await tickAlerts(deps, at(12, 30));
    expect(store.record?.anomaly?.open).toEqual({ orderRate: alertId });
    await tickAlerts(deps, at(13, 30));
    expect(anomalyEvents(sink.received).map((e) => [e.type, e.data.alertId])).toEqual([
      ['AlertRaised', alertId],
      ['AlertCleared', alertId],
    ]);
    expect(store.record?.anomaly).toEqual({ scoredUntil: at(11), open: {} });
  });

  it('leaves the minutes for the next tick when the scorer fails retryably, and still ticks the rules', async () => {
    const { store, scorer, deps } = anomalySetup((m) => m !== 9);
    await tickAlerts(deps, at(10, 30));
    scorer.failing = new AnomalyScorerError('throttled', 'ThrottlingException', true);
    const failed = await tickAlerts(deps, at(12, 30));
    expect(failed.anomaly).toEqual({
      scored: 0,
      skipped: 0,
      error: { message: 'throttled', code: 'ThrottlingException', retryable: true },
    });
    expect(failed.committed).toEqual([]);
    expect(store.record?.anomaly).toEqual({ scoredUntil: at(8), open: {} });
    expect(store.commits).toBe(2);

    scorer.failing = undefined;
    const retried = await tickAlerts(deps, at(12, 30));
    expect(scorer.calls.at(-1)?.map((p) => p.start)).toEqual([at(8), at(9)]);
    expect(anomalyEvents(retried.committed).map((e) => e.type)).toEqual(['AlertRaised']);
    expect(store.record?.anomaly?.scoredUntil).toBe(at(10));
  });

  it('skips the minutes when the scorer refuses them for good', async () => {
    const { store, scorer, deps } = anomalySetup((m) => m !== 9);
    await tickAlerts(deps, at(10, 30));
    scorer.failing = new AnomalyScorerError('no such endpoint', 'ValidationError', false);
    const refused = await tickAlerts(deps, at(12, 30));
    expect(refused.anomaly).toMatchObject({ scored: 0, skipped: 2, error: { retryable: false } });
    expect(store.record?.anomaly).toEqual({ scoredUntil: at(10), open: {} });

    scorer.failing = undefined;
    await tickAlerts(deps, at(12, 30));
    expect(scorer.calls).toHaveLength(2);
  });

  it('scores at most 60 minutes a tick, catching up over the next ticks', async () => {
    const { store, scorer, deps } = anomalySetup();
    await tickAlerts(deps, at(10, 30));
    const behind = await tickAlerts(deps, at(200, 30));
    expect(behind.anomaly).toEqual({ scored: 60, skipped: 0 });
    expect(scorer.calls.at(-1)?.[0]?.start).toBe(at(8));
    expect(store.record?.anomaly?.scoredUntil).toBe(at(68));
    await tickAlerts(deps, at(200, 30));
    expect(store.record?.anomaly?.scoredUntil).toBe(at(128));
    expect(scorer.calls.at(-1)?.length).toBe(60);
  });

  it('reuses its scores when another invocation commits first without moving the scoring', async () => {
    const { store, sink, scorer, deps } = anomalySetup((m) => m !== 9);
    await tickAlerts(deps, at(10, 30));
    // The alerts consumer commits the state between this tick's read and its commit.
    store.beforeNextCommit = async () => {
      await detectAlerts({ ...deps, anomaly: undefined }, [batch(PARTITION, [placed('o-1', at(11))])]);
    };
    const outcome = await tickAlerts(deps, at(12, 30));
    expect(outcome.conflicts).toBe(1);
    expect(scorer.calls).toHaveLength(2);
    expect(anomalyEvents(outcome.committed).map((e) => e.type)).toEqual(['AlertRaised']);
    expect(anomalyEvents(sink.received)).toHaveLength(1);
    expect(store.record).toMatchObject({ offsets: { [PARTITION]: 1 }, anomaly: { scoredUntil: at(10) } });
  });

  it('keeps the anomaly progress when the consumer commits', async () => {
    const { store, deps } = anomalySetup();
    await tickAlerts(deps, at(10, 30));
    await detectAlerts(deps, [batch(PARTITION, [placed('o-1', at(11))])]);
    expect(store.record?.anomaly).toEqual({ scoredUntil: at(8), open: {} });
  });
});
