import type { MSKEvent, MSKRecord } from 'aws-lambda';
import { eventually } from '../../support/api';
import { kafkaBootstrap, kafkaClient, uniqueTopic } from '../../support/kafka';
import { FaultRegistry } from '../../../src/local/faults';
import type { FunctionInvoker, InvocationResult } from '../../../src/local/lambda/invoker';
import { KafkaEventSource, type FailedKafkaBatch } from '../../../src/local/msk/msk-event-source';
import type { KafkaMapping } from '../../../src/local/msk/msk-mappings';

/**
 * The offline MSK event source against the runtime's broker, with records produced by kafkajs. The
 * function is a recorder here: what is under test is what Lambda's event source promises a function
 * (event shape, order, batch size, commits, retries, the on-failure destination).
 */

interface Recorder extends FunctionInvoker {
  readonly events: MSKEvent[];
  /** Values (decoded) in the order the function saw them, across every invocation. */
  readonly values: () => string[];
}

const decode = (record: MSKRecord) => Buffer.from(record.value, 'base64').toString();

/** A function that records each event and fails while `fails(event)` says so. */
function recorder(fails: (event: MSKEvent) => boolean = () => false): Recorder {
  const events: MSKEvent[] = [];
  return {
    events,
    values: () => events.flatMap((event) => Object.values(event.records).flat().map(decode)),
    async invoke(_name: string, event: unknown): Promise<InvocationResult> {
      const msk = event as MSKEvent;
      if (fails(msk)) return { functionError: 'Unhandled', payload: { errorMessage: 'refused' } };
      events.push(msk);
      return { payload: null };
    },
  };
}

const mapping = (topic: string, overrides: Partial<KafkaMapping> = {}): KafkaMapping => ({
  logicalId: 'TestMapping',
  functionName: 'recorder',
  eventSourceArn: 'arn:aws:kafka:eu-west-1:000000000000:cluster/test/local',
  topic,
  batchSize: 100,
  startingPosition: 'TRIM_HORIZON',
  consumerGroupId: `${topic}-group`,
  maximumBatchingWindowMs: 0,
  maximumRetryAttempts: -1,
  bisectBatchOnFunctionError: false,
  enabled: true,
  ...overrides,
});

describe('the offline Amazon MSK event source', () => {
  const kafka = kafkaClient('msk-event-source-test');
  const admin = kafka.admin();
  const producer = kafka.producer();
  const sources: KafkaEventSource[] = [];

  const start = async (
    m: KafkaMapping,
    invoker: FunctionInvoker,
    extra: { failed?: FailedKafkaBatch[]; faults?: FaultRegistry } = {},
  ) => {
    const source = new KafkaEventSource(m, {
      bootstrap: kafkaBootstrap(),
      invoker,
      region: 'eu-west-1',
      maxBackoffMs: 50,
      faults: extra.faults,
      onFailedBatch: async (batch) => {
        extra.failed?.push(batch);
      },
    });
    sources.push(source);
    await source.start();
    return source;
  };

  const topicWith = async (prefix: string, partitions = 1) => {
    const topic = uniqueTopic(prefix);
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
    return topic;
  };

  const send = (topic: string, values: string[], key = 'order-1') =>
    producer.send({
      topic,
      messages: values.map((value) => ({ key, value, headers: { type: 'OrderPlaced' } })),
    });

  beforeAll(async () => {
    await admin.connect();
    await producer.connect();
  });

  afterEach(async () => {
    await Promise.all(sources.splice(0).map((source) => source.stop()));
  });

  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
  });

  it("invokes the function with Lambda's MSK event: records under topic-partition, base64 key and value, byte headers", async () => {
    const topic = await topicWith('shape');
    const fn = recorder();
    await start(mapping(topic), fn);
    await send(topic, ['{"n":1}']);
    const [event] = await eventually(
      async () => fn.events,
      (events) => events.length === 1,
    );
    expect(event?.eventSource).toBe('aws:kafka');
    expect(event?.eventSourceArn).toBe('arn:aws:kafka:eu-west-1:000000000000:cluster/test/local');
    expect(event?.bootstrapServers).toBe(kafkaBootstrap());
    const records = event?.records[`${topic}-0`] ?? [];
    expect(records).toHaveLength(1);
    const record = records[0] as MSKRecord;
    expect(record).toMatchObject({ topic, partition: 0, offset: 0, timestampType: 'CREATE_TIME' });
    expect(Buffer.from(record.key, 'base64').toString()).toBe('order-1');
    expect(decode(record)).toBe('{"n":1}');
    expect(record.headers).toEqual([{ type: [...Buffer.from('OrderPlaced')] }]);
    expect(Math.abs(record.timestamp - Date.now())).toBeLessThan(10 * 60_000);
  });

  it('hands each record over exactly once, in offset order, in batches no larger than the batch size', async () => {
    const topic = await topicWith('batches');
    const values = Array.from({ length: 250 }, (_, i) => `v${i}`);
    await send(topic, values);
    const fn = recorder();
    await start(mapping(topic, { batchSize: 40 }), fn);
    await eventually(
      async () => fn.values().length,
      (n) => n >= values.length,
    );
    expect(fn.values()).toEqual(values);
    for (const event of fn.events) {
      expect(Object.values(event.records).flat().length).toBeLessThanOrEqual(40);
    }
  });

  it('retries a failing batch until the function takes it, without skipping or repeating a record', async () => {
    const topic = await topicWith('retry');
    let refusals = 3;
    const fn = recorder(() => refusals-- > 0);
    await start(mapping(topic), fn);
    await send(topic, ['a', 'b']);
    await eventually(
      async () => fn.values(),
      (seen) => seen.length >= 2,
    );
    await send(topic, ['c']);
    await eventually(
      async () => fn.values(),
      (seen) => seen.length >= 3,
    );
    expect(fn.values()).toEqual(['a', 'b', 'c']);
    expect(refusals).toBeLessThan(0);
  });

  it('sends a poison record to the on-failure destination once its retries run out, and the partition moves on', async () => {
    const topic = await topicWith('poison');
    const failed: FailedKafkaBatch[] = [];
    const fn = recorder((event) =>
      Object.values(event.records)
        .flat()
        .some((record) => decode(record) === 'poison'),
    );
    await send(topic, ['a', 'b', 'poison', 'c']);
    await start(mapping(topic, { maximumRetryAttempts: 2, bisectBatchOnFunctionError: true }), fn, {
      failed,
    });
    await eventually(
      async () => failed.length,
      (n) => n >= 1,
    );
    await send(topic, ['d']);
    await eventually(
      async () => fn.values(),
      (seen) => seen.includes('d'),
    );
    // Bisection isolated the poison record: everything else reached the function, in order.
    expect(fn.values()).toEqual(['a', 'b', 'c', 'd']);
    expect(failed).toHaveLength(1);
    const info = failed[0]?.record.KafkaBatchInfo;
    expect(info?.batchSize).toBe(1);
    expect(info?.recordsInfo[`${topic}-0`]).toMatchObject({ firstRecordOffset: '2', lastRecordOffset: '2' });
    expect(failed[0]?.record.requestContext).toMatchObject({
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
      functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:recorder',
    });
  });

  it('resumes from the consumer group’s committed offset after a restart', async () => {
    const topic = await topicWith('resume');
    const first = recorder();
    const source = await start(mapping(topic), first);
    await send(topic, ['a', 'b']);
    await eventually(
      async () => first.values().length,
      (n) => n === 2,
    );
    await source.stop();
    await send(topic, ['c']);
    const second = recorder();
    await start(mapping(topic), second);
    await eventually(
      async () => second.values().length,
      (n) => n >= 1,
    );
    expect(second.values()).toEqual(['c']);
  });

  it('starts a new group at the end of the topic when the starting position is LATEST', async () => {
    const topic = await topicWith('latest');
    await send(topic, ['old']);
    const fn = recorder();
    await start(mapping(topic, { startingPosition: 'LATEST' }), fn);
    // The group takes the end of the topic when it first fetches, which may come after a first send: the
    // test sends until something arrives, then checks that it never was the record from before.
    await eventually(
      async () => {
        if (fn.values().length === 0) await send(topic, ['new']);
        return fn.values().length;
      },
      (n) => n >= 1,
    );
    expect(new Set(fn.values())).toEqual(new Set(['new']));
  });

  it('keeps every partition flowing: records of many keys all arrive, each key in its order', async () => {
    const topic = await topicWith('partitions', 3);
    const keys = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'];
    for (const key of keys)
      await send(
        topic,
        [1, 2, 3].map((n) => `${key}:${n}`),
        key,
      );
    const fn = recorder();
    await start(mapping(topic, { batchSize: 2 }), fn);
    await eventually(
      async () => fn.values().length,
      (n) => n >= keys.length * 3,
    );
    for (const key of keys) {
      expect(fn.values().filter((value) => value.startsWith(`${key}:`))).toEqual(
        [1, 2, 3].map((n) => `${key}:${n}`),
      );
    }
    expect(fn.values()).toHaveLength(keys.length * 3);
  });

  it('delivers a handled batch a second time under the duplicate-kafka-record fault (at-least-once)', async () => {
    const topic = await topicWith('duplicate');
    const faults = new FaultRegistry();
    faults.arm({ kind: 'duplicate-kafka-record', functionName: 'recorder', remaining: 1 });
    const fn = recorder();
    await start(mapping(topic), fn, { faults });
    await send(topic, ['once']);
    await eventually(
      async () => fn.values().length,
      (n) => n >= 2,
    );
    expect(fn.values()).toEqual(['once', 'once']);
  });
});
