import type { OrderEventEnvelope } from '../orders/order-envelopes';
import { bucketStartOf } from './config';
import { placedOrderOf, type PlacedOrder } from './minute-bucket';
import { eventTimeOf } from './windowing';

/** What a replay from `fromMs` feeds the consumer again, and what the consumer must know beforehand. */
export interface ReplaySelection {
  /** The first bucket the replay rebuilds: `from` rounded down to the minute. */
  readonly fromStart: number;
  /** Every event at or after fromStart, in event-time order, each order's events in stream order. */
  readonly events: readonly OrderEventEnvelope[];
  /**
   * OrderPlaced summaries of orders placed before fromStart whose later events are replayed: their
   * terminal events need the amount and placing time, which the replayed records do not carry.
   */
  readonly placedBefore: readonly PlacedOrder[];
}

interface Ordered {
  readonly envelope: OrderEventEnvelope;
  /** The latest event time of the stream up to and including this event (see below). */
  readonly sortTime: number;
}

/**
 * Picks and orders the events to replay from whole order streams. The order is event time, so that
 * each partition's watermark only moves forward and no replayed event is late; but an order's events
 * must also reach the consumer in stream order, as the live producer sends them (a confirmation needs
 * its OrderPlaced first). Both hold by sorting on each event's stream-so-far latest time: equal to
 * the event time when an order's clock never goes back, and never putting an event before its
 * predecessor when it does. Ties go by order id and version, so the order is the same on every run.
 */
export const selectReplay = (
  streams: Iterable<readonly OrderEventEnvelope[]>,
  fromMs: number,
): ReplaySelection => {
  const fromStart = bucketStartOf(fromMs);
  const selected: Ordered[] = [];
  const placedBefore: PlacedOrder[] = [];
  for (const stream of streams) {
    const inOrder = [...stream].sort((a, b) => a.metadata.version - b.metadata.version);
    let latest = -Infinity;
    let placedEarlier: PlacedOrder | undefined;
    let replayed = false;
    for (const envelope of inOrder) {
      const time = eventTimeOf(envelope);
      latest = Math.max(latest, time);
      if (time < fromStart) {
        placedEarlier ??= placedOrderOf(envelope);
        continue;
      }
      replayed = true;
      selected.push({ envelope, sortTime: latest });
    }
    if (replayed && placedEarlier) placedBefore.push(placedEarlier);
  }
  selected.sort(
    (a, b) =>
      a.sortTime - b.sortTime ||
      a.envelope.metadata.orderId.localeCompare(b.envelope.metadata.orderId) ||
      a.envelope.metadata.version - b.envelope.metadata.version,
  );
  return { fromStart, events: selected.map((s) => s.envelope), placedBefore };
};
