import type { DeliveryFaults } from '../faults';
import type { FunctionInvoker } from '../lambda/invoker';
import type { StreamMapping } from './event-source-mappings';
import type { StreamLog, StreamRecord } from './stream-log';

export interface FailedBatch {
  readonly mapping: StreamMapping;
  readonly records: readonly StreamRecord[];
  readonly error: string;
}

export interface PollerOptions {
  readonly invoker: FunctionInvoker;
  readonly onFailedBatch: (batch: FailedBatch) => Promise<void>;
  readonly log?: (line: string) => void;
  readonly maxBackoffMs?: number;
  /** Injected faults: a handled batch delivered again. */
  readonly faults?: DeliveryFaults;
  /**
   * The least time between two reads of the stream: Lambda polls a DynamoDB stream's shard four times a
   * second (250 ms). Records that arrive in between wait for the next poll and share its batch.
   */
  readonly pollIntervalMs?: number;
}

/** Lambda's base rate for a DynamoDB stream shard: four polls a second. */
export const LAMBDA_STREAM_POLL_INTERVAL_MS = 250;

interface BatchResponse {
  batchItemFailures?: { itemIdentifier?: unknown }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Delivers one table's stream to one function the way Lambda's DynamoDB event source does: in order,
 * in batches, retrying a failed batch (halving it when the mapping bisects) until it succeeds or its
 * retries run out, when the batch goes to the on-failure destination. A record is never skipped
 * silently, and a partial batch response retries from the first failed record.
 */
export class StreamPoller {
  private position: number;
  private running = true;
  private loop: Promise<void> | undefined;

  constructor(
    readonly mapping: StreamMapping,
    private readonly stream: StreamLog,
    private readonly options: PollerOptions,
  ) {
    this.position = mapping.startingPosition === 'LATEST' ? stream.length : 0;
  }

  start(): void {
    this.loop = this.run();
  }

  /** True when every record appended so far has been delivered (or dead-lettered). */
  get caughtUp(): boolean {
    return this.position >= this.stream.length;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    const pollIntervalMs = this.options.pollIntervalMs ?? LAMBDA_STREAM_POLL_INTERVAL_MS;
    let lastPollAt = Number.NEGATIVE_INFINITY;
    let attempts = 0;
    let limit = this.mapping.batchSize;
    // While bisecting, batches stay small until the records of the batch that failed are all through.
    let bisectUntil = 0;
    while (this.running) {
      await this.stream.waitForRecords(this.position, 250);
      if (this.stream.length <= this.position) continue;
      // Without this pace, every record of a busy stream was its own invocation: an order's six events
      // cost twelve invocations of the projector and the outbox, and the functions' CPU was the bottleneck.
      const nextPollIn = lastPollAt + pollIntervalMs - performance.now();
      if (nextPollIn > 0) await sleep(nextPollIn);
      lastPollAt = performance.now();
      const batch = this.stream.read(this.position, limit);
      if (batch.length === 0) continue;
      const failedAt = await this.deliver(batch);
      if (failedAt === undefined) {
        // An injected duplicate: the checkpoint is not moved, so the same batch is delivered again.
        if (this.options.faults?.duplicate('duplicate-stream-record', this.mapping.functionName)) continue;
        this.position += batch.length;
        attempts = 0;
        if (this.position >= bisectUntil) limit = this.mapping.batchSize;
        continue;
      }
      this.position += failedAt.index;
      // Splitting a failed batch in two does not count against the retry quota, as on AWS.
      if (this.mapping.bisectBatchOnFunctionError && failedAt.index === 0 && batch.length > 1) {
        limit = Math.ceil(batch.length / 2);
        bisectUntil = Math.max(bisectUntil, this.position + batch.length);
        continue;
      }
      attempts += 1;
      const retriesLeft =
        this.mapping.maximumRetryAttempts < 0 || attempts <= this.mapping.maximumRetryAttempts;
      if (!retriesLeft) {
        const failed = batch.slice(failedAt.index);
        await this.options.onFailedBatch({ mapping: this.mapping, records: failed, error: failedAt.error });
        this.position += failed.length;
        attempts = 0;
        if (this.position >= bisectUntil) limit = this.mapping.batchSize;
        continue;
      }
      await sleep(Math.min(this.options.maxBackoffMs ?? 2_000, 50 * 2 ** Math.min(attempts, 10)));
    }
  }

  /** Undefined when the whole batch succeeded, else the index of the first record to retry. */
  private async deliver(
    batch: readonly StreamRecord[],
  ): Promise<{ index: number; error: string } | undefined> {
    let result;
    try {
      result = await this.options.invoker.invoke(this.mapping.functionName, { Records: batch });
    } catch (error) {
      return { index: 0, error: `invoke failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (result.functionError) {
      this.options.log?.(
        `${this.mapping.functionName}: ${result.functionError} ${JSON.stringify(result.payload)}`,
      );
      return { index: 0, error: `${result.functionError}: ${JSON.stringify(result.payload)}` };
    }
    if (!this.mapping.reportBatchItemFailures) return undefined;
    const failures = (result.payload as BatchResponse | undefined)?.batchItemFailures ?? [];
    if (failures.length === 0) return undefined;
    const indexes = failures.map((failure) =>
      batch.findIndex((record) => record.dynamodb.SequenceNumber === failure.itemIdentifier),
    );
    // An identifier that names no record of the batch fails the whole batch, as on AWS.
    const index = indexes.some((i) => i < 0) ? 0 : Math.min(...indexes);
    return { index, error: 'partial batch failure' };
  }
}
