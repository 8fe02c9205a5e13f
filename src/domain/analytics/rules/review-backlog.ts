import { eventOf } from '../../orders/order-envelopes';
import { type Condition, eventTime, type Rule } from './rule';

/** More than `maxWaiting` orders waiting for review, or one waiting longer than `slaMs`. */
export interface ReviewBacklogConfig {
  readonly maxWaiting: number;
  readonly slaMs: number;
}

interface Waiting {
  readonly eventId: string;
  readonly requestedAt: number;
  /** Kept a while after the review ends, so a ReviewRequested delivered again does not reopen it. */
  readonly resolvedAt?: number;
}

export type ReviewBacklogState = Readonly<Record<string, Waiting>>;

const isWaiting = (w: Waiting): boolean => w.resolvedAt === undefined;

const SUBJECT = 'reviews';

export const reviewBacklog: Rule<ReviewBacklogConfig, ReviewBacklogState> = {
  id: 'review-backlog',
  name: 'Review backlog',
  severity: 'warning',
  config: { maxWaiting: 20, slaMs: 60 * 60_000 },
  initial: {},
  step(state, input, config) {
    const kept = Object.fromEntries(
      Object.entries(state).filter(
        ([, w]) => isWaiting(w) || input.now - (w.resolvedAt ?? 0) <= 2 * config.slaMs,
      ),
    );
    if (input.kind !== 'event') return kept;
    const event = eventOf(input.envelope);
    const orderId = input.envelope.metadata.orderId;
    const known = kept[orderId];
    if (event.type === 'ReviewRequested' && known === undefined) {
      return {
        ...kept,
        [orderId]: { eventId: input.envelope.metadata.eventId, requestedAt: eventTime(input.envelope) },
      };
    }
    // A review ends approved, or with the order cancelled (rejected, timed out, or cancelled meanwhile).
    if ((event.type === 'ReviewApproved' || event.type === 'OrderCancelled') && known !== undefined) {
      return { ...kept, [orderId]: { ...known, resolvedAt: eventTime(input.envelope) } };
    }
    return kept;
  },
  conditions(state, now, config): Condition[] {
    const waiting = Object.values(state)
      .filter(isWaiting)
      .sort((a, b) => a.requestedAt - b.requestedAt);
    const overdue = waiting.filter((w) => now - w.requestedAt > config.slaMs);
    const tooMany = waiting.length > config.maxWaiting;
    const holds = tooMany || overdue.length > 0;
    return [
      {
        subject: SUBJECT,
        holds,
        evidence: holds ? (tooMany ? waiting : overdue).map((w) => w.eventId) : [],
        windowStart: waiting[0]?.requestedAt ?? now,
        windowEnd: now,
        summary: `${waiting.length} orders waiting for review, ${overdue.length} past the ${config.slaMs / 60_000} min SLA (limit ${config.maxWaiting} waiting)`,
      },
    ];
  },
};
