import * as t from 'io-ts';
import { EventMetadata, type EventEnvelope } from '../../domain/shared/envelope';
import { decodeItem } from './stored-items';

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

/**
 * The envelope parts of a stored item, undecoded: for a reader that decodes the whole envelope itself
 * (the outbox decodes it as an order event), so that nothing is decoded twice.
 */
export const envelopeParts = (
  item: Readonly<Record<string, unknown>>,
): { metadata: unknown; data: unknown } => ({
  metadata: item.metadata,
  data: item.data,
});

/** What fromItem checks of an item: its metadata (issue paths `metadata.<field>`). */
const StoredMetadata = t.type({ metadata: EventMetadata }, 'StoredEventItem');

/**
 * The envelope of a stored item, its metadata decoded (CorruptItemError naming the table, the item's
 * key and the failing paths when it does not): what the store's port promises. `data` stays unknown;
 * its shape depends on the event type and its reader decodes it.
 */
export const fromItem = (item: Readonly<Record<string, unknown>>, table: string): EventEnvelope<unknown> => ({
  metadata: decodeItem(StoredMetadata, item, { table, keyNames: ['streamId', 'version'] }).metadata,
  data: item.data,
});
