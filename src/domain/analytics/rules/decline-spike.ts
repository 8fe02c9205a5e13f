import { eventOf } from '../../orders/order-envelopes';
import { addEntry, type Condition, dropBefore, eventTime, type Rule, type TimedEntry, within } from './rule';

/** Payment declines above `maxDeclineRate` of authorization attempts, with at least `minAttempts`. */
export interface DeclineSpikeConfig {
  readonly windowMs: number;
  /** 0..1 */
  readonly maxDeclineRate: number;
  readonly minAttempts: number;
}

interface AttemptEntry extends TimedEntry {
  readonly declined: boolean;
}

export interface DeclineSpikeState {
  /** Authorization attempts within the window, oldest first. */
  readonly attempts: AttemptEntry[];
}

const SUBJECT = 'payments';

export const declineSpike: Rule<DeclineSpikeConfig, DeclineSpikeState> = {
  id: 'decline-spike',
  name: 'Payment decline spike',
  severity: 'critical',
  config: { windowMs: 5 * 60_000, maxDeclineRate: 0.3, minAttempts: 10 },
  initial: { attempts: [] },
  observe(state, { envelope }) {
    const event = eventOf(envelope);
    if (event.type !== 'PaymentAuthorized' && event.type !== 'PaymentDeclined') return;
    addEntry(state.attempts, {
      eventId: envelope.metadata.eventId,
      at: eventTime(envelope),
      declined: event.type === 'PaymentDeclined',
    });
  },
  forget(state, now, config) {
    dropBefore(state.attempts, now, config.windowMs);
  },
  conditions(state, now, config): Condition[] {
    const recent = within(state.attempts, now, config.windowMs);
    const declines = recent.filter((a) => a.declined);
    const rate = recent.length === 0 ? 0 : declines.length / recent.length;
    if (recent.length < config.minAttempts || rate <= config.maxDeclineRate)
      return [{ subject: SUBJECT, holds: false }];
    return [
      {
        subject: SUBJECT,
        holds: true,
        evidence: declines.map((d) => d.eventId),
        windowStart: recent[0]?.at ?? now - config.windowMs,
        windowEnd: now,
        summary: `${declines.length} of ${recent.length} payment authorizations declined (${Math.round(rate * 100)}%) within ${config.windowMs / 60_000} min (limit ${Math.round(config.maxDeclineRate * 100)}% with at least ${config.minAttempts} attempts)`,
      },
    ];
  },
};
