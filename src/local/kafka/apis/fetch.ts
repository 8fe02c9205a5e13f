import { KafkaErrorCode } from '../errors';
import type { StoredBatch } from '../log';
import type { BrokerContext, KafkaApi } from './api';

interface PartitionFetch {
  readonly index: number;
  readonly offset: number;
  readonly maxBytes: number;
}

interface TopicFetch {
  readonly name: string;
  readonly partitions: readonly PartitionFetch[];
}

interface PartitionAnswer {
  readonly index: number;
  readonly errorCode: number;
  readonly highWatermark: number;
  readonly batches: readonly StoredBatch[];
}

/** Reads every asked partition once; the total stays under maxBytes, except that the first batch always goes. */
function collect(topics: readonly TopicFetch[], maxBytes: number, context: BrokerContext) {
  let size = 0;
  const answers = topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map((partition): PartitionAnswer => {
      const log = context.store.partition(topic.name, partition.index);
      if (!log) {
        return {
          index: partition.index,
          errorCode: KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          highWatermark: -1,
          batches: [],
        };
      }
      const highWatermark = log.highWatermark;
      if (partition.offset < log.logStartOffset || partition.offset > highWatermark) {
        return {
          index: partition.index,
          errorCode: KafkaErrorCode.OFFSET_OUT_OF_RANGE,
          highWatermark,
          batches: [],
        };
      }
      const budget = size === 0 ? partition.maxBytes : Math.min(partition.maxBytes, maxBytes - size);
      const batches = budget > 0 || size === 0 ? log.read(partition.offset, Math.max(budget, 0)) : [];
      for (const batch of batches) size += batch.bytes.length;
      return { index: partition.index, errorCode: KafkaErrorCode.NONE, highWatermark, batches };
    }),
  }));
  return { answers, size };
}

/** Fetch 4-11, without fetch sessions (session id 0 tells clients to send full requests). */
export const fetchApi: KafkaApi = {
  key: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 11,
  async handle(version, request, response, context) {
    request.int32();
    const maxWaitMs = Math.max(0, request.int32());
    const minBytes = Math.max(1, request.int32());
    const maxBytes = request.int32();
    request.int8();
    if (version >= 7) {
      request.int32();
      request.int32();
    }
    const topics = request.array((r): TopicFetch => ({
      name: r.string(),
      partitions: r.array((p): PartitionFetch => {
        const index = p.int32();
        if (version >= 9) p.int32();
        const offset = p.int64Number();
        if (version >= 5) p.int64();
        return { index, offset, maxBytes: p.int32() };
      }),
    }));
    const deadline = Date.now() + maxWaitMs;
    let result = collect(topics, maxBytes, context);
    // Held until min_bytes are there or max_wait passes: a consumer's batching window rests on this.
    while (result.size < Math.min(minBytes, maxBytes) && !context.closing() && Date.now() < deadline) {
      await context.store.waitForAppend(deadline - Date.now());
      result = collect(topics, maxBytes, context);
    }
    response.int32(0);
    if (version >= 7) response.int16(KafkaErrorCode.NONE).int32(0);
    response.array(result.answers, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, partition) => {
        pw.int32(partition.index).int16(partition.errorCode).int64(partition.highWatermark);
        pw.int64(partition.highWatermark);
        if (version >= 5) pw.int64(0);
        pw.nullArray();
        if (version >= 11) pw.int32(-1);
        const size = partition.batches.reduce((sum, batch) => sum + batch.bytes.length, 0);
        pw.int32(size);
        for (const batch of partition.batches) pw.raw(batch.bytes);
      });
    });
  },
};
