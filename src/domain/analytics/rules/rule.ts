import type { OrderEventEnvelope } from '../../orders/order-envelopes';
import type { AlertSeverity } from '../alerts';

/** What a rule is fed: an event (its time is the event time) or a timer tick (absence rules need one). */
export type RuleInput =
  | { readonly kind: 'event'; readonly envelope: OrderEventEnvelope; readonly now: number }
  | { readonly kind: 'tick'; readonly now: number };

/** Whether the rule's condition holds for one subject now, and on what evidence. */
export interface Condition {
  readonly subject: string;
  readonly holds: boolean;
  /** Event ids that make the condition hold (empty when it does not). */
  readonly evidence: readonly string[];
  /** Epoch ms: the event-time window the evidence falls in. */
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly summary: string;
}

/**
 * A rule as data plus two pure functions. `State` is JSON-serialisable (the consumer stores it between
 * batches) and `step` is idempotent per event id, so a redelivered event changes nothing.
 */
export interface Rule<Config, State> {
  readonly id: string;
  readonly name: string;
  readonly severity: AlertSeverity;
  readonly config: Config;
  readonly initial: State;
  step(state: State, input: RuleInput, config: Config): State;
  /** The conditions of every subject the state knows of; a subject not listed does not hold. */
  conditions(state: State, now: number, config: Config): readonly Condition[];
}

export const eventTime = (envelope: OrderEventEnvelope): number => Date.parse(envelope.metadata.occurredAt);

/** A subject's timed entries without those older than the window, newest last. */
export interface TimedEntry {
  readonly eventId: string;
  readonly at: number;
}

export const within = <E extends TimedEntry>(entries: readonly E[], now: number, windowMs: number): E[] =>
  entries.filter((e) => e.at > now - windowMs && e.at <= now);

/** Adds an entry unless its event id is already there (redelivery), keeping entries in time order. */
export const addEntry = <E extends TimedEntry>(entries: readonly E[], entry: E): readonly E[] =>
  entries.some((e) => e.eventId === entry.eventId)
    ? entries
    : [...entries, entry].sort((a, b) => a.at - b.at);
