import { Kafka, logLevel, type Consumer, type EachBatchPayload, type KafkaMessage } from 'kafkajs';
import type { DeliveryFaults } from '../faults';
import type { FunctionInvoker } from '../lambda/invoker';
import { kafkaFailureRecord, mskEvent, type PartitionBatch } from './msk-event';
import type { KafkaMapping } from './msk-mappings';

export interface FailedKafkaBatch {
  readonly mapping: KafkaMapping;
  /** The failure record Lambda sends to the mapping's on-failure destination. */
  readonly record: ReturnType<typeof kafkaFailureRecord>;
}

export interface KafkaEventSourceOptions {
  /** The broker's bootstrap address, `host:port`. */
  readonly bootstrap: string;
  readonly invoker: FunctionInvoker;
  readonly region: string;
  /** Called for a batch whose retries ran out; the records are then passed over, as on AWS. */
  readonly onFailedBatch: (batch: FailedKafkaBatch) => Promise<void>;
  readonly log?: (line: string) => void;
  /** Injected faults: a handled batch delivered again before its offset is committed. */
  readonly faults?: DeliveryFaults;
  readonly maxBackoffMs?: number;
}

/** Partitions one mapping works on at once: Lambda gives a Kafka mapping pollers per partition. */
const PARTITIONS_IN_PARALLEL = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The event source stopped while a batch was still failing: its offset must not be committed. */
class EventSourceStopped extends Error {
  override readonly name = 'EventSourceStopped';
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/**
 * Lambda's Amazon MSK event source, offline: a Kafka consumer in the mapping's consumer group (kafkajs, a
 * real client, against the runtime's broker) that invokes the function with Lambda's MSK event, one
 * partition's records in offset order per batch, and commits the group's offset only after the function
 * handled the batch. A failing batch is retried with backoff (halved first when the mapping bisects); when
 * its retries run out it goes to the on-failure destination and the partition moves on, so a poison
 * record never blocks it. Without retry settings the batch is retried until it succeeds, as on AWS.
 */
export class KafkaEventSource {
  private consumer?: Consumer;
  private inFlight = 0;
  private running = false;

  constructor(
    readonly mapping: KafkaMapping,
    private readonly options: KafkaEventSourceOptions,
  ) {}

  /** True while the function is being invoked with a batch. */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  /** Joins the consumer group; resolves once the source has its partitions and is fetching. */
  async start(): Promise<void> {
    const { mapping } = this;
    const kafka = new Kafka({
      clientId: `lambda-${mapping.functionName}`,
      brokers: [this.options.bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 10 },
    });
    const window = mapping.maximumBatchingWindowMs;
    const consumer = kafka.consumer({
      groupId: mapping.consumerGroupId,
      // The batching window: the broker holds a fetch until a batch's worth of bytes or the window passes.
      minBytes: window > 0 ? 1024 * mapping.batchSize : 1,
      maxWaitTimeInMs: window > 0 ? window : 100,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    this.running = true;
    await consumer.connect();
    await consumer.subscribe({
      topic: mapping.topic,
      fromBeginning: mapping.startingPosition === 'TRIM_HORIZON',
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: PARTITIONS_IN_PARALLEL,
      eachBatch: (payload) => this.handleFetched(payload),
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.consumer?.disconnect().catch(() => undefined);
  }

  private async handleFetched(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    for (const messages of chunks(batch.messages, this.mapping.batchSize)) {
      if (!this.running || !payload.isRunning() || payload.isStale()) return;
      const last = messages[messages.length - 1] as KafkaMessage;
      try {
        await this.deliver({ topic: batch.topic, partition: batch.partition, messages }, payload);
      } catch (error) {
        if (error instanceof EventSourceStopped) return;
        throw error;
      }
      payload.resolveOffset(last.offset);
      await payload.commitOffsetsIfNecessary({
        topics: [
          {
            topic: batch.topic,
            partitions: [{ partition: batch.partition, offset: String(Number(last.offset) + 1) }],
          },
        ],
      });
      await payload.heartbeat();
    }
  }

  /** Returns once the batch is handled: the function succeeded, or the batch went to the destination. */
  private async deliver(batch: PartitionBatch, payload: EachBatchPayload): Promise<void> {
    const { mapping } = this;
    let invokeCount = 0;
    for (;;) {
      const error = await this.invokeOnce(batch);
      invokeCount += 1;
      if (error === undefined) {
        // An injected duplicate: delivered again before the offset is committed (at-least-once).
        if (this.options.faults?.duplicate('duplicate-kafka-record', mapping.functionName)) {
          await this.invokeOnce(batch);
        }
        return;
      }
      if (!this.running || !payload.isRunning()) throw new EventSourceStopped(mapping.functionName);
      // Splitting a failed batch in two does not count against the retry quota, as on AWS.
      if (mapping.bisectBatchOnFunctionError && batch.messages.length > 1) {
        const half = Math.ceil(batch.messages.length / 2);
        await this.deliver({ ...batch, messages: batch.messages.slice(0, half) }, payload);
        await this.deliver({ ...batch, messages: batch.messages.slice(half) }, payload);
        return;
      }
      if (mapping.maximumRetryAttempts >= 0 && invokeCount > mapping.maximumRetryAttempts) {
        this.options.log?.(
          `${mapping.functionName}: ${batch.messages.length} record(s) of ${batch.topic}-${batch.partition} failed for good: ${error}`,
        );
        const record = kafkaFailureRecord(mapping, this.options.bootstrap, batch, {
          error,
          invokeCount,
          region: this.options.region,
        });
        await this.options.onFailedBatch({ mapping, record });
        return;
      }
      await payload.heartbeat().catch(() => undefined);
      await sleep(Math.min(this.options.maxBackoffMs ?? 2_000, 50 * 2 ** Math.min(invokeCount, 10)));
    }
  }

  /** Undefined when the function handled the batch, else what went wrong. */
  private async invokeOnce(batch: PartitionBatch): Promise<string | undefined> {
    const event = mskEvent(this.mapping, this.options.bootstrap, batch);
    this.inFlight += 1;
    try {
      const result = await this.options.invoker.invoke(this.mapping.functionName, event);
      if (!result.functionError) return undefined;
      const detail = `${result.functionError}: ${JSON.stringify(result.payload)}`;
      this.options.log?.(`${this.mapping.functionName}: ${detail}`);
      return detail;
    } catch (error) {
      return `invoke failed: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      this.inFlight -= 1;
    }
  }
}
