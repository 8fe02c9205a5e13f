import { KafkaErrorCode } from '../errors';
import { validTopicName } from '../log';
import type { KafkaApi } from './api';

/** Metadata 0-6: one broker, which leads every partition and is the controller. */
export const metadataApi: KafkaApi = {
  key: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 6,
  handle(version, request, response, context) {
    const requested = request.nullableArray((r) => r.string());
    const allowAutoCreate = version >= 4 ? request.bool() : true;
    // v0 asks for every topic with an empty list; v1+ with a null one.
    const all = requested === null || (version === 0 && requested.length === 0);
    const names = all ? context.store.names() : requested;
    if (version >= 3) response.int32(0);
    response.array([context.nodeId], (w, nodeId) => {
      w.int32(nodeId).string(context.host).int32(context.port);
      if (version >= 1) w.nullableString(null);
    });
    if (version >= 2) response.nullableString(context.clusterId);
    if (version >= 1) response.int32(context.nodeId);
    response.array(names, (w, name) => {
      let errorCode: number = KafkaErrorCode.NONE;
      if (!context.store.partitions(name)) {
        if (!validTopicName(name)) errorCode = KafkaErrorCode.INVALID_TOPIC_EXCEPTION;
        else if (context.autoCreateTopics && allowAutoCreate) {
          context.store.create({ name, partitions: context.store.defaultPartitions });
        } else errorCode = KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      }
      const partitions = errorCode === KafkaErrorCode.NONE ? (context.store.partitions(name) ?? []) : [];
      w.int16(errorCode).string(name);
      if (version >= 1) w.bool(false);
      w.array(partitions, (pw, _log, index) => {
        pw.int16(KafkaErrorCode.NONE).int32(index).int32(context.nodeId);
        pw.array([context.nodeId], (rw, id) => rw.int32(id)).array([context.nodeId], (rw, id) =>
          rw.int32(id),
        );
        if (version >= 5) pw.array([] as number[], (rw, id) => rw.int32(id));
      });
    });
  },
};
