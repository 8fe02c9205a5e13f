/*
 * What the chaos run's analytics invariants read from the stack (scripts/chaos/analytics-invariants.ts
 * checks it): the event store's order streams, decoded as the analytics replay decodes them; the topic's
 * end offsets and the two analytics consumer groups' committed offsets; the served 1-minute views and the
 * listed alerts. And the duplicate delivery: envelopes the relay already published, produced again.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { fromItem } from '../../src/adapters/dynamodb/event-store';
import { OrderStreamReplayTopic } from '../../src/adapters/kafka/order-stream-replay';
import type { OrderEventEnvelope } from '../../src/domain/orders/order-envelopes';
import { orderStreams } from '../replay-analytics';
import type { ListedAlert, ServedView } from './analytics-invariants';
import { apiOk, sleep, type ChaosUrls } from './client';

const STAGE = 'local';
const EVENT_STORE_TABLE = `orderflow-${STAGE}-event-store`;
export const ORDER_EVENTS_TOPIC = `orderflow.${STAGE}.order-events`;
/** The consumer groups of analyzeOrderEvents (the metrics) and detectAlerts (the alerts). */
export const ANALYTICS_GROUPS = [`orderflow-${STAGE}-analytics`, `orderflow-${STAGE}-alerts`] as const;
const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

/**
 * The event store read with one paged scan and served as the EventStore port the replay reads
 * (`orderIds`, `load`): a stream per order query would take a request per order.
 */
class ScannedEventStore {
  private constructor(private readonly items: ReadonlyMap<string, Record<string, unknown>[]>) {}

  static async read(urls: ChaosUrls): Promise<ScannedEventStore> {
    const dynamoDb = new DynamoDBClient({ endpoint: urls.aws, ...LOCAL });
    const client = DynamoDBDocumentClient.from(dynamoDb);
    const items = new Map<string, Record<string, unknown>[]>();
    try {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: EVENT_STORE_TABLE,
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const streamId = String(item.streamId);
          if (!streamId.startsWith('order#')) continue;
          const orderId = streamId.slice('order#'.length);
          items.set(orderId, [...(items.get(orderId) ?? []), item]);
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    } finally {
      dynamoDb.destroy();
    }
    return new ScannedEventStore(items);
  }

  async *orderIds(): AsyncGenerator<string> {
    await Promise.resolve();
    yield* this.items.keys();
  }

  /** As EventStore.load: in version order, CorruptItemError for an item whose metadata does not decode. */
  load(orderId: string) {
    const items = [...(this.items.get(orderId) ?? [])].sort((a, b) => Number(a.version) - Number(b.version));
    return Promise.resolve(items.map((item) => fromItem(item, EVENT_STORE_TABLE)));
  }
}

/** Every order stream of the event store, decoded and filtered exactly as `npm run analytics:replay` does. */
export async function readOrderStreams(
  urls: ChaosUrls,
  warn: (line: string) => void,
): Promise<OrderEventEnvelope[][]> {
  const store = await ScannedEventStore.read(urls);
  const streams: OrderEventEnvelope[][] = [];
  for await (const stream of orderStreams(store, warn)()) streams.push([...stream]);
  return streams;
}

const topicFor = (urls: ChaosUrls, consumerGroup: string) =>
  new OrderStreamReplayTopic({
    brokers: urls.kafka.split(','),
    topic: ORDER_EVENTS_TOPIC,
    consumerGroup,
    auth: 'none',
    region: LOCAL.region,
  });

/**
 * Produces the envelopes to the order-events topic again, as the relay's producer does (same key, value
 * and headers, so the same partition, at new offsets): what a retried publish after a lost
 * acknowledgement delivers.
 */
export async function reproduce(urls: ChaosUrls, envelopes: readonly OrderEventEnvelope[]): Promise<void> {
  const topic = topicFor(urls, ANALYTICS_GROUPS[0]);
  try {
    await topic.send(envelopes);
  } finally {
    await topic.close();
  }
}

/**
 * Waits until every consumer group has committed every partition up to the topic's end offsets as read
 * now; answers the partitions still behind, by group, when `patienceMs` runs out (empty: caught up).
 */
export async function awaitConsumersCaughtUp(
  urls: ChaosUrls,
  groups: readonly string[],
  patienceMs: number,
): Promise<Map<string, number>> {
  const topics = groups.map((group) => ({ group, topic: topicFor(urls, group) }));
  const ends = await topicFor(urls, groups[0] ?? '').endOffsets();
  const deadline = performance.now() + patienceMs;
  for (;;) {
    const behind = new Map<string, number>();
    for (const { group, topic } of topics) {
      const committed = await topic.committedOffsets().catch(() => new Map<string, number>());
      for (const [partition, end] of ends) {
        const lag = end - (committed.get(partition) ?? 0);
        if (lag > 0) behind.set(`${group} ${partition}`, lag);
      }
    }
    if (behind.size === 0 || performance.now() > deadline) return behind;
    await sleep(500);
  }
}

/** The 1-minute views GET /analytics/metrics serves for [fromMs, toMs). */
export async function servedMinuteViews(
  urls: ChaosUrls,
  fromMs: number,
  toMs: number,
): Promise<ServedView[]> {
  const query = new URLSearchParams({
    window: '1m',
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
  });
  const { views } = await apiOk<{ views: ServedView[] }>(urls, `/analytics/metrics?${query}`);
  return views;
}

/** Every alert GET /analytics/alerts lists as raised since `sinceMs`, page by page. */
export async function alertsSince(urls: ChaosUrls, sinceMs: number): Promise<ListedAlert[]> {
  const alerts: ListedAlert[] = [];
  let nextToken: string | undefined;
  do {
    const query = new URLSearchParams({
      since: new Date(sinceMs).toISOString(),
      status: 'all',
      limit: '500',
      ...(nextToken ? { nextToken } : {}),
    });
    const page = await apiOk<{ alerts: ListedAlert[]; nextToken?: string }>(
      urls,
      `/analytics/alerts?${query}`,
    );
    alerts.push(...page.alerts);
    nextToken = page.nextToken;
  } while (nextToken);
  return alerts;
}
