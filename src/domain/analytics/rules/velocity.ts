import { eventOf } from '../../orders/order-envelopes';
import { addEntry, type Condition, eventTime, type Rule, type TimedEntry, within } from './rule';

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

export type VelocityState = Readonly<Record<string, readonly PlacedEntry[]>>;

const condition = (
  customerId: string,
  entries: readonly PlacedEntry[],
  now: number,
  config: VelocityConfig,
) => {
  const recent = within(entries, now, config.windowMs);
  const totals = recent.reduce<Record<string, number>>(
    (sum, e) => ({ ...sum, [e.currency]: (sum[e.currency] ?? 0) + e.total }),
    {},
  );
  const [currency, total] = Object.entries(totals).sort(([, a], [, b]) => b - a)[0] ?? ['', 0];
  const holds = recent.length > config.maxOrders || total > config.maxTotal;
  return {
    subject: customerId,
    holds,
    evidence: holds ? recent.map((e) => e.eventId) : [],
    windowStart: recent[0]?.at ?? now - config.windowMs,
    windowEnd: now,
    summary: `customer ${customerId} placed ${recent.length} orders totalling ${total} ${currency} within ${config.windowMs / 60_000} min (limits: ${config.maxOrders} orders, ${config.maxTotal})`,
  } satisfies Condition;
};

export const velocity: Rule<VelocityConfig, VelocityState> = {
  id: 'velocity',
  name: 'Order velocity per customer',
  severity: 'warning',
  config: { windowMs: 10 * 60_000, maxOrders: 5, maxTotal: 500_000 },
  initial: {},
  step(state, input, config) {
    const pruned = Object.fromEntries(
      Object.entries(state)
        .map(([customer, entries]) => [customer, within(entries, input.now, config.windowMs)] as const)
        .filter(([, entries]) => entries.length > 0),
    );
    if (input.kind !== 'event') return pruned;
    const event = eventOf(input.envelope);
    if (event.type !== 'OrderPlaced') return pruned;
    const customer = event.data.customerId;
    const entry = {
      eventId: input.envelope.metadata.eventId,
      at: eventTime(input.envelope),
      total: event.data.total,
      currency: event.data.currency,
    };
    return { ...pruned, [customer]: addEntry(pruned[customer] ?? [], entry) };
  },
  conditions: (state, now, config) =>
    Object.entries(state).map(([customer, entries]) => condition(customer, entries, now, config)),
};
