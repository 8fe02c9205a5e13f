import { eventOf } from '../../orders/order-envelopes';
import { type Condition, dropEntries, eventTime, type Rule } from './rule';

/** More than `maxWaiting` orders waiting for review, or one waiting longer than `slaMs`. */
export interface ReviewBacklogConfig {
  readonly maxWaiting: number;
  readonly slaMs: number;
}

interface Waiting {
  readonly eventId: string;
  readonly requestedAt: number;
  /** Kept a while after the review ends, so a ReviewRequested delivered again does not reopen it. */
  resolvedAt?: number;
}

export type ReviewBacklogState = Record<string, Waiting>;

const isWaiting = (w: Waiting): boolean => w.resolvedAt === undefined;

const SUBJECT = 'reviews';

export const reviewBacklog: Rule<ReviewBacklogConfig, ReviewBacklogState> = {
  id: 'review-backlog',
  name: 'Review backlog',
  severity: 'warning',
  config: { maxWaiting: 20, slaMs: 60 * 60_000 },
  initial: {},
  observe(state, { envelope }) {
    const event = eventOf(envelope);
    const orderId = envelope.metadata.orderId;
    const known = state[orderId];
    if (event.type === 'ReviewRequested' && known === undefined) {
      state[orderId] = { eventId: envelope.metadata.eventId, requestedAt: eventTime(envelope) };
    } else if ((event.type === 'ReviewApproved' || event.type === 'OrderCancelled') && known !== undefined) {
      // A review ends approved, or with the order cancelled (rejected, timed out, or cancelled meanwhile).
      known.resolvedAt ??= eventTime(envelope);
    }
  },
  forget(state, now, config) {
    dropEntries(
      state,
      (waiting) => !isWaiting(waiting) && now - (waiting.resolvedAt ?? 0) > 2 * config.slaMs,
    );
  },
  conditions(state, now, config): Condition[] {
    const waiting = Object.values(state)
      .filter(isWaiting)
      .sort((a, b) => a.requestedAt - b.requestedAt);
    const overdue = waiting.filter((w) => now - w.requestedAt > config.slaMs);
    const tooMany = waiting.length > config.maxWaiting;
    if (!tooMany && overdue.length === 0) return [{ subject: SUBJECT, holds: false }];
    return [
      {
        subject: SUBJECT,
        holds: true,
        evidence: (tooMany ? waiting : overdue).map((w) => w.eventId),
        windowStart: waiting[0]?.requestedAt ?? now,
        windowEnd: now,
        summary: `${waiting.length} orders waiting for review, ${overdue.length} past the ${config.slaMs / 60_000} min SLA (limit ${config.maxWaiting} waiting)`,
      },
    ];
  },
};
