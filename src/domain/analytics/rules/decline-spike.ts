import { eventOf } from '../../orders/order-envelopes';
import { addEntry, type Condition, eventTime, type Rule, type TimedEntry, within } from './rule';

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
  readonly attempts: readonly AttemptEntry[];
}

const SUBJECT = 'payments';

export const declineSpike: Rule<DeclineSpikeConfig, DeclineSpikeState> = {
  id: 'decline-spike',
  name: 'Payment decline spike',
  severity: 'critical',
  config: { windowMs: 5 * 60_000, maxDeclineRate: 0.3, minAttempts: 10 },
  initial: { attempts: [] },
  step(state, input, config) {
    const attempts = within(state.attempts, input.now, config.windowMs);
    if (input.kind !== 'event') return { attempts };
    const event = eventOf(input.envelope);
    if (event.type !== 'PaymentAuthorized' && event.type !== 'PaymentDeclined') return { attempts };
    const entry = {
      eventId: input.envelope.metadata.eventId,
      at: eventTime(input.envelope),
      declined: event.type === 'PaymentDeclined',
    };
    return { attempts: addEntry(attempts, entry) };
  },
  conditions(state, now, config): Condition[] {
    const recent = within(state.attempts, now, config.windowMs);
    const declines = recent.filter((a) => a.declined);
    const rate = recent.length === 0 ? 0 : declines.length / recent.length;
    const holds = recent.length >= config.minAttempts && rate > config.maxDeclineRate;
    return [
      {
        subject: SUBJECT,
        holds,
        evidence: holds ? declines.map((d) => d.eventId) : [],
        windowStart: recent[0]?.at ?? now - config.windowMs,
        windowEnd: now,
        summary: `${declines.length} of ${recent.length} payment authorizations declined (${Math.round(rate * 100)}%) within ${config.windowMs / 60_000} min (limit ${Math.round(config.maxDeclineRate * 100)}% with at least ${config.minAttempts} attempts)`,
      },
    ];
  },
};
