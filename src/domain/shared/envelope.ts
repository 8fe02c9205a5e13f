import * as t from 'io-ts';
import { IsoDateTime, NonEmptyString, PositiveInteger } from './codecs';

/**
 * Metadata carried by every event (EventBridge `detail.metadata`). Decoded with `t.type`, which
 * tolerates unknown fields: producers may add fields and older consumers must keep working.
 */
export const EventMetadata = t.type({
  eventId: NonEmptyString,
  type: NonEmptyString,
  /** Position in the order's stream, 1 for OrderPlaced; the event store's sort key. */
  version: PositiveInteger,
  /** Version of this event type's `data` shape; bumped on incompatible changes. */
  schemaVersion: PositiveInteger,
  occurredAt: IsoDateTime,
  correlationId: NonEmptyString,
  causationId: NonEmptyString,
  orderId: NonEmptyString,
});
export type EventMetadata = t.TypeOf<typeof EventMetadata>;

export interface EventEnvelope<T> {
  readonly metadata: EventMetadata;
  readonly data: T;
}

export const envelopeCodec = <C extends t.Mixed>(
  dataCodec: C,
): t.Type<EventEnvelope<t.TypeOf<C>>, EventEnvelope<t.OutputOf<C>>, unknown> =>
  t.type({ metadata: EventMetadata, data: dataCodec }, `EventEnvelope<${dataCodec.name}>`);
