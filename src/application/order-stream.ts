import * as E from 'fp-ts/Either';
import { ulid } from 'ulid';
import {
  ConcurrencyError,
  decide,
  decodeOrderEnvelope,
  evolve,
  foldEvents,
  OrderNotFoundError,
  toEnvelopes,
  type Decision,
  type OrderCommand,
  type OrderEvent,
  type OrderEventEnvelope,
  type OrderState,
} from '../domain/orders';
import { unwrap } from '../domain/shared/unwrap';
import type { EventEnvelope } from '../domain/shared/envelope';
import type { OrderEventStore } from '../ports/order-event-store';

/** How many times a command is decided again after losing the race for the stream's next version. */
export const MAX_CONFLICT_RETRIES = 5;

export interface LoadedOrder {
  readonly state: OrderState;
  /** The stored events the state was folded from (a step that reads their payloads needs them). */
  readonly stored: EventEnvelope<unknown>[];
}

/**
 * A stream as stored, decoded and folded: its state (undefined for an empty stream), or the first
 * error that stops it (an undecodable event, a stream that cannot be folded). The read side (projector,
 * rebuild, audits) decides itself what such a stream means; the command side throws it.
 */
export function foldOrderStream(stored: readonly unknown[]): E.Either<Error, OrderState | undefined> {
  const envelopes: OrderEventEnvelope[] = [];
  for (const item of stored) {
    const decoded = decodeOrderEnvelope(item);
    if (E.isLeft(decoded)) return decoded;
    envelopes.push(decoded.right);
  }
  // foldEvents throws InvalidEventStreamError (a gap, a second OrderPlaced): a Left here like a bad item.
  return E.tryCatch(() => foldEvents(envelopes), E.toError);
}

/** The order's state and stored events (one read), or OrderNotFoundError. After castore's getAggregate. */
export async function loadOrderStream(
  store: Pick<OrderEventStore, 'load'>,
  orderId: string,
): Promise<LoadedOrder> {
  const stored = await store.load(orderId);
  const state = unwrap(foldOrderStream(stored));
  if (!state) throw new OrderNotFoundError(orderId);
  return { state, stored };
}

/** The order as its stream says it is now (its `version` is the one the next append must follow). */
export async function loadOrder(store: Pick<OrderEventStore, 'load'>, orderId: string): Promise<OrderState> {
  return (await loadOrderStream(store, orderId)).state;
}

/** Told of every append that succeeded (never of a repeat, which appends nothing): logs and metrics. */
export interface CommandObserver {
  appended(record: {
    readonly before: OrderState;
    readonly events: readonly OrderEvent[];
    readonly version: number;
    readonly at: string;
    readonly causationId: string;
  }): void;
}

export interface HandleCommandOptions {
  readonly observer: CommandObserver;
  readonly now?: () => Date;
  readonly newEventId?: () => string;
  /** The stream as the caller just read it: the first attempt decides on it instead of reading again. */
  readonly current?: OrderState;
  /**
   * Checked against the stream as it is when the command is decided (again after a lost race), so the
   * append happens only on a stream that passes it; throw to refuse. For conditions the command alone
   * does not carry, e.g. a reviewer's rejection applies only to an order still awaiting its review.
   */
  readonly precondition?: (state: OrderState) => void;
  readonly maxAttempts?: number;
}

/**
 * Load, decide, append at the expected version (after Emmett's CommandHandler). A lost race reloads
 * and decides again, up to `maxAttempts` times, so concurrent writers (a customer cancelling during a
 * saga step) serialise on the stream. A repeated command appends nothing: the domain answers it with
 * no events. A stale `current` costs nothing but that: its append loses the race, and the retry reads.
 */
export async function handleCommand(
  store: OrderEventStore,
  command: OrderCommand,
  causationId: string,
  {
    observer,
    now = () => new Date(),
    newEventId = ulid,
    current,
    precondition,
    maxAttempts = MAX_CONFLICT_RETRIES,
  }: HandleCommandOptions,
): Promise<{ state: OrderState; appended: OrderEvent[] }> {
  for (let attempt = 1; ; attempt += 1) {
    const state = attempt === 1 && current ? current : await loadOrder(store, command.orderId);
    precondition?.(state);
    const at = now().toISOString();
    const events = unwrap(decide(command, state, { now: at }));
    if (events.length === 0) return { state, appended: [] };
    const envelopes = toEnvelopes(events, {
      orderId: state.orderId,
      currentVersion: state.version,
      occurredAt: at,
      correlationId: state.orderId,
      causationId,
      newEventId,
    });
    try {
      await store.append(envelopes);
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= maxAttempts) throw error;
      continue;
    }
    observer.appended({ before: state, events, version: state.version + events.length, at, causationId });
    // The stream is what it was plus what this append added: no second read of it.
    return { state: envelopes.reduce(evolve, state), appended: events };
  }
}

/**
 * Decides a new order (no stream to load yet): placeOrder decides before it claims its idempotency key
 * and appends, so a refused order leaves no trace.
 */
export const decideNewOrder = (command: Extract<OrderCommand, { type: 'PlaceOrder' }>): Decision =>
  decide(command, undefined, { now: command.placedAt });

/**
 * Appends a new order's first events (version 1 onward). A taken version 1 is ConcurrencyError: the
 * caller knows whether that means a repeat (placeOrder with an idempotency key) or a collision.
 */
export async function startOrderStream(
  store: OrderEventStore,
  orderId: string,
  events: readonly OrderEvent[],
  { at, causationId, newEventId }: { at: string; causationId: string; newEventId: () => string },
): Promise<void> {
  await store.append(
    toEnvelopes(events, {
      orderId,
      currentVersion: 0,
      occurredAt: at,
      correlationId: orderId,
      causationId,
      newEventId,
    }),
  );
}
