import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Consumer } from 'kafkajs';
import { api, eventually } from '../../support/api';
import { kafkaBootstrap, kafkaClient, uniqueTopic } from '../../support/kafka';
import { orderReaches, placeSagaOrder, stockedSku } from '../../support/saga';

const run = promisify(execFile);
const TOPIC = 'orderflow.local.order-events';

interface Envelope {
  metadata: {
    eventId: string;
    type: string;
    version: number;
    schemaVersion: number;
    correlationId: string;
    orderId: string;
  };
  data: unknown;
}

interface StreamedRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly envelope: Envelope;
  readonly headers: Record<string, string>;
}

describe('order events on the Kafka topic', () => {
  const seen: StreamedRecord[] = [];
  let consumer: Consumer;

  beforeAll(async () => {
    consumer = kafkaClient('order-stream-test').consumer({
      groupId: uniqueTopic('order-stream-test'),
      maxWaitTimeInMs: 200,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push({
          partition,
          offset: Number(message.offset),
          key: message.key?.toString() ?? '',
          envelope: JSON.parse(message.value?.toString() ?? '{}') as Envelope,
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
          ),
        });
      },
    });
  });

  afterAll(async () => {
    await consumer.disconnect();
  });

  it('carries every stored event of an order once, in order, keyed by order id, with its headers', async () => {
    const sku = await stockedSku(5);
    const orderId = await placeSagaOrder([{ sku, quantity: 1 }]);
    await orderReaches(orderId, ['CONFIRMED']);
    const stored = (await api<{ events: Envelope[] }>('GET', `/orders/${orderId}/events`)).body.events;
    expect(stored.at(-1)?.metadata.type).toBe('OrderConfirmed');

    const mine = () => seen.filter((record) => record.key === orderId);
    await eventually(
      async () => mine().length,
      (count) => count >= stored.length,
      60_000,
    );
    const records = mine();
    // Exactly the stored events, in their stream order: no gap, no duplicate, no reordering.
    expect(records.map((record) => record.envelope.metadata.eventId)).toEqual(
      stored.map((event) => event.metadata.eventId),
    );
    // The value is the stored envelope as the bus carries it: the events route redacts personal data and
    // provider ids for its reader, the topic (like the bus) does not.
    expect(records.map((record) => record.envelope.metadata)).toEqual(stored.map((event) => event.metadata));
    expect(records[0]?.envelope.data).toMatchObject({
      orderId,
      total: 1000,
      shippingAddress: { country: 'DE', line1: '1 Main Street' },
    });
    // One key, one partition, offsets rising.
    expect(new Set(records.map((record) => record.partition)).size).toBe(1);
    const offsets = records.map((record) => record.offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    for (const record of records) {
      const { metadata } = record.envelope;
      expect(record.headers).toEqual({
        type: metadata.type,
        'schema-version': String(metadata.schemaVersion),
        'correlation-id': metadata.correlationId,
        'event-id': metadata.eventId,
        'content-type': 'application/json',
      });
    }

    // kcat (librdkafka) reads the same records from the topic.
    const { stdout } = await run(
      'kcat',
      ['-b', kafkaBootstrap(), '-C', '-t', TOPIC, '-o', 'beginning', '-e', '-J', '-q'],
      {
        timeout: 60_000,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const viaKcat = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { key: string; payload: string })
      .filter((message) => message.key === orderId)
      .map((message) => (JSON.parse(message.payload) as Envelope).metadata.type);
    expect(viaKcat).toEqual(stored.map((event) => event.metadata.type));
  });

  it('is created at start-up with the partitions the template gives it', async () => {
    const admin = kafkaClient('order-stream-admin').admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [TOPIC] });
      expect(metadata.topics[0]?.partitions).toHaveLength(6);
    } finally {
      await admin.disconnect();
    }
  });
});
