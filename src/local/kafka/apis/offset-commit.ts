import { KafkaErrorCode } from '../errors';
import type { KafkaApi } from './api';

/** OffsetCommit 2-7. Offsets are kept for the broker's life (retention times are read and ignored). */
export const offsetCommitApi: KafkaApi = {
  key: 8,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 7,
  handle(version, request, response, context) {
    const groupId = request.string();
    const generation = request.int32();
    const memberId = request.string();
    if (version >= 7) request.nullableString();
    if (version <= 4) request.int64();
    const topics = request.array((r) => ({
      name: r.string(),
      partitions: r.array((p) => {
        const index = p.int32();
        const offset = p.int64Number();
        if (version >= 6) p.int32();
        return { index, offset, metadata: p.nullableString() };
      }),
    }));
    const known = topics.map((topic) => ({
      ...topic,
      partitions: topic.partitions.map((partition) => ({
        ...partition,
        exists: context.store.partition(topic.name, partition.index) !== undefined,
      })),
    }));
    const errorCode = context.groups.commit(
      groupId,
      generation,
      memberId,
      known.flatMap((topic) =>
        topic.partitions
          .filter((partition) => partition.exists)
          .map((partition) => ({
            topic: topic.name,
            partition: partition.index,
            offset: partition.offset,
            metadata: partition.metadata,
          })),
      ),
    );
    if (version >= 3) response.int32(0);
    response.array(known, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, partition) =>
        pw
          .int32(partition.index)
          .int16(partition.exists ? errorCode : KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION),
      );
    });
  },
};
