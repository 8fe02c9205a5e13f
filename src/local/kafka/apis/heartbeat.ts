import type { KafkaApi } from './api';

/** Heartbeat 0-3: keeps a member's session; tells it of a rebalance with REBALANCE_IN_PROGRESS. */
export const heartbeatApi: KafkaApi = {
  key: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 3,
  handle(version, request, response, context) {
    const groupId = request.string();
    const generation = request.int32();
    const memberId = request.string();
    if (version >= 3) request.nullableString();
    if (version >= 1) response.int32(0);
    response.int16(context.groups.heartbeat(groupId, generation, memberId));
  },
};
