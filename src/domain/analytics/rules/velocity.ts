import { eventOf } from '../../orders/order-envelopes';
import {
  addEntry,
  type Condition,
  dropBefore,
  dropEntries,
  eventTime,
  type Rule,
  type TimedEntry,
  within,
} from './rule';

/** One customer placing more than `maxOrders` orders, or more than `maxTotal` in one currency, within the window. */
export interface VelocityConfig {
  readonly windowMs: number;
  readonly maxOrders: number;
  /** Minor units; compared per currency. */
  readonly maxTotal: number;
}

interface PlacedEntry extends TimedEntry {
  readonly total: number;
  readonly currency: string;
}

/** Each customer's OrderPlaced entries within the window, oldest first. */
export type VelocityState = Record<string, PlacedEntry[]>;

const condition = (
  customerId: string,
  entries: readonly PlacedEntry[],
  now: number,
  config: VelocityConfig,
): Condition => {
  const recent = within(entries, now, config.windowMs);
  const totals = new Map<string, number>();
  for (const e of recent) totals.set(e.currency, (totals.get(e.currency) ?? 0) + e.total);
  const [currency, total] = [...totals].sort(([, a], [, b]) => b - a)[0] ?? ['', 0];
  if (recent.length <= config.maxOrders && total <= config.maxTotal)
    return { subject: customerId, holds: false };
  return {
    subject: customerId,
    holds: true,
    evidence: recent.map((e) => e.eventId),
    windowStart: recent[0]?.at ?? now - config.windowMs,
    windowEnd: now,
    summary: `customer ${customerId} placed ${recent.length} orders totalling ${total} ${currency} within ${config.windowMs / 60_000} min (limits: ${config.maxOrders} orders, ${config.maxTotal})`,
  };
};

export const velocity: Rule<VelocityConfig, VelocityState> = {
  id: 'velocity',
  name: 'Order velocity per customer',
  severity: 'warning',
  config: { windowMs: 10 * 60_000, maxOrders: 5, maxTotal: 500_000 },
  initial: {},
  observe(state, { envelope }) {
    const event = eventOf(envelope);
    if (event.type !== 'OrderPlaced') return;
    const customer = event.data.customerId;
    const entries = (state[customer] ??= []);
    addEntry(entries, {
      eventId: envelope.metadata.eventId,
      at: eventTime(envelope),
      total: event.data.total,
      currency: event.data.currency,
    });
  },
  forget(state, now, config) {
    dropEntries(state, (entries) => {
      dropBefore(entries, now, config.windowMs);
      return entries.length === 0;
    });
  },
  conditions: (state, now, config) =>
    Object.entries(state).map(([customer, entries]) => condition(customer, entries, now, config)),
};
