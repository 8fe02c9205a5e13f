import { KafkaErrorCode } from '../errors';
import type { KafkaApi } from './api';

/** OffsetFetch 1-5: -1 for a partition the group never committed; a null topic list asks for all. */
export const offsetFetchApi: KafkaApi = {
  key: 9,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 5,
  handle(version, request, response, context) {
    const groupId = request.string();
    const topics = request.nullableArray((r) => ({
      name: r.string(),
      partitions: r.array((p) => p.int32()),
    }));
    const entries =
      topics === null
        ? groupByTopic(
            context.groups.allCommitted(groupId).map((entry) => ({ ...entry, offset: entry.committed })),
          )
        : topics.map((topic) => ({
            name: topic.name,
            partitions: topic.partitions.map((index) => ({
              index,
              offset: context.groups.committed(groupId, topic.name, index),
            })),
          }));
    if (version >= 3) response.int32(0);
    response.array(entries, (w, topic) => {
      w.string(topic.name);
      w.array(topic.partitions, (pw, partition) => {
        pw.int32(partition.index).int64(partition.offset?.offset ?? -1);
        if (version >= 5) pw.int32(-1);
        pw.nullableString(partition.offset?.metadata ?? '').int16(KafkaErrorCode.NONE);
      });
    });
    if (version >= 2) response.int16(KafkaErrorCode.NONE);
  },
};

function groupByTopic(
  entries: readonly {
    topic: string;
    partition: number;
    offset: { offset: number; metadata: string | null };
  }[],
) {
  const byTopic = new Map<string, { index: number; offset: { offset: number; metadata: string | null } }[]>();
  for (const entry of entries) {
    const list = byTopic.get(entry.topic) ?? [];
    list.push({ index: entry.partition, offset: entry.offset });
    byTopic.set(entry.topic, list);
  }
  return [...byTopic.entries()].map(([name, partitions]) => ({ name, partitions }));
}
