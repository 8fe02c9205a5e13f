import type { Consumer, IHeaders } from 'kafkajs';
import { eventually } from '../../support/api';
import { kafkaClient, uniqueTopic } from '../../support/kafka';

interface Seen {
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly value: string;
  readonly headers: IHeaders;
}

/** Starts a consumer in `groupId` that records what it is given. */
async function consume(groupId: string, topic: string, seen: Seen[]): Promise<Consumer> {
  const consumer = kafkaClient(`test-${groupId}`).consumer({ groupId, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      seen.push({
        partition,
        offset: Number(message.offset),
        key: message.key?.toString() ?? '',
        value: message.value?.toString() ?? '',
        headers: message.headers ?? {},
      });
    },
  });
  return consumer;
}

describe('the local Kafka broker with kafkajs', () => {
  const kafka = kafkaClient('kafkajs-test');
  const admin = kafka.admin();
  const producer = kafka.producer();

  beforeAll(async () => {
    await admin.connect();
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
  });

  it('creates topics with the partitions asked for, and refuses one that exists', async () => {
    const topic = uniqueTopic('created');
    await expect(
      admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true }),
    ).resolves.toBe(true);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0]?.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3]);
    // kafkajs reports an existing topic as "not created" rather than an error.
    await expect(admin.createTopics({ topics: [{ topic, numPartitions: 4 }] })).resolves.toBe(false);
  });

  it('keeps each key in order within its partition and hands records, keys and headers back unchanged', async () => {
    const topic = uniqueTopic('ordered');
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const keys = Array.from({ length: 10 }, (_, i) => `order-${i}`);
    for (let round = 0; round < 20; round++) {
      await producer.send({
        topic,
        messages: keys.map((key) => ({
          key,
          value: `${key}#${round}`,
          headers: { type: 'Test', round: String(round) },
        })),
      });
    }
    const seen: Seen[] = [];
    const consumer = await consume(uniqueTopic('group'), topic, seen);
    try {
      await eventually(
        async () => seen.length,
        (count) => count >= 200,
        60_000,
      );
    } finally {
      await consumer.disconnect();
    }
    expect(seen).toHaveLength(200);
    for (const key of keys) {
      const mine = seen.filter((record) => record.key === key);
      expect(mine.map((record) => record.value)).toEqual(
        Array.from({ length: 20 }, (_, round) => `${key}#${round}`),
      );
      expect(new Set(mine.map((record) => record.partition)).size).toBe(1);
      expect(mine[3]?.headers.type?.toString()).toBe('Test');
      expect(mine[3]?.headers.round?.toString()).toBe('3');
    }
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.reduce((sum, partition) => sum + Number(partition.high), 0)).toBe(200);
  });

  it('resumes a consumer group from its committed offsets after a restart', async () => {
    const topic = uniqueTopic('resume');
    const groupId = uniqueTopic('resume-group');
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    const batch = (from: number, count: number) =>
      producer.send({
        topic,
        messages: Array.from({ length: count }, (_, i) => ({
          key: `k${(from + i) % 7}`,
          value: `v${from + i}`,
        })),
      });

    await batch(0, 60);
    const first: Seen[] = [];
    const consumer = await consume(groupId, topic, first);
    await eventually(
      async () => first.length,
      (count) => count >= 60,
      60_000,
    );
    // Disconnecting commits what was processed and leaves the group.
    await consumer.disconnect();
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(committed[0]?.partitions.reduce((sum, partition) => sum + Number(partition.offset), 0)).toBe(60);

    await batch(60, 25);
    const second: Seen[] = [];
    const restarted = await consume(groupId, topic, second);
    try {
      await eventually(
        async () => second.length,
        (count) => count >= 25,
        60_000,
      );
    } finally {
      await restarted.disconnect();
    }
    // Records of one partition arrive in offset order, so a replay of old ones would have come first.
    expect(second.map((record) => record.value).sort()).toEqual(
      Array.from({ length: 25 }, (_, i) => `v${60 + i}`).sort(),
    );
  });

  it('serves a group of two members: every record reaches the group', async () => {
    const topic = uniqueTopic('shared');
    const groupId = uniqueTopic('shared-group');
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true });
    const seenA: Seen[] = [];
    const seenB: Seen[] = [];
    const a = await consume(groupId, topic, seenA);
    const b = await consume(groupId, topic, seenB);
    try {
      await producer.send({
        topic,
        messages: Array.from({ length: 80 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
      });
      await eventually(
        async () => seenA.length + seenB.length,
        (count) => count >= 80,
        90_000,
      );
    } finally {
      await Promise.all([a.disconnect(), b.disconnect()]);
    }
    const values = [...seenA, ...seenB].map((record) => record.value);
    expect(new Set(values).size).toBe(80);
  });
});
