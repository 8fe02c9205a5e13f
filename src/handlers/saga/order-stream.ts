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
  type OrderCommand,
  type OrderEvent,
  type OrderState,
} from '../../domain/orders';
import type { EventStore } from '../../adapters/dynamodb/event-store';
import { logger, orderMetrics } from '../observability';

const MAX_CONFLICT_RETRIES = 5;

/** The order as its stream says it is now. */
export async function loadOrder(store: EventStore, orderId: string): Promise<OrderState> {
  return (await loadOrderStream(store, orderId)).state;
}

/** The order's state and the stored events it was folded from, for a step that needs both (one read). */
export async function loadOrderStream(
  store: EventStore,
  orderId: string,
): Promise<{ state: OrderState; stored: Awaited<ReturnType<EventStore['load']>> }> {
  const stored = await store.load(orderId);
  const envelopes = stored.map((item) => {
    const decoded = decodeOrderEnvelope(item);
    if (E.isLeft(decoded)) throw decoded.left;
    return decoded.right;
  });
  const state = foldEvents(envelopes);
  if (!state) throw new OrderNotFoundError(orderId);
  return { state, stored };
}

/**
 * An outcome appended now (never a repeat, which appends nothing): counted, and timed from OrderPlaced.
 * Only an append that succeeded gets here, so a redelivered message or a retried step counts nothing.
 */
function recordOutcome(before: OrderState, appended: readonly OrderEvent[], at: string): void {
  const sagaMs = Math.max(0, Date.parse(at) - Date.parse(before.createdAt));
  for (const event of appended) {
    if (event.type === 'OrderConfirmed') {
      orderMetrics.confirmed();
      orderMetrics.sagaDuration('CONFIRMED', sagaMs);
    } else if (event.type === 'OrderCancelled') {
      orderMetrics.cancelled(event.data.reason);
      orderMetrics.sagaDuration('CANCELLED', sagaMs);
    }
  }
}

export interface RecordOptions {
  readonly now?: () => Date;
  /** The stream as the caller just read it: the first attempt decides on it instead of reading again. */
  readonly current?: OrderState;
  /**
   * Checked against the stream as it is when the command is decided (again after a lost race), so the
   * append happens only on a stream that passes it; throw to refuse. For conditions the command alone
   * does not carry, e.g. a reviewer's rejection applies only to an order still awaiting its review.
   */
  readonly precondition?: (state: OrderState) => void;
}

/**
 * Decides `command` against the current stream and appends what it produces. A lost race reloads and
 * decides again, so concurrent steps (a customer cancelling during a step) serialise on the stream.
 * A repeated command appends nothing: the domain answers it with no events. A stale `current` costs
 * nothing but that: its append loses the race, and the retry reads the stream.
 */
export async function record(
  store: EventStore,
  command: OrderCommand,
  causationId: string,
  { now = () => new Date(), current, precondition }: RecordOptions = {},
): Promise<{ state: OrderState; appended: OrderEvent[] }> {
  for (let attempt = 1; ; attempt += 1) {
    const state = attempt === 1 && current ? current : await loadOrder(store, command.orderId);
    precondition?.(state);
    const at = now().toISOString();
    const decided = decide(command, state, { now: at });
    if (E.isLeft(decided)) throw decided.left;
    if (decided.right.length === 0) return { state, appended: [] };
    const envelopes = toEnvelopes(decided.right, {
      orderId: state.orderId,
      currentVersion: state.version,
      occurredAt: at,
      correlationId: state.orderId,
      causationId,
      newEventId: ulid,
    });
    try {
      await store.append(envelopes);
      logger.info('events recorded', {
        events: decided.right.map((event) => event.type),
        version: state.version + decided.right.length,
        causationId,
      });
      recordOutcome(state, decided.right, at);
      // The stream is what it was plus what this append added: no second read of it.
      return { state: envelopes.reduce(evolve, state), appended: decided.right };
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= MAX_CONFLICT_RETRIES) throw error;
    }
  }
}
