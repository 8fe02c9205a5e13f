import { KafkaErrorCode } from '../errors';
import { BatchRejected, splitBatches } from '../log';
import type { KafkaApi } from './api';

/** Produce 3-7 (record batch v2 only). Each partition is taken or refused on its own, as in Kafka. */
export const produceApi: KafkaApi = {
  key: 0,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 7,
  handle(version, request, response, context) {
    request.nullableString();
    const acks = request.int16();
    request.int32();
    const topics = request.array((r) => ({
      name: r.string(),
      partitions: r.array((p) => ({ index: p.int32(), records: p.nullableBytes() })),
    }));
    response.array(topics, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, partition) => {
        let errorCode: number = KafkaErrorCode.NONE;
        let baseOffset = -1;
        if (acks !== 0 && acks !== 1 && acks !== -1) errorCode = KafkaErrorCode.INVALID_REQUIRED_ACKS;
        else if (!context.store.partition(topic.name, partition.index)) {
          errorCode = KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        } else {
          try {
            baseOffset = context.store.append(
              topic.name,
              partition.index,
              splitBatches(partition.records ?? Buffer.alloc(0)),
            );
          } catch (error) {
            if (!(error instanceof BatchRejected)) throw error;
            errorCode = error.code;
          }
        }
        pw.int32(partition.index).int16(errorCode).int64(baseOffset).int64(-1);
        if (version >= 5) pw.int64(0);
      });
    });
    response.int32(0);
    if (acks === 0) context.skipResponse();
  },
};
