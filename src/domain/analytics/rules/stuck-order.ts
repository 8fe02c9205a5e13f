import { eventOf } from '../../orders/order-envelopes';
import { type Condition, dropEntries, eventTime, type Rule } from './rule';

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
  endedAt?: number;
}

export type StuckOrderState = Record<string, TrackedOrder>;

const isOpen = (order: TrackedOrder): boolean => order.endedAt === undefined;

export const stuckOrder: Rule<StuckOrderConfig, StuckOrderState> = {
  id: 'stuck-order',
  name: 'Order not confirmed or cancelled in time',
  severity: 'warning',
  config: { maxOpenMs: 15 * 60_000 },
  initial: {},
  observe(state, { envelope }) {
    const event = eventOf(envelope);
    const orderId = envelope.metadata.orderId;
    const known = state[orderId];
    if (event.type === 'OrderPlaced' && known === undefined) {
      state[orderId] = { eventId: envelope.metadata.eventId, placedAt: eventTime(envelope) };
    } else if ((event.type === 'OrderConfirmed' || event.type === 'OrderCancelled') && known !== undefined) {
      known.endedAt ??= eventTime(envelope);
    }
  },
  forget(state, now, config) {
    dropEntries(state, (order) => !isOpen(order) && now - (order.endedAt ?? 0) > 2 * config.maxOpenMs);
  },
  conditions: (state, now, config): Condition[] =>
    Object.entries(state)
      .filter(([, order]) => isOpen(order))
      .map(([orderId, open]): Condition => {
        if (now - open.placedAt <= config.maxOpenMs) return { subject: orderId, holds: false };
        return {
          subject: orderId,
          holds: true,
          evidence: [open.eventId],
          windowStart: open.placedAt,
          windowEnd: open.placedAt + config.maxOpenMs,
          summary: `order ${orderId} placed ${Math.round((now - open.placedAt) / 60_000)} min ago is neither confirmed nor cancelled (limit ${config.maxOpenMs / 60_000} min)`,
        };
      }),
};
