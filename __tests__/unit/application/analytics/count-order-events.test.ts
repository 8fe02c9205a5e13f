import {
  AnalyticsCursorMoved,
  type AnalyticsStore,
  type BucketShare,
  type PartitionCursor,
} from '../../../../src/application/analytics/analytics-store';
import {
  chunksByBucket,
  countOrderEvents,
  type PartitionRecord,
} from '../../../../src/application/analytics/count-order-events';
import { queryMetrics } from '../../../../src/application/analytics/query-metrics';
import {
  DEFAULT_WINDOWING,
  digestOf,
  type MinuteBucket,
  type PlacedOrder,
} from '../../../../src/domain/analytics';
import type { OrderEventEnvelope } from '../../../../src/domain/orders';
import { at, confirmed, placed } from '../../domain/analytics/fixtures';

/** The port, in memory, with the same commit rule as the DynamoDB adapter. */
class InMemoryAnalyticsStore implements AnalyticsStore {
  readonly cursors = new Map<string, PartitionCursor>();
  readonly stored = new Map<string, MinuteBucket>();
  readonly placedById = new Map<string, PlacedOrder>();
  commits = 0;

  async cursor(partition: string) {
    return this.cursors.get(partition);
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
  async commit(
    partition: string,
    buckets: readonly MinuteBucket[],
    cursor: PartitionCursor,
    readVersion: number,
  ) {
    if ((this.cursors.get(partition)?.version ?? 0) !== readVersion)
      throw new AnalyticsCursorMoved(partition);
    for (const bucket of buckets) this.stored.set(`${partition}|${bucket.start}`, bucket);
    this.cursors.set(partition, cursor);
    this.commits += 1;
  }
  async shares(fromStart: number, toStart: number): Promise<BucketShare[]> {
    return [...this.stored].flatMap(([key, bucket]) =>
      bucket.start >= fromStart && bucket.start < toStart
        ? [{ partition: key.split('|')[0] ?? '', bucket }]
        : [],
    );
  }
}

const records = (envelopes: readonly OrderEventEnvelope[], firstOffset = 0): PartitionRecord[] =>
  envelopes.map((envelope, i) => ({ offset: firstOffset + i, envelope }));

const config = DEFAULT_WINDOWING;

describe('countOrderEvents: a partition counted into minute buckets exactly once', () => {
  it('counts a batch and moves the partition cursor past it', async () => {
    const store = new InMemoryAnalyticsStore();
    const events = [placed('o1', at(0, 5)), placed('o2', at(0, 30))];
    const outcome = await countOrderEvents(store, 'topic-0', records(events), config);
    expect(outcome).toEqual({ applied: 2, late: 0, duplicates: 0, alreadyCounted: 0 });
    expect(store.cursors.get('topic-0')).toEqual({
      nextOffset: 2,
      watermark: at(0, 30),
      recent: events.map((e) => digestOf(e.metadata.eventId)).join(''),
      version: 1,
    });
    expect(store.stored.get(`topic-0|${at(0)}`)?.placed).toBe(2);
  });

  it('passes over a redelivered batch (same offsets) without writing', async () => {
    const store = new InMemoryAnalyticsStore();
    const batch = records([placed('o1', at(0, 5))]);
    await countOrderEvents(store, 'topic-0', batch, config);
    const again = await countOrderEvents(store, 'topic-0', batch, config);
    expect(again).toEqual({ applied: 0, late: 0, duplicates: 0, alreadyCounted: 1 });
    expect(store.commits).toBe(1);
    expect(store.stored.get(`topic-0|${at(0)}`)?.placed).toBe(1);
  });

  it('counts an event the producer sent twice (a new offset, the same envelope id) once', async () => {
    const store = new InMemoryAnalyticsStore();
    const event = placed('o1', at(0, 5));
    await countOrderEvents(store, 'topic-0', records([event]), config);
    const retried = await countOrderEvents(store, 'topic-0', records([event], 1), config);
    expect(retried.duplicates).toBe(1);
    expect(store.stored.get(`topic-0|${at(0)}`)?.placed).toBe(1);
  });

  it('keeps the bucket the size of its counts however many events it holds', async () => {
    const store = new InMemoryAnalyticsStore();
    const many = Array.from({ length: 2000 }, (_, i) => placed(`bulk-${i}`, at(0, i % 60)));
    await countOrderEvents(store, 'topic-0', records(many), config);
    const bucket = store.stored.get(`topic-0|${at(0)}`);
    expect(bucket?.placed).toBe(2000);
    expect(JSON.stringify(bucket).length).toBeLessThan(1000);
  });

  it('gives a confirmation in a later batch its order’s revenue and saga duration', async () => {
    const store = new InMemoryAnalyticsStore();
    await countOrderEvents(
      store,
      'topic-0',
      records([placed('o1', at(0, 5), { total: 2500, currency: 'EUR' })]),
      config,
    );
    await countOrderEvents(store, 'topic-0', records([confirmed('o1', at(1, 5))], 1), config);
    const [view] = await queryMetrics(store, '5m', at(1), at(2), config);
    expect(view).toMatchObject({ placed: 1, confirmed: 1, revenue: { EUR: 2500 }, conversion: 1 });
    expect(view?.sagaDuration.count).toBe(1);
  });

  it('refuses to commit over another writer of the same partition', async () => {
    const store = new InMemoryAnalyticsStore();
    store.cursors.set('topic-0', { nextOffset: 5, watermark: null, version: 3 });
    // This writer read the cursor before another one committed version 3.
    store.cursor = async () => ({ nextOffset: 0, watermark: null, version: 2 });
    await expect(
      countOrderEvents(store, 'topic-0', records([placed('o1', at(0))]), config),
    ).rejects.toBeInstanceOf(AnalyticsCursorMoved);
    expect(store.commits).toBe(0);
  });

  it('merges every partition’s share of a minute in the views', async () => {
    const store = new InMemoryAnalyticsStore();
    await countOrderEvents(
      store,
      'topic-0',
      records([placed('o1', at(0, 5), { sku: 'A', quantity: 2 })]),
      config,
    );
    await countOrderEvents(
      store,
      'topic-1',
      records([placed('o2', at(0, 9), { sku: 'A', quantity: 3 })]),
      config,
    );
    const [view] = await queryMetrics(store, '1m', at(0), at(1), config);
    expect(view).toMatchObject({ placed: 2, topSkus: [{ sku: 'A', quantity: 5 }] });
  });

  it('commits a large batch within one minute in one transaction', async () => {
    const store = new InMemoryAnalyticsStore();
    const many = Array.from({ length: 500 }, (_, i) => placed(`o${i}`, at(0, i % 60)));
    const outcome = await countOrderEvents(store, 'topic-0', records(many), config);
    expect(outcome.applied).toBe(500);
    expect(store.commits).toBe(1);
    const [view] = await queryMetrics(store, '1m', at(0), at(1), config);
    expect(view).toMatchObject({ placed: 500 });
  });
});

describe('chunksByBucket: each chunk fits one transaction', () => {
  it('starts a new chunk when a 100th minute would join the transaction', () => {
    const spread = records(Array.from({ length: 150 }, (_, i) => placed(`o${i}`, at(i))));
    const chunks = chunksByBucket(spread);
    expect(chunks.map((chunk) => chunk.length)).toEqual([99, 51]);
    expect(chunks.flat()).toEqual(spread);
  });
});
