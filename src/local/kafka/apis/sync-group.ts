import type { KafkaApi } from './api';

/** SyncGroup 0-3: followers wait for the leader's assignment. */
export const syncGroupApi: KafkaApi = {
  key: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 3,
  async handle(version, request, response, context) {
    const groupId = request.string();
    const generation = request.int32();
    const memberId = request.string();
    if (version >= 3) request.nullableString();
    const assignments = request.array((r) => ({ memberId: r.string(), assignment: r.bytes() }));
    const result = await context.groups.sync(groupId, generation, memberId, assignments);
    if (version >= 1) response.int32(0);
    response.int16(result.errorCode).bytes(result.assignment);
  },
};
