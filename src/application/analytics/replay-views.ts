import { BUCKET_MS, bucketStartOf, selectReplay, type ReplaySelection } from '../../domain/analytics';
import type { OrderEventEnvelope } from '../../domain/orders/order-envelopes';
import { AnalyticsCursorMoved, type AnalyticsStore, type PartitionCursor } from './analytics-store';

/*
 * Replay: the views from a time onward are rebuilt by feeding the stored order events through the
 * order-events topic again, so the consumer that counts live traffic counts them too. Its exactly-once
 * machinery would otherwise pass them over: each partition's recent ids may hold them already, and the
 * partitions' watermarks are ahead of them (they would count as late). So the buckets from `from` on are
 * deleted, the recent ids forgotten, and each watermark moved back to `from`, before anything is produced.
 *
 * The guarantee holds for a quiet topic (see docs/analytics.md, "Replay"): the consumer has counted
 * every record when the replay starts, and nothing but the replayed records reaches the topic until it
 * ends. The replay checks both with the topic's end offsets and says when the second did not hold.
 */

/** What a replay needs of the analytics store, beyond what the consumer uses. */
export interface ReplayStore extends Pick<AnalyticsStore, 'shares' | 'rememberPlaced'> {
  /** Every partition's cursor, by partition (`<topic>-<n>`, as the consumer names them). */
  cursors(): Promise<Map<string, PartitionCursor>>;
  /**
   * Deletes the partition's shares of the buckets starting at `starts` (at most 99) and writes its
   * cursor, if the cursor is still at `readVersion`; throws AnalyticsCursorMoved otherwise.
   */
  resetShares(
    partition: string,
    starts: readonly number[],
    cursor: PartitionCursor,
    readVersion: number,
  ): Promise<void>;
}

/** The order-events topic, as the replay uses it. */
export interface ReplayTopic {
  /** Next offset of every partition (`<topic>-<n>`): how far the topic has been written. */
  endOffsets(): Promise<Map<string, number>>;
  /**
   * The analytics consumer group's committed offsets (`<topic>-<n>`): a batch the event source set aside
   * (on-failure destination) is committed without moving the store's cursor.
   */
  committedOffsets(): Promise<Map<string, number>>;
  /** Produces the events as the live producer does (same key, value and headers), in this order. */
  send(events: readonly OrderEventEnvelope[]): Promise<void>;
}

export class ReplayRefused extends Error {
  override readonly name = 'ReplayRefused';
}

/** A DynamoDB transaction holds 100 items: the deleted shares and the cursor. */
const SHARES_PER_RESET = 99;
const RESET_ATTEMPTS = 5;
const RECORDS_PER_SEND = 500;

const EMPTY_CURSOR: PartitionCursor = { nextOffset: 0, watermark: null, version: 0 };

export interface ViewsReset {
  readonly partitions: number;
  readonly shares: number;
}

/**
 * Deletes every partition's bucket shares from `fromStart` on and moves each watermark back to at most
 * `fromStart`, a partition at a time in transactions that also bump its cursor version: a consumer that
 * read the partition before a chunk went fails its commit and counts its batch again on what is left.
 */
export async function resetViewsFrom(
  store: ReplayStore,
  fromStart: number,
  now: number,
): Promise<ViewsReset> {
  const cursors = await store.cursors();
  // A bucket never starts after its partition's watermark (the latest event time counted).
  const latest = Math.max(now, ...[...cursors.values()].map((cursor) => cursor.watermark ?? 0));
  const startsByPartition = new Map<string, number[]>([...cursors.keys()].map((p) => [p, []]));
  for (const { partition, bucket } of await store.shares(fromStart, latest + BUCKET_MS)) {
    startsByPartition.set(partition, [...(startsByPartition.get(partition) ?? []), bucket.start]);
  }
  let shares = 0;
  for (const [partition, starts] of startsByPartition) {
    // One transaction even with no shares: the watermark still has to move back.
    for (let i = 0; i === 0 || i < starts.length; i += SHARES_PER_RESET) {
      const chunk = starts.slice(i, i + SHARES_PER_RESET);
      await resetChunk(store, partition, chunk, fromStart);
      shares += chunk.length;
    }
  }
  return { partitions: startsByPartition.size, shares };
}

async function resetChunk(
  store: ReplayStore,
  partition: string,
  starts: readonly number[],
  fromStart: number,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const cursor = (await store.cursors()).get(partition) ?? EMPTY_CURSOR;
    const watermark = cursor.watermark === null ? null : Math.min(cursor.watermark, fromStart);
    try {
      await store.resetShares(
        partition,
        starts,
        { nextOffset: cursor.nextOffset, watermark, recent: '', version: cursor.version + 1 },
        cursor.version,
      );
      return;
    } catch (error) {
      if (!(error instanceof AnalyticsCursorMoved) || attempt >= RESET_ATTEMPTS) throw error;
    }
  }
}

export interface ConsumerPosition {
  /** Partitions whose records are not all counted yet: partition -> records behind. */
  readonly behind: ReadonlyMap<string, number>;
}

/**
 * How far the consumer is behind the topic's end offsets: a partition is done when its cursor (counted)
 * or its group offset (counted or set aside) has reached the end.
 */
export async function consumerPosition(
  store: ReplayStore,
  topic: ReplayTopic,
  ends: ReadonlyMap<string, number>,
): Promise<ConsumerPosition> {
  const cursors = await store.cursors();
  const committed = await topic.committedOffsets();
  const behind = new Map<string, number>();
  for (const [partition, end] of ends) {
    const counted = Math.max(cursors.get(partition)?.nextOffset ?? 0, committed.get(partition) ?? 0);
    if (counted < end) behind.set(partition, end - counted);
  }
  return { behind };
}

export interface ReplayDeps {
  readonly store: ReplayStore;
  readonly topic: ReplayTopic;
  /** Every order's stream, decoded (events that cannot be decoded never reached the consumer either). */
  readonly orderStreams: () => AsyncIterable<readonly OrderEventEnvelope[]>;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface ReplayOptions {
  readonly fromMs: number;
  /** How long to wait for the consumer to count everything, before the replay and after it. */
  readonly waitMs: number;
}

export interface ReplayReport {
  readonly fromStart: number;
  readonly reset: ViewsReset;
  readonly replayed: number;
  readonly placedRemembered: number;
  /** Records other than the replayed ones that reached the topic during the replay (0 on a quiet topic). */
  readonly interleaved: number;
  /** Partitions the consumer had not counted to the end when the wait ran out (empty when caught up). */
  readonly behind: ReadonlyMap<string, number>;
}

/** The events a replay from `fromMs` would feed, read from the event store. */
export async function planReplay(
  orderStreams: ReplayDeps['orderStreams'],
  fromMs: number,
): Promise<ReplaySelection> {
  const streams: (readonly OrderEventEnvelope[])[] = [];
  for await (const stream of orderStreams()) streams.push(stream);
  return selectReplay(streams, fromMs);
}

const sum = (values: Iterable<number>): number => [...values].reduce((total, n) => total + n, 0);

/**
 * Rebuilds the views from `fromMs` (rounded down to the minute) on: waits until the consumer has counted
 * every record (refuses otherwise, as the buckets it has yet to write would be deleted under it), resets
 * the views, reads the event store (after the reset: an event counted before it is in the store by
 * then), produces every event of the selection through the topic, and waits for the consumer again.
 */
export async function replayViews(deps: ReplayDeps, options: ReplayOptions): Promise<ReplayReport> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const waitForConsumer = async (ends: ReadonlyMap<string, number>) => {
    const deadline = now() + options.waitMs;
    let position = await consumerPosition(deps.store, deps.topic, ends);
    while (position.behind.size > 0 && now() < deadline) {
      await sleep(500);
      position = await consumerPosition(deps.store, deps.topic, ends);
    }
    return position.behind;
  };

  const endsBefore = await deps.topic.endOffsets();
  const lagging = await waitForConsumer(endsBefore);
  if (lagging.size > 0) {
    throw new ReplayRefused(
      `the consumer has not counted every record (${[...lagging].map(([p, n]) => `${p}: ${n} behind`).join(', ')}); ` +
        'replay once it has caught up',
    );
  }
  const reset = await resetViewsFrom(deps.store, bucketStartOf(options.fromMs), now());
  const selection = await planReplay(deps.orderStreams, options.fromMs);
  await deps.store.rememberPlaced(selection.placedBefore);
  for (let i = 0; i < selection.events.length; i += RECORDS_PER_SEND) {
    await deps.topic.send(selection.events.slice(i, i + RECORDS_PER_SEND));
  }
  const endsAfter = await deps.topic.endOffsets();
  const written = sum(endsAfter.values()) - sum(endsBefore.values());
  const behind = await waitForConsumer(endsAfter);
  return {
    fromStart: selection.fromStart,
    reset,
    replayed: selection.events.length,
    placedRemembered: selection.placedBefore.length,
    interleaved: written - selection.events.length,
    behind,
  };
}
