import type { Writer } from '../codec';
import { KafkaErrorCode } from '../errors';
import type { KafkaApi } from './api';

/**
 * ApiVersions 0-2. A client's first probe is often v3 (flexible); Kafka answers any version it does not know
 * with a v0 body carrying UNSUPPORTED_VERSION and its versions, and clients then retry with one it has.
 */
export const apiVersionsApi = (all: () => readonly KafkaApi[]): KafkaApi => ({
  key: 18,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 2,
  handle(version, _request, response) {
    writeApiVersions(response, KafkaErrorCode.NONE, all(), version);
  },
});

export function writeApiVersions(
  response: Writer,
  errorCode: number,
  apis: readonly KafkaApi[],
  version: number,
): void {
  response.int16(errorCode);
  response.array(apis, (w, api) => w.int16(api.key).int16(api.minVersion).int16(api.maxVersion));
  if (version >= 1) response.int32(0);
}
