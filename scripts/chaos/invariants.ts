export interface OrderOutcome {
  readonly orderId: string;
  readonly status: string;
  readonly total: number;
  readonly lines: { sku: string; quantity: number }[];
  readonly executions: number;
  readonly ledger: { captured: number; refunded: number };
  readonly versions: number[];
  readonly viewVersion: number;
  readonly customerNotifications: number;
}

export interface Violation {
  readonly invariant: string;
  readonly detail: string;
}

/** The saga's promises, checked once everything has settled. */
export function checkInvariants(
  outcomes: readonly OrderOutcome[],
  stock: ReadonlyMap<string, { initial: number; available: number; reserved: number }>,
): Violation[] {
  const violations: Violation[] = [];
  const confirmedBySku = new Map<string, number>();
  for (const o of outcomes) {
    if (o.status !== 'CONFIRMED' && o.status !== 'CANCELLED') {
      violations.push({ invariant: 'terminal', detail: `${o.orderId} ended ${o.status}` });
    }
    if (o.executions !== 1)
      violations.push({ invariant: 'one saga', detail: `${o.orderId} has ${o.executions} executions` });
    const kept = o.ledger.captured - o.ledger.refunded;
    const expected = o.status === 'CONFIRMED' ? o.total : 0;
    if (kept !== expected)
      violations.push({
        invariant: 'money',
        detail: `${o.orderId} ${o.status} kept ${kept}, expected ${expected}`,
      });
    if (o.versions.some((v, i) => v !== i + 1))
      violations.push({ invariant: 'gapless', detail: `${o.orderId} versions ${o.versions.join(',')}` });
    if (o.viewVersion !== o.versions.length) {
      violations.push({
        invariant: 'read model',
        detail: `${o.orderId} view v${o.viewVersion}, stream v${o.versions.length}`,
      });
    }
    if (o.customerNotifications !== 1) {
      violations.push({
        invariant: 'notified once',
        detail: `${o.orderId} has ${o.customerNotifications} customer notifications`,
      });
    }
    if (o.status === 'CONFIRMED')
      for (const line of o.lines)
        confirmedBySku.set(line.sku, (confirmedBySku.get(line.sku) ?? 0) + line.quantity);
  }
  for (const [sku, level] of stock) {
    const sold = confirmedBySku.get(sku) ?? 0;
    if (level.reserved !== 0)
      violations.push({ invariant: 'stock', detail: `${sku} still has ${level.reserved} reserved` });
    if (level.initial !== level.available + sold) {
      violations.push({
        invariant: 'stock',
        detail: `${sku}: initial ${level.initial} ≠ available ${level.available} + confirmed ${sold}`,
      });
    }
  }
  return violations;
}
