import {
  AnalyticsCursorMoved,
  type BucketShare,
  type PartitionCursor,
} from '../../../../src/application/analytics/analytics-store';
import { countOrderEvents } from '../../../../src/application/analytics/count-order-events';
import { queryMetrics } from '../../../../src/application/analytics/query-metrics';
import {
  replayViews,
  ReplayRefused,
  resetViewsFrom,
  type ReplayStore,
  type ReplayTopic,
} from '../../../../src/application/analytics/replay-views';
import {
  DEFAULT_WINDOWING,
  selectReplay,
  type MinuteBucket,
  type PlacedOrder,
} from '../../../../src/domain/analytics';
import type { OrderEventEnvelope } from '../../../../src/domain/orders';
import { parseReplayArgs, UsageError } from '../../../../scripts/replay-analytics';
import { at, authorized, cancelled, confirmed, placed } from '../../domain/analytics/fixtures';

const config = DEFAULT_WINDOWING;

/** The analytics store in memory, with the DynamoDB adapter's commit and reset rules. */
class InMemoryReplayStore implements ReplayStore {
  readonly cursorsByPartition = new Map<string, PartitionCursor>();
  readonly stored = new Map<string, MinuteBucket>();
  readonly placedById = new Map<string, PlacedOrder>();

  async cursor(partition: string) {
    return this.cursorsByPartition.get(partition);
  }
  async cursors() {
    return new Map(this.cursorsByPartition);
  }
  async buckets(partition: string, starts: readonly number[]) {
    return new Map(
      starts.flatMap((start) => {
        const bucket = this.stored.get(`${partition}|${start}`);
        return bucket ? [[start, bucket] as const] : [];
      }),
    );
  }
  async placedOrders(orderIds: readonly string[]) {
    return new Map(
      orderIds.flatMap((id) => {
        const order = this.placedById.get(id);
        return order ? [[id, order] as const] : [];
      }),
    );
  }
  async rememberPlaced(orders: readonly PlacedOrder[]) {
    for (const order of orders) this.placedById.set(order.orderId, order);
  }
  private checkVersion(partition: string, readVersion: number) {
    if ((this.cursorsByPartition.get(partition)?.version ?? 0) !== readVersion) {
      throw new AnalyticsCursorMoved(partition);
    }
  }
  async commit(
    partition: string,
    buckets: readonly MinuteBucket[],
    cursor: PartitionCursor,
    readVersion: number,
  ) {
    this.checkVersion(partition, readVersion);
    for (const bucket of buckets) this.stored.set(`${partition}|${bucket.start}`, bucket);
    this.cursorsByPartition.set(partition, cursor);
  }
  async resetShares(
    partition: string,
    starts: readonly number[],
    cursor: PartitionCursor,
    readVersion: number,
  ) {
    this.checkVersion(partition, readVersion);
    for (const start of starts) this.stored.delete(`${partition}|${start}`);
    this.cursorsByPartition.set(partition, cursor);
  }
  async shares(fromStart: number, toStart: number): Promise<BucketShare[]> {
    return [...this.stored].flatMap(([key, bucket]) =>
      bucket.start >= fromStart && bucket.start < toStart
        ? [{ partition: key.split('|')[0] ?? '', bucket }]
        : [],
    );
  }
}

/**
 * The topic and its msk event source in memory: records keyed by order id into partitions, and a
 * consumer that hands each partition's undelivered records to countOrderEvents, as the mapping does.
 */
class InMemoryTopic implements ReplayTopic {
  readonly partitions: OrderEventEnvelope[][] = [[], [], []];
  private readonly delivered = [0, 0, 0];
  /** Called after each send: a live producer writing during the replay. */
  onSend?: () => void;

  constructor(private readonly store: InMemoryReplayStore) {}

  private partitionOf(orderId: string): number {
    return [...orderId].reduce((h, c) => h + c.charCodeAt(0), 0) % this.partitions.length;
  }
  produce(events: readonly OrderEventEnvelope[]): void {
    for (const e of events) this.partitions[this.partitionOf(e.metadata.orderId)]?.push(e);
  }
  async send(events: readonly OrderEventEnvelope[]) {
    this.produce(events);
    this.onSend?.();
  }
  async endOffsets() {
    return new Map(this.partitions.map((records, p) => [`topic-${p}`, records.length]));
  }
  /** Offsets the event source committed, including batches it set aside. */
  readonly committed = [0, 0, 0];
  async committedOffsets() {
    return new Map(this.committed.map((offset, p) => [`topic-${p}`, offset]));
  }
  /** Delivers every undelivered record, a partition at a time. */
  async consume(): Promise<void> {
    for (const [p, records] of this.partitions.entries()) {
      const first = this.delivered[p] ?? 0;
      const batch = records.slice(first).map((e, i) => ({ offset: first + i, envelope: e }));
      if (batch.length === 0) continue;
      await countOrderEvents(this.store, `topic-${p}`, batch, config);
      this.delivered[p] = records.length;
      this.committed[p] = records.length;
    }
  }
}

/** An order's whole stream: placed, authorized, then confirmed or cancelled. */
const order = (id: string, minute: number, outcome: 'confirm' | 'cancel', quantity = 1) => [
  placed(id, at(minute, 5), { sku: `SKU-${id}`, quantity, total: 1000 * quantity, currency: 'EUR' }),
  authorized(id, at(minute, 20)),
  outcome === 'confirm'
    ? confirmed(id, at(minute + 1, 10))
    : cancelled(id, at(minute + 1, 10), 'PAYMENT_DECLINED'),
];

const streams = [
  order('o1', 0, 'confirm', 2),
  order('o2', 1, 'cancel'),
  order('o3', 3, 'confirm', 3),
  order('o4', 4, 'confirm'),
  order('o5', 6, 'cancel', 4),
];

/** The live path: each order's events produced as they happen, in event-time order. */
const liveFeed = () => selectReplay(streams, at(-60)).events;

const allViews = async (store: InMemoryReplayStore) =>
  Object.fromEntries(
    await Promise.all(
      (['1m', '5m', '15m'] as const).map(
        async (w) => [w, await queryMetrics(store, w, at(-5), at(30), config)] as const,
      ),
    ),
  );

const deps = (store: InMemoryReplayStore, topic: InMemoryTopic) => ({
  store,
  topic,
  orderStreams: async function* () {
    for (const stream of streams) yield stream;
  },
  // The consumer runs whenever the replay waits for it.
  sleep: () => topic.consume(),
});

async function liveSystem() {
  const store = new InMemoryReplayStore();
  const topic = new InMemoryTopic(store);
  topic.produce(liveFeed());
  await topic.consume();
  return { store, topic };
}

describe('selectReplay: which stored events a replay feeds, in which order', () => {
  it('takes the events from the minute of `from` on, in event time, each order in stream order', () => {
    const a = [placed('a', at(0, 50)), confirmed('a', at(2, 0))];
    // b's clock went back: its confirmation is stamped before its placing, yet must follow it.
    const b = [placed('b', at(1, 30)), confirmed('b', at(1, 10))];
    const early = [placed('c', at(-3)), cancelled('c', at(-2), 'OUT_OF_STOCK')];
    const selection = selectReplay([b, a, early], at(0, 59));
    expect(selection.fromStart).toBe(at(0));
    expect(selection.events.map((e) => `${e.metadata.orderId}:${e.metadata.type}`)).toEqual([
      'a:OrderPlaced',
      'b:OrderPlaced',
      'b:OrderConfirmed',
      'a:OrderConfirmed',
    ]);
  });

  it('names the OrderPlaced of orders placed before `from` whose later events are replayed', () => {
    const straddling = [placed('s', at(-1, 30), { total: 700 }), confirmed('s', at(0, 10))];
    const before = [placed('p', at(-2)), confirmed('p', at(-1))];
    const selection = selectReplay([straddling, before], at(0));
    expect(selection.placedBefore).toEqual([expect.objectContaining({ orderId: 's', total: 700 })]);
  });
});

describe('replayViews: the views rebuilt through the topic by the same consumer', () => {
  it('gives back the live views, field by field, and again when run twice', async () => {
    const { store, topic } = await liveSystem();
    const live = await allViews(store);
    expect(live['1m']?.some((v) => v.placed > 0)).toBe(true);

    // o1 was placed before `from` and confirmed after: the replay brings its summary back for revenue.
    store.placedById.clear();
    const report = await replayViews(deps(store, topic), { fromMs: at(1, 30), waitMs: 1000 });
    expect(report).toMatchObject({ fromStart: at(1), interleaved: 0, replayed: 13, placedRemembered: 1 });
    expect(report.behind.size).toBe(0);
    expect(await allViews(store)).toEqual(live);

    await replayViews(deps(store, topic), { fromMs: at(1, 30), waitMs: 1000 });
    expect(await allViews(store)).toEqual(live);
  });

  it('recounts the views from the store when they were lost or wrong', async () => {
    const { store, topic } = await liveSystem();
    const live = await allViews(store);
    for (const key of [...store.stored.keys()]) store.stored.delete(key);
    await replayViews(deps(store, topic), { fromMs: at(-5), waitMs: 1000 });
    expect(await allViews(store)).toEqual(live);
  });

  it('leaves the buckets before `from` as they were', async () => {
    const { store, topic } = await liveSystem();
    const before = [...store.stored].filter(([, b]) => b.start < at(3));
    await replayViews(deps(store, topic), { fromMs: at(3), waitMs: 1000 });
    expect([...store.stored].filter(([, b]) => b.start < at(3))).toEqual(before);
  });

  it('counts in its window an event the live consumer counted as late', async () => {
    const store = new InMemoryReplayStore();
    const topic = new InMemoryTopic(store);
    const late = order('o1', 0, 'confirm');
    // The partition (o4 shares o1's) saw a much later event first: o1's placing and payment arrive late.
    const early = [placed('o4', at(10))];
    topic.produce([...early, ...late]);
    await topic.consume();
    const [liveMinute] = await queryMetrics(store, '1m', at(0), at(1), config);
    expect(liveMinute).toMatchObject({ placed: 0, late: 2 });
    await replayViews(
      {
        ...deps(store, topic),
        orderStreams: async function* () {
          yield early;
          yield late;
        },
      },
      { fromMs: at(0), waitMs: 1000 },
    );
    const [replayed] = await queryMetrics(store, '1m', at(0), at(1), config);
    expect(replayed).toMatchObject({ placed: 1, late: 0 });
  });

  it('refuses to start while the consumer has records left to count, and changes nothing', async () => {
    const { store, topic } = await liveSystem();
    topic.produce([placed('o9', at(9))]);
    const stored = new Map(store.stored);
    await expect(
      replayViews({ ...deps(store, topic), sleep: async () => undefined }, { fromMs: at(0), waitMs: 0 }),
    ).rejects.toBeInstanceOf(ReplayRefused);
    expect(store.stored).toEqual(stored);
  });

  it('starts when a partition’s last records were set aside (group offset at the end, cursor not)', async () => {
    const { store, topic } = await liveSystem();
    topic.produce([placed('o4', at(9))]);
    // The event source gave up on that batch: the group moves past it, the cursor does not.
    topic.committed[1] = topic.partitions[1]?.length ?? 0;
    const report = await replayViews(
      { ...deps(store, topic), sleep: async () => undefined },
      { fromMs: at(0), waitMs: 0 },
    );
    expect(report.interleaved).toBe(0);
  });

  it('says how many other records reached the topic during the replay', async () => {
    const { store, topic } = await liveSystem();
    topic.onSend = () => topic.produce([placed('live', at(20))]);
    const report = await replayViews(deps(store, topic), { fromMs: at(0), waitMs: 1000 });
    expect(report.interleaved).toBe(1);
  });
});

describe('resetViewsFrom', () => {
  it('deletes the shares from `from` on with their envelope ids and moves each watermark back', async () => {
    const { store } = await liveSystem();
    const versions = new Map([...store.cursorsByPartition].map(([p, c]) => [p, c.version]));
    const reset = await resetViewsFrom(store, at(3), at(30));
    expect(reset.shares).toBeGreaterThan(0);
    expect(await store.shares(at(3), at(60))).toEqual([]);
    for (const [partition, cursor] of store.cursorsByPartition) {
      expect(cursor.watermark).toBeLessThanOrEqual(at(3));
      expect(cursor.version).toBe((versions.get(partition) ?? 0) + 1);
    }
    // The same event counts again (its id went with the bucket), on time.
    const event = streams[3]?.[0] as OrderEventEnvelope;
    const outcome = await countOrderEvents(store, 'topic-0', [{ offset: 1000, envelope: event }], config);
    expect(outcome).toMatchObject({ applied: 1, late: 0, duplicates: 0 });
  });

  it('makes a consumer commit that read the partition before the reset fail, so it counts again', async () => {
    const { store } = await liveSystem();
    const [partition, before] = [...store.cursorsByPartition][0] ?? ['', undefined];
    await resetViewsFrom(store, at(0), at(30));
    await expect(
      store.commit(
        partition,
        [],
        { nextOffset: 99, watermark: at(30), version: (before?.version ?? 0) + 1 },
        before?.version ?? 0,
      ),
    ).rejects.toBeInstanceOf(AnalyticsCursorMoved);
  });
});

describe('parseReplayArgs', () => {
  const now = at(60);
  it('takes --from, --dry-run, --stage, --brokers and --wait', () => {
    expect(
      parseReplayArgs(['--from', '2024-05-01T12:00:30Z', '--dry-run', '--wait', '5'], {}, now),
    ).toMatchObject({
      fromMs: at(0, 30),
      dryRun: true,
      stage: 'local',
      brokers: ['127.0.0.1:9092'],
      waitMs: 5000,
    });
  });

  it.each([
    [[], /--from is required/],
    [['--from', 'yesterday'], /--from must be an ISO 8601 date-time/],
    [['--from', '2024-05-01T14:00:00Z'], /must not be in the future/],
    [['--from', '2024-05-01T12:00:00Z', '--wait', 'soon'], /--wait must be a whole number/],
    [['--from', '2024-05-01T12:00:00Z', '--stage', 'dev'], /--brokers .* is required/],
    [['--from', '2024-05-01T12:00:00Z', '--frm', 'x'], /Unknown option '--frm'/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseReplayArgs(argv, {}, now)).toThrow(UsageError);
    expect(() => parseReplayArgs(argv, {}, now)).toThrow(message);
  });
});
