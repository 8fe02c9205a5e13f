/**
 * The streaming suite: what the Kafka path carries on this machine. Produce rate through kafkajs (batches of
 * 100 records of 1 KiB, acks from all replicas) and produce → consumer latency (a kafkajs consumer group,
 * each record stamped with its send time), against any broker: the offline stack's, or one of its own.
 *
 *   npx tsx bench/streaming.ts                        # a broker of its own on a free port
 *   npx tsx bench/streaming.ts --bootstrap 127.0.0.1:9092 --records 50000
 *
 * `benchStreaming(bootstrap)` is what bench/run.ts would call with the stack's `kafkaBootstrap`.
 */
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaBroker } from '../src/local/kafka/broker';
import { percentiles, round } from './stats';

export interface StreamingFigures {
  readonly records: number;
  readonly recordBytes: number;
  readonly producedPerSecond: number;
  readonly consumedPerSecond: number;
  readonly latencyMs: { p50: number; p99: number };
  /** Goals from issue 14 (a consumer function's figures need the `msk` event source, not built yet). */
  readonly goals: { producedPerSecond: number; latencyP99Ms: number };
}

const BATCH = 100;
const RECORD_BYTES = 1024;

export async function benchStreaming(bootstrap: string, records = 20_000): Promise<StreamingFigures> {
  const kafka = new Kafka({ clientId: 'bench-streaming', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const topic = `bench-streaming-${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  await admin.disconnect();

  const producer = kafka.producer();
  await producer.connect();
  const padding = 'x'.repeat(RECORD_BYTES - 40);
  const message = (i: number) => ({
    key: `order-${i % 997}`,
    value: `${String(Date.now()).padStart(15, '0')}|${i}|${padding}`,
  });

  // Produce rate: back-to-back batches, nobody consuming.
  const produceStarted = process.hrtime.bigint();
  for (let sent = 0; sent < records; sent += BATCH) {
    await producer.send({
      topic,
      messages: Array.from({ length: Math.min(BATCH, records - sent) }, (_, i) => message(sent + i)),
    });
  }
  const produceSeconds = Number(process.hrtime.bigint() - produceStarted) / 1e9;

  // Consume rate: a fresh group reads everything from the beginning.
  const consumer = kafka.consumer({ groupId: `${topic}-group`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const latencies: number[] = [];
  let consumed = 0;
  let consumeStarted = 0n;
  let consumeEnded = 0n;
  let latencyPhase = false;
  let allRead: () => void = () => undefined;
  const readAll = new Promise<void>((resolve) => (allRead = resolve));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      if (consumeStarted === 0n) consumeStarted = process.hrtime.bigint();
      const now = Date.now();
      for (const record of batch.messages) {
        if (latencyPhase) latencies.push(now - Number(record.value?.subarray(0, 15).toString() ?? now));
        consumed += 1;
      }
      if (consumed >= records && consumeEnded === 0n) {
        consumeEnded = process.hrtime.bigint();
        allRead();
      }
    },
  });
  await readAll;
  const consumeSeconds = Number(consumeEnded - consumeStarted) / 1e9;

  // Latency: paced batches while the group is caught up, each record timed from its send to its handling.
  latencyPhase = true;
  for (let round = 0; round < 50; round++) {
    await producer.send({
      topic,
      messages: Array.from({ length: BATCH }, (_, i) => message(records + round * BATCH + i)),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const deadline = Date.now() + 60_000;
  while (latencies.length < 50 * BATCH && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  await consumer.disconnect();
  await producer.disconnect();
  const { p50, p99 } = percentiles(latencies);
  return {
    records,
    recordBytes: RECORD_BYTES,
    producedPerSecond: round(records / produceSeconds, 0),
    consumedPerSecond: round(records / consumeSeconds, 0),
    latencyMs: { p50: round(p50), p99: round(p99) },
    goals: { producedPerSecond: 20_000, latencyP99Ms: 500 },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { bootstrap: { type: 'string' }, records: { type: 'string' } } });
  const own = values.bootstrap ? undefined : new KafkaBroker({ defaultPartitions: 3 });
  const bootstrap = values.bootstrap ?? `127.0.0.1:${await own?.listen(0, '127.0.0.1')}`;
  try {
    const figures = await benchStreaming(bootstrap, Number(values.records ?? 20_000));
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  } finally {
    await own?.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench streaming: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
