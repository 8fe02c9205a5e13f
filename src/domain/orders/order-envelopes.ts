import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import * as t from 'io-ts';
import { type EventEnvelope, envelopeCodec, type EventMetadata } from '../shared/envelope';
import { ValidationError } from '../shared/errors';
import { issuesFromDecodeErrors } from '../shared/io-ts-issues';
import {
  decodeOrderEvent,
  EVENT_SCHEMA_VERSIONS,
  type OrderEvent,
  type OrderEventData,
  type OrderEventType,
} from './events';

/** An order event as stored and published: `metadata.type` names the event, `data` is its payload. */
export type OrderEventEnvelope = {
  [K in OrderEventType]: EventEnvelope<OrderEventData<K>> & {
    readonly metadata: EventMetadata & { readonly type: K };
  };
}[OrderEventType];

const anyEnvelope = envelopeCodec(t.unknown);

/**
 * Decodes an envelope from the wire (EventBridge `detail`, a stream record): metadata, then `data`
 * against the codec of `metadata.type`. Unknown fields anywhere are tolerated. Issue paths are
 * `metadata.<field>` or `data.<field>`.
 */
export const decodeOrderEnvelope = (input: unknown): E.Either<ValidationError, OrderEventEnvelope> =>
  pipe(
    anyEnvelope.decode(input),
    E.mapLeft((errors) => new ValidationError(issuesFromDecodeErrors(errors))),
    E.chain((envelope) =>
      pipe(
        decodeOrderEvent(envelope.metadata.type, envelope.data),
        E.mapLeft(
          (error) =>
            new ValidationError(
              error.details.map((d) => (d.path === 'type' ? { ...d, path: 'metadata.type' } : d)),
            ),
        ),
        E.chain((event) =>
          event.data.orderId === envelope.metadata.orderId
            ? E.right(toEnvelope(envelope.metadata, event))
            : E.left(
                new ValidationError([
                  { path: 'data.orderId', rule: 'mismatch', message: 'must equal metadata.orderId' },
                ]),
              ),
        ),
      ),
    ),
  );

/** The event inside an envelope, as the discriminated union (narrowable by `type`). */
export const eventOf = (envelope: OrderEventEnvelope): OrderEvent =>
  // Safe: an OrderEventEnvelope pairs `metadata.type` with the matching `data` by construction.
  ({ type: envelope.metadata.type, data: envelope.data }) as OrderEvent;

const toEnvelope = (metadata: EventMetadata, event: OrderEvent): OrderEventEnvelope =>
  // Safe: `event.type` was decoded from `metadata.type` itself, or is written into it here.
  ({ metadata: { ...metadata, type: event.type }, data: event.data }) as OrderEventEnvelope;

export interface EnvelopeContext {
  readonly orderId: string;
  /** Stream version before these events (0 for a new order); the first new event gets this + 1. */
  readonly currentVersion: number;
  readonly occurredAt: string;
  readonly correlationId: string;
  readonly causationId: string;
  /** Supplies event ids (e.g. ULIDs); passed in because the domain creates no randomness itself. */
  readonly newEventId: () => string;
}

/** Wraps freshly decided events for appending: consecutive versions, shared correlation and causation. */
export const toEnvelopes = (events: readonly OrderEvent[], ctx: EnvelopeContext): OrderEventEnvelope[] =>
  events.map((event, i) =>
    toEnvelope(
      {
        eventId: ctx.newEventId(),
        type: event.type,
        version: ctx.currentVersion + i + 1,
        schemaVersion: EVENT_SCHEMA_VERSIONS[event.type],
        occurredAt: ctx.occurredAt,
        correlationId: ctx.correlationId,
        causationId: ctx.causationId,
        orderId: ctx.orderId,
      },
      event,
    ),
  );
