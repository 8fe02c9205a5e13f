import { KafkaErrorCode } from '../errors';
import type { KafkaApi } from './api';

const LATEST = -1;
const EARLIEST = -2;

/** ListOffsets 1-3: latest (-1), earliest (-2), or the first batch at or after a timestamp. */
export const listOffsetsApi: KafkaApi = {
  key: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 3,
  handle(version, request, response, context) {
    request.int32();
    if (version >= 2) request.int8();
    const topics = request.array((r) => ({
      name: r.string(),
      partitions: r.array((p) => ({ index: p.int32(), timestamp: p.int64Number() })),
    }));
    if (version >= 2) response.int32(0);
    response.array(topics, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, partition) => {
        const log = context.store.partition(topic.name, partition.index);
        if (!log) {
          pw.int32(partition.index).int16(KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION).int64(-1).int64(-1);
          return;
        }
        const offset =
          partition.timestamp === LATEST
            ? log.highWatermark
            : partition.timestamp === EARLIEST
              ? log.logStartOffset
              : log.offsetForTimestamp(partition.timestamp);
        pw.int32(partition.index).int16(KafkaErrorCode.NONE).int64(-1).int64(offset);
      });
    });
  },
};
