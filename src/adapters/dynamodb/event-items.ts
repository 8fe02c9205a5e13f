import type { EventEnvelope } from '../../domain/shared/envelope';

// The stored shape of an event apart from the store: a stream handler maps records with it and needs no
// DynamoDB client (an import of the store would make its bundle load the SDK's DynamoDB packages).

export const streamIdOf = (orderId: string): string => `order#${orderId}`;

/** How one event is stored: keys, plus the envelope as it travels on the bus. */
export interface StoredEventItem {
  readonly streamId: string;
  readonly version: number;
  readonly type: string;
  readonly metadata: EventEnvelope<unknown>['metadata'];
  readonly data: unknown;
}

export const toItem = (envelope: EventEnvelope<unknown>): StoredEventItem => ({
  streamId: streamIdOf(envelope.metadata.orderId),
  version: envelope.metadata.version,
  type: envelope.metadata.type,
  metadata: envelope.metadata,
  data: envelope.data,
});

export const fromItem = (item: Record<string, unknown>): EventEnvelope<unknown> => ({
  metadata: item.metadata as EventEnvelope<unknown>['metadata'],
  data: item.data,
});
