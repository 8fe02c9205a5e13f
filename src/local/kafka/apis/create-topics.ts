import { KafkaErrorCode } from '../errors';
import { validTopicName } from '../log';
import type { KafkaApi } from './api';

/** CreateTopics 0-4. One broker: a replication factor other than 1 (or -1, the default) cannot be met. */
export const createTopicsApi: KafkaApi = {
  key: 19,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 4,
  handle(version, request, response, context) {
    const topics = request.array((r) => {
      const name = r.string();
      const partitions = r.int32();
      const replicationFactor = r.int16();
      const assignments = r.array((a) => ({ index: a.int32(), brokers: a.array((b) => b.int32()) }));
      r.array((c) => ({ name: c.string(), value: c.nullableString() }));
      return { name, partitions, replicationFactor, assignments };
    });
    request.int32();
    const validateOnly = version >= 1 ? request.bool() : false;
    const results = topics.map((topic) => {
      const partitions =
        topic.assignments.length > 0
          ? topic.assignments.length
          : topic.partitions === -1
            ? context.store.defaultPartitions
            : topic.partitions;
      const fail = (errorCode: number, message: string) => ({ name: topic.name, errorCode, message });
      if (!validTopicName(topic.name))
        return fail(KafkaErrorCode.INVALID_TOPIC_EXCEPTION, 'invalid topic name');
      if (context.store.partitions(topic.name)) {
        return fail(KafkaErrorCode.TOPIC_ALREADY_EXISTS, `topic ${topic.name} already exists`);
      }
      if (partitions < 1 || partitions > 1000)
        return fail(KafkaErrorCode.INVALID_PARTITIONS, 'partitions must be 1-1000');
      if (topic.replicationFactor !== 1 && topic.replicationFactor !== -1) {
        return fail(
          KafkaErrorCode.INVALID_REPLICATION_FACTOR,
          'the local broker is one broker: replication factor 1',
        );
      }
      if (!validateOnly) context.store.create({ name: topic.name, partitions });
      return { name: topic.name, errorCode: KafkaErrorCode.NONE, message: null };
    });
    if (version >= 2) response.int32(0);
    response.array(results, (w, result) => {
      w.string(result.name).int16(result.errorCode);
      if (version >= 1) w.nullableString(result.message);
    });
  },
};
