import type { OrderEventEnvelope } from '../../orders/order-envelopes';
import type { AlertSeverity } from '../alerts';

/** An event as a rule observes it; `now` is the engine's clock (the latest event time seen, or later). */
export interface ObservedEvent {
  readonly envelope: OrderEventEnvelope;
  readonly now: number;
}

/** Whether the rule's condition holds for one subject now, and on what evidence when it does. */
export type Condition =
  | { readonly subject: string; readonly holds: false }
  | {
      readonly subject: string;
      readonly holds: true;
      /** Event ids that make the condition hold. */
      readonly evidence: readonly string[];
      /** Epoch ms: the event-time window the evidence falls in. */
      readonly windowStart: number;
      readonly windowEnd: number;
      readonly summary: string;
    };

/**
 * A rule as data plus three functions over a JSON-serialisable `State` (the consumer stores it between
 * batches). `observe` and `forget` change the state in place: the engine hands each rule its own copy
 * of the stored state for one batch, so a batch costs its events plus one pass over the state, not its
 * events times the state (a state of 10,000 open orders copied per event made the consumer quadratic).
 * `observe` is idempotent per event id, so a redelivered event changes nothing.
 */
export interface Rule<Config, State> {
  readonly id: string;
  readonly name: string;
  readonly severity: AlertSeverity;
  readonly config: Config;
  /** Never changed: the engine starts from a copy. */
  readonly initial: State;
  observe(state: State, event: ObservedEvent, config: Config): void;
  /** Drops what no window needs any more at `now` (old entries, ended orders past their tombstone). */
  forget(state: State, now: number, config: Config): void;
  /** The conditions of every subject the state knows of at `now`; a subject not listed does not hold. */
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

/** Adds an entry in place unless its event id is already there (redelivery), keeping time order. */
export const addEntry = <E extends TimedEntry>(entries: E[], entry: E): void => {
  if (entries.some((e) => e.eventId === entry.eventId)) return;
  entries.push(entry);
  // Events mostly arrive in time order: sort only when this one did not.
  const previous = entries[entries.length - 2];
  if (previous !== undefined && previous.at > entry.at) entries.sort((a, b) => a.at - b.at);
};

/** Keeps, in place, the entries of the window ending at `now` (and any later ones). */
export const dropBefore = <E extends TimedEntry>(entries: E[], now: number, windowMs: number): void => {
  const first = entries.findIndex((e) => e.at > now - windowMs);
  entries.splice(0, first === -1 ? entries.length : first);
};

/** Deletes, in place, the entries `drop` selects (rule states are JSON records so they store as they are). */
export const dropEntries = <V>(record: Record<string, V>, drop: (value: V, key: string) => boolean): void => {
  for (const [key, value] of Object.entries(record)) {
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a JSON record changed in place, see Rule
    if (drop(value, key)) delete record[key];
  }
};
