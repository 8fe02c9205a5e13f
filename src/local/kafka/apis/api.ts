import type { Reader, Writer } from '../codec';
import type { GroupCoordinator } from '../groups';
import type { TopicStore } from '../log';

/** What every API handler sees of the broker. */
export interface BrokerContext {
  readonly store: TopicStore;
  readonly groups: GroupCoordinator;
  readonly nodeId: number;
  readonly host: string;
  readonly port: number;
  readonly clusterId: string;
  /** Metadata for an unknown topic creates it with the default partition count, as Kafka's default does. */
  readonly autoCreateTopics: boolean;
  /** The request header's client id, which names group members as Kafka names them. */
  readonly clientId: string;
  /** The one request Kafka never answers is a Produce with acks=0. */
  readonly skipResponse: () => void;
  /** True once the broker is closing: fetches stop waiting. */
  readonly closing: () => boolean;
}

/** One Kafka API at the (non-flexible) versions this broker advertises. */
export interface KafkaApi {
  readonly key: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /**
   * Reads the request body after the header and writes the response body (the header is the broker's).
   */
  handle(version: number, request: Reader, response: Writer, context: BrokerContext): void | Promise<void>;
}
