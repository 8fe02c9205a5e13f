export interface OrderOutcome {
  readonly orderId: string;
  readonly status: string;
  readonly total: number;
  readonly lines: readonly { sku: string; quantity: number }[];
  readonly executions: number;
  /**
   * From the provider's ledger: minor units captured and refunded, and the holds still live
   * (authorizations neither voided nor captured).
   */
  readonly ledger: { captured: number; refunded: number; liveHolds: number };
  readonly versions: readonly number[];
  /** The read model's view, as the API serves it. */
  readonly view: Readonly<Record<string, unknown>>;
  /** The view folded from the event store, or why the stream could not be folded. */
  readonly folded: Readonly<Record<string, unknown>> | { readonly foldError: string };
  readonly notifications: readonly { channel: string; eventId: string }[];
}

/** A message found in a dead-letter queue during the run, with the orders its body names. */
export interface DeadLetter {
  readonly queue: string;
  readonly messageId: string;
  readonly orderIds: readonly string[];
}

export interface Violation {
  readonly invariant: Invariant;
  readonly detail: string;
}

export const INVARIANTS = [
  'terminal',
  'one saga',
  'stock',
  'money',
  'priced',
  'gapless',
  'read model',
  'notified once',
  'dlq accounted',
  // Analytics (scripts/chaos/analytics-invariants.ts): the served 1-minute views equal the fold of the
  // event store; the scenario's alerts are raised once each.
  'analytics counts',
  'alerts once',
] as const;
export type Invariant = (typeof INVARIANTS)[number];

export type StockLevels = ReadonlyMap<string, { initial: number; available: number; reserved: number }>;

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function readModelDiffers(o: OrderOutcome): string | undefined {
  if ('foldError' in o.folded) return `${o.orderId} events do not fold: ${String(o.folded.foldError)}`;
  const differing = Object.keys(o.folded).filter(
    (key) => !sameJson(o.view[key], (o.folded as Record<string, unknown>)[key]),
  );
  if (differing.length === 0) return undefined;
  return `${o.orderId} view differs from the fold in ${differing
    .map(
      (key) =>
        `${key} (${JSON.stringify(o.view[key])} ≠ ${JSON.stringify((o.folded as Record<string, unknown>)[key])})`,
    )
    .join(', ')}`;
}

interface ViewLine {
  readonly sku?: unknown;
  readonly quantity?: unknown;
  readonly unitPrice?: unknown;
}

/** Why an order is not the lines it asked for at catalogue prices, summing to its total; undefined if it is. */
function mispriced(o: OrderOutcome, prices: ReadonlyMap<string, number>): string | undefined {
  const items = o.view.items;
  if (!Array.isArray(items)) return undefined; // no view at all: `terminal` says so
  const lines = items as ViewLine[];
  const asked = o.lines.map((line) => `${line.sku}x${line.quantity}`).join(',');
  const recorded = lines.map((line) => `${String(line.sku)}x${String(line.quantity)}`).join(',');
  if (asked !== recorded) return `${o.orderId} has lines ${recorded}, asked for ${asked}`;
  const wrong = lines.filter((line) => line.unitPrice !== prices.get(String(line.sku)));
  if (wrong.length > 0) {
    return `${o.orderId} priced ${wrong.map((line) => `${String(line.sku)} at ${String(line.unitPrice)}`).join(', ')}, not at the catalogue's`;
  }
  const sum = lines.reduce((total, line) => total + Number(line.quantity) * Number(line.unitPrice), 0);
  return sum === o.total ? undefined : `${o.orderId} total ${o.total} ≠ ${sum}, the sum of its lines`;
}

/**
 * The saga's promises, checked once everything has settled. With `prices` (the run's catalogue, unit
 * prices by SKU), also that every order is priced by it (`priced`): the money the ledger is held to is
 * then the catalogue's, not whatever a client sent.
 */
export function checkInvariants(
  outcomes: readonly OrderOutcome[],
  stock: StockLevels,
  deadLetters: readonly DeadLetter[] = [],
  prices?: ReadonlyMap<string, number>,
): Violation[] {
  const violations: Violation[] = [];
  const add = (invariant: Invariant, detail: string) => violations.push({ invariant, detail });
  const confirmedBySku = new Map<string, number>();
  const complete = new Set<string>();
  for (const o of outcomes) {
    const before = violations.length;
    if (o.status !== 'CONFIRMED' && o.status !== 'CANCELLED')
      add('terminal', `${o.orderId} ended ${o.status}`);
    if (o.executions !== 1) add('one saga', `${o.orderId} has ${o.executions} executions`);
    const kept = o.ledger.captured - o.ledger.refunded;
    const expected = o.status === 'CONFIRMED' ? o.total : 0;
    if (kept !== expected) add('money', `${o.orderId} ${o.status} kept ${kept}, expected ${expected}`);
    // A hold blocks the customer's money until it lapses: an ended order keeps none (a CONFIRMED order's
    // authorization was captured; a CANCELLED order's was voided, even one the saga never recorded).
    if (o.ledger.liveHolds !== 0 && (o.status === 'CANCELLED' || o.status === 'CONFIRMED'))
      add('money', `${o.orderId} ${o.status} still holds ${o.ledger.liveHolds} authorization(s)`);
    const priced = prices ? mispriced(o, prices) : undefined;
    if (priced) add('priced', priced);
    if (o.versions.length === 0 || o.versions.some((v, i) => v !== i + 1))
      add('gapless', `${o.orderId} versions ${o.versions.join(',')}`);
    const differs = readModelDiffers(o);
    if (differs) add('read model', differs);
    const customer = o.notifications.filter((n) => n.channel === 'customer-email').length;
    if (customer !== 1) add('notified once', `${o.orderId} has ${customer} customer notifications`);
    const seen = new Set<string>();
    for (const n of o.notifications) {
      const key = `${n.channel} ${n.eventId}`;
      if (seen.has(key))
        add('notified once', `${o.orderId}: ${n.channel} written twice for event ${n.eventId}`);
      seen.add(key);
    }
    if (violations.length === before) complete.add(o.orderId);
    if (o.status === 'CONFIRMED')
      for (const line of o.lines)
        confirmedBySku.set(line.sku, (confirmedBySku.get(line.sku) ?? 0) + line.quantity);
  }
  for (const [sku, level] of stock) {
    const sold = confirmedBySku.get(sku) ?? 0;
    if (level.reserved !== 0) add('stock', `${sku} still has ${level.reserved} reserved`);
    if (level.initial !== level.available + sold)
      add('stock', `${sku}: initial ${level.initial} ≠ available ${level.available} + confirmed ${sold}`);
  }
  // A dead letter is accounted for when it names an order of this run whose outcome is whole anyway
  // (its work was done by a retry or a duplicate); one naming no order, or an incomplete one, is not.
  for (const letter of deadLetters) {
    if (letter.orderIds.length === 0 || !letter.orderIds.every((id) => complete.has(id))) {
      add(
        'dlq accounted',
        `${letter.queue} message ${letter.messageId} (orders: ${letter.orderIds.join(',') || 'none of this run'})`,
      );
    }
  }
  return violations;
}
