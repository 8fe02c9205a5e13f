import { crc32c } from '@node-rs/crc32';
import { KafkaErrorCode } from './errors';

/**
 * The broker's storage: per partition, the record batches (v2) exactly as producers sent them, with only
 * their base offset rewritten. A batch's CRC-32C covers attributes to the end, not the base offset, so a
 * stored batch stays valid for every consumer without decoding a record or touching compression.
 */

/** Offsets of the fields of a record batch v2 header (the protocol guide's "RecordBatch"). */
export const BATCH = {
  baseOffset: 0,
  batchLength: 8,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  recordCount: 57,
  headerSize: 61,
} as const;

export interface StoredBatch {
  readonly baseOffset: number;
  readonly lastOffset: number;
  readonly maxTimestamp: number;
  readonly bytes: Buffer;
}

/** Why a produced batch was refused: the partition's error code and a sentence for the broker's log. */
export class BatchRejected extends Error {
  override readonly name = 'BatchRejected';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Splits a Produce request's records field into batches, checking each one's framing, magic and CRC-32C. */
export function splitBatches(records: Buffer): Buffer[] {
  const batches: Buffer[] = [];
  let at = 0;
  while (at < records.length) {
    if (records.length - at < BATCH.headerSize) {
      throw new BatchRejected(KafkaErrorCode.CORRUPT_MESSAGE, 'record batch shorter than its header');
    }
    const total = 12 + records.readInt32BE(at + BATCH.batchLength);
    if (total < BATCH.headerSize || at + total > records.length) {
      throw new BatchRejected(KafkaErrorCode.CORRUPT_MESSAGE, 'record batch length runs past the records');
    }
    const batch = records.subarray(at, at + total);
    const magic = batch.readInt8(BATCH.magic);
    if (magic !== 2) {
      throw new BatchRejected(
        KafkaErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT,
        `message format v${magic}: only record batch v2 is kept`,
      );
    }
    const expected = batch.readUInt32BE(BATCH.crc);
    const actual = crc32c(batch.subarray(BATCH.attributes)) >>> 0;
    if (expected !== actual) {
      throw new BatchRejected(
        KafkaErrorCode.CORRUPT_MESSAGE,
        `record batch CRC-32C ${expected} != ${actual}`,
      );
    }
    if (batch.readInt32BE(BATCH.lastOffsetDelta) < 0) {
      throw new BatchRejected(KafkaErrorCode.CORRUPT_MESSAGE, 'negative last offset delta');
    }
    batches.push(batch);
    at += total;
  }
  if (batches.length === 0) throw new BatchRejected(KafkaErrorCode.CORRUPT_MESSAGE, 'no record batch');
  return batches;
}

export class PartitionLog {
  private readonly batches: StoredBatch[] = [];
  private next = 0;

  /** The offset the next record will get (Kafka's high watermark, as every write is committed at once). */
  get highWatermark(): number {
    return this.next;
  }

  get logStartOffset(): number {
    return 0;
  }

  /** Appends validated batches; returns the first one's base offset. */
  append(batches: readonly Buffer[]): number {
    const first = this.next;
    for (const original of batches) {
      // A copy: the request's buffer belongs to the connection, and the stored batch outlives it.
      const bytes = Buffer.from(original);
      bytes.writeBigInt64BE(BigInt(this.next), BATCH.baseOffset);
      const lastOffset = this.next + bytes.readInt32BE(BATCH.lastOffsetDelta);
      this.batches.push({
        baseOffset: this.next,
        lastOffset,
        maxTimestamp: Number(bytes.readBigInt64BE(BATCH.maxTimestamp)),
        bytes,
      });
      this.next = lastOffset + 1;
    }
    return first;
  }

  /**
   * Whole batches from the one holding `offset`, up to `maxBytes` (at least one batch, as Kafka sends a
   * first batch larger than the limit so that a consumer is never stuck). Clients skip the records of the
   * first batch below the offset they asked for.
   */
  read(offset: number, maxBytes: number): StoredBatch[] {
    let low = 0;
    let high = this.batches.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.batches[mid] as StoredBatch).lastOffset < offset) low = mid + 1;
      else high = mid;
    }
    const out: StoredBatch[] = [];
    let size = 0;
    for (let i = low; i < this.batches.length; i++) {
      const batch = this.batches[i] as StoredBatch;
      if (out.length > 0 && size + batch.bytes.length > maxBytes) break;
      out.push(batch);
      size += batch.bytes.length;
    }
    return out;
  }

  /** ListOffsets by timestamp: the first batch whose newest record is at or after it (batch granularity). */
  offsetForTimestamp(timestamp: number): number {
    const batch = this.batches.find((candidate) => candidate.maxTimestamp >= timestamp);
    return batch ? batch.baseOffset : this.next;
  }
}

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export const validTopicName = (name: string): boolean =>
  TOPIC_NAME.test(name) && name !== '.' && name !== '..';

/** Every topic's partitions, and who is waiting for records on them (Fetch with a max wait). */
export class TopicStore {
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly waiters = new Set<() => void>();

  constructor(readonly defaultPartitions: number) {}

  create(spec: TopicSpec): boolean {
    if (this.topics.has(spec.name)) return false;
    this.topics.set(
      spec.name,
      Array.from({ length: spec.partitions }, () => new PartitionLog()),
    );
    return true;
  }

  names(): string[] {
    return [...this.topics.keys()];
  }

  partitions(topic: string): readonly PartitionLog[] | undefined {
    return this.topics.get(topic);
  }

  partition(topic: string, index: number): PartitionLog | undefined {
    return this.topics.get(topic)?.[index];
  }

  append(topic: string, index: number, batches: readonly Buffer[]): number {
    const log = this.partition(topic, index);
    if (!log)
      throw new BatchRejected(KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${topic}-${index} does not exist`);
    const base = log.append(batches);
    for (const wake of [...this.waiters]) wake();
    return base;
  }

  /** Resolves on the next append anywhere, or after `ms`; a fetch then looks again at its own partitions. */
  waitForAppend(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waiters.add(wake);
    });
  }

  /** Wakes every waiting fetch at once, so that a closing broker answers them instead of hanging. */
  wakeAll(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
