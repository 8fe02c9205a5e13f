/**
 * Produce → consumer function: records produced with kafkajs reach a function through the runtime's own
 * Amazon MSK event source (src/local/msk), invoked in a warm execution environment (src/local/lambda), as
 * every `msk` mapping of the template is served offline. The function (bench/functions/record-latency.js)
 * answers with each record's time from send to handler. The mapping uses a batching window of 0 and batches
 * of 100; Lambda's default window for MSK is 500 ms, which would add up to that much to a sparse stream.
 *
 *   npx tsx bench/streaming-function.ts               # a broker of its own on a free port
 */
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaBroker } from '../src/local/kafka/broker';
import type { InvocationResult } from '../src/local/lambda/invoker';
import { WarmFunctions } from '../src/local/lambda/warm-functions';
import { KafkaEventSource } from '../src/local/msk/msk-event-source';
import { PROJECT_ROOT } from '../src/local/template';
import { percentiles, round } from './stats';

export interface ConsumerFunctionFigures {
  readonly records: number;
  readonly partitions: number;
  readonly batchSize: number;
  /** From the first send to the function's having handled the last record. */
  readonly throughFunctionPerSecond: number;
  readonly invocations: number;
  readonly latencyMs: { p50: number; p99: number };
  readonly goals: { throughFunctionPerSecond: number; latencyP99Ms: number };
}

const FUNCTION_NAME = 'bench-record-latency';
const PARTITIONS = 6;
const BATCH_SIZE = 100;
const RECORD_BYTES = 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function benchConsumerFunction(
  bootstrap: string,
  records = 20_000,
): Promise<ConsumerFunctionFigures> {
  const kafka = new Kafka({ clientId: 'bench-msk', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const topic = `bench-msk-${Date.now()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();

  const functions = new WarmFunctions(
    [
      {
        name: FUNCTION_NAME,
        logicalId: 'BenchRecordLatency',
        artifact: join(PROJECT_ROOT, 'bench', 'functions'),
        handler: 'record-latency.handler',
        timeoutMs: 30_000,
        memoryMb: 1024,
        environment: {},
      },
    ],
    {
      region: 'eu-west-1',
      codeDir: join(PROJECT_ROOT, '.orderflow', 'bench-functions'),
      baseEnv: {},
      defaultConcurrency: PARTITIONS,
      idleMs: 60_000,
      logs: 'none',
    },
  );
  let latencyPhase = false;
  let handled = 0;
  let invocations = 0;
  const latencies: number[] = [];
  const source = new KafkaEventSource(
    {
      logicalId: 'BenchMapping',
      functionName: FUNCTION_NAME,
      eventSourceArn: 'arn:aws:kafka:eu-west-1:000000000000:cluster/bench/local',
      topic,
      batchSize: BATCH_SIZE,
      startingPosition: 'TRIM_HORIZON',
      consumerGroupId: `${topic}-group`,
      maximumBatchingWindowMs: 0,
      maximumRetryAttempts: 2,
      bisectBatchOnFunctionError: false,
      enabled: true,
    },
    {
      bootstrap,
      region: 'eu-west-1',
      onFailedBatch: async ({ record }) => {
        throw new RangeError(`the bench function failed: ${record.error}`);
      },
      invoker: {
        invoke: async (name, event): Promise<InvocationResult> => {
          const result = await functions.invoke(name, event);
          const answered = (result.payload as { latencies?: number[] } | undefined)?.latencies ?? [];
          invocations += 1;
          handled += answered.length;
          if (latencyPhase) latencies.push(...answered);
          return result;
        },
      },
    },
  );
  const producer = kafka.producer();
  try {
    await source.start();
    await producer.connect();
    const padding = 'x'.repeat(RECORD_BYTES - 40);
    const message = (i: number) => ({
      key: `order-${i % 997}`,
      value: `${String(Date.now()).padStart(15, '0')}|${i}|${padding}`,
    });
    const waitForHandled = async (count: number) => {
      const deadline = Date.now() + 120_000;
      while (handled < count && Date.now() < deadline) await sleep(5);
    };

    // Throughput: everything produced back to back, timed until the function has handled it all.
    const started = process.hrtime.bigint();
    for (let sent = 0; sent < records; sent += BATCH_SIZE) {
      await producer.send({
        topic,
        messages: Array.from({ length: Math.min(BATCH_SIZE, records - sent) }, (_, i) => message(sent + i)),
      });
    }
    await waitForHandled(records);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const throughputInvocations = invocations;

    // Latency: paced batches while the mapping is caught up, each record timed from its send.
    latencyPhase = true;
    const rounds = 50;
    for (let round = 0; round < rounds; round++) {
      await producer.send({
        topic,
        messages: Array.from({ length: BATCH_SIZE }, (_, i) => message(records + round * BATCH_SIZE + i)),
      });
      await sleep(20);
    }
    await waitForHandled(records + rounds * BATCH_SIZE);
    const { p50, p99 } = percentiles(latencies);
    return {
      records,
      partitions: PARTITIONS,
      batchSize: BATCH_SIZE,
      throughFunctionPerSecond: round(Math.min(handled, records) / seconds, 0),
      invocations: throughputInvocations,
      latencyMs: { p50: round(p50), p99: round(p99) },
      goals: { throughFunctionPerSecond: 5_000, latencyP99Ms: 500 },
    };
  } finally {
    await producer.disconnect().catch(() => undefined);
    await source.stop();
    functions.close();
  }
}

async function main(): Promise<void> {
  const own = new KafkaBroker({ defaultPartitions: 3 });
  const bootstrap = `127.0.0.1:${await own.listen(0, '127.0.0.1')}`;
  try {
    process.stdout.write(`${JSON.stringify(await benchConsumerFunction(bootstrap), null, 2)}\n`);
  } finally {
    await own.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `bench streaming-function: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
