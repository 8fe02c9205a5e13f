import { KafkaErrorCode } from '../errors';
import type { KafkaApi } from './api';

/** LeaveGroup 0-3 (v3 leaves several members at once). */
export const leaveGroupApi: KafkaApi = {
  key: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 3,
  handle(version, request, response, context) {
    const groupId = request.string();
    if (version < 3) {
      const errorCode = context.groups.leave(groupId, request.string());
      if (version >= 1) response.int32(0);
      response.int16(errorCode);
      return;
    }
    const members = request.array((r) => ({ memberId: r.string(), instanceId: r.nullableString() }));
    const results = members.map((member) => ({
      ...member,
      errorCode: context.groups.leave(groupId, member.memberId),
    }));
    response.int32(0).int16(KafkaErrorCode.NONE);
    response.array(results, (w, member) =>
      w.string(member.memberId).nullableString(member.instanceId).int16(member.errorCode),
    );
  },
};
