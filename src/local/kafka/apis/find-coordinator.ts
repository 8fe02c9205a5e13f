import { KafkaErrorCode } from '../errors';
import type { KafkaApi } from './api';

/** FindCoordinator 0-2: this broker coordinates every group (and would every transaction, were there any). */
export const findCoordinatorApi: KafkaApi = {
  key: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 2,
  handle(version, request, response, context) {
    request.string();
    if (version >= 1) request.int8();
    if (version >= 1) response.int32(0);
    response.int16(KafkaErrorCode.NONE);
    if (version >= 1) response.nullableString(null);
    response.int32(context.nodeId).string(context.host).int32(context.port);
  },
};
