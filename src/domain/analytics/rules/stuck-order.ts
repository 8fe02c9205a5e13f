import { eventOf } from '../../orders/order-envelopes';
import { type Condition, eventTime, type Rule } from './rule';

/**
 * Absence: an order neither CONFIRMED nor CANCELLED within `maxOpenMs` of OrderPlaced. Nothing arrives
 * when an order is stuck, so this rule is also fed timer ticks (the consumer's schedule in the cloud,
 * the offline runtime's schedule offline): `now` moves without an event and the condition is re-read.
 */
export interface StuckOrderConfig {
  readonly maxOpenMs: number;
}

interface TrackedOrder {
  readonly eventId: string;
  readonly placedAt: number;
  /**
   * When the order ended. Ended orders are kept a while (a tombstone) so that an OrderPlaced delivered
   * again after its terminal event does not reopen the order.
   */
  readonly endedAt?: number;
}

export type StuckOrderState = Readonly<Record<string, TrackedOrder>>;

const isOpen = (order: TrackedOrder): boolean => order.endedAt === undefined;

export const stuckOrder: Rule<StuckOrderConfig, StuckOrderState> = {
  id: 'stuck-order',
  name: 'Order not confirmed or cancelled in time',
  severity: 'warning',
  config: { maxOpenMs: 15 * 60_000 },
  initial: {},
  step(state, input, config) {
    const kept = Object.fromEntries(
      Object.entries(state).filter(
        ([, o]) => isOpen(o) || input.now - (o.endedAt ?? 0) <= 2 * config.maxOpenMs,
      ),
    );
    if (input.kind !== 'event') return kept;
    const event = eventOf(input.envelope);
    const orderId = input.envelope.metadata.orderId;
    const known = kept[orderId];
    if (event.type === 'OrderPlaced' && known === undefined) {
      return {
        ...kept,
        [orderId]: { eventId: input.envelope.metadata.eventId, placedAt: eventTime(input.envelope) },
      };
    }
    if ((event.type === 'OrderConfirmed' || event.type === 'OrderCancelled') && known !== undefined) {
      return { ...kept, [orderId]: { ...known, endedAt: eventTime(input.envelope) } };
    }
    return kept;
  },
  conditions: (state, now, config): Condition[] =>
    Object.entries(state)
      .filter(([, order]) => isOpen(order))
      .map(([orderId, open]) => {
        const holds = now - open.placedAt > config.maxOpenMs;
        return {
          subject: orderId,
          holds,
          evidence: holds ? [open.eventId] : [],
          windowStart: open.placedAt,
          windowEnd: open.placedAt + config.maxOpenMs,
          summary: `order ${orderId} placed ${Math.round((now - open.placedAt) / 60_000)} min ago is neither confirmed nor cancelled (limit ${config.maxOpenMs / 60_000} min)`,
        };
      }),
};
