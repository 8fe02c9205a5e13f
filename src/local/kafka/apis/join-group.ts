import type { KafkaApi } from './api';

/** JoinGroup 0-5; the request waits until the rebalance completes (groups.ts). */
export const joinGroupApi: KafkaApi = {
  key: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 5,
  async handle(version, request, response, context) {
    const groupId = request.string();
    const sessionTimeoutMs = request.int32();
    const rebalanceTimeoutMs = version >= 1 ? request.int32() : sessionTimeoutMs;
    const memberId = request.string();
    if (version >= 5) request.nullableString();
    const protocolType = request.string();
    const protocols = request.array((r) => ({ name: r.string(), metadata: r.bytes() }));
    const result = await context.groups.join({
      groupId,
      memberId,
      clientId: context.clientId,
      sessionTimeoutMs,
      rebalanceTimeoutMs,
      protocolType,
      protocols,
    });
    if (version >= 2) response.int32(0);
    response.int16(result.errorCode).int32(result.generationId).string(result.protocolName);
    response.string(result.leader).string(result.memberId);
    response.array(result.members, (w, member) => {
      w.string(member.memberId);
      if (version >= 5) w.nullableString(null);
      w.bytes(member.metadata);
    });
  },
};
