export type LedgerEntryType = 'authorization' | 'capture' | 'void' | 'refund' | 'decline';

/**
 * One state change at the provider. `id` is the object the entry is about: the authorization, capture,
 * refund or decline it created; for a void, the voided authorization. `amount` is in minor units.
 */
export interface LedgerEntry {
  readonly type: LedgerEntryType;
  readonly id: string;
  readonly orderId: string;
  readonly amount: number;
  readonly currency: string;
  /** ISO 8601, from the simulator's clock. */
  readonly at: string;
}

/** Sums in minor units over the entries listed (declines count in none). */
export interface LedgerTotals {
  readonly authorized: number;
  readonly captured: number;
  readonly refunded: number;
  readonly voided: number;
}

export interface LedgerView {
  readonly entries: LedgerEntry[];
  readonly totals: LedgerTotals;
}

/** Append-only record of every money movement, so tests can check captured − refunded per order. */
export class Ledger {
  private entries: LedgerEntry[] = [];

  constructor(private readonly clock: () => Date) {}

  record(type: LedgerEntryType, entry: Omit<LedgerEntry, 'type' | 'at'>): LedgerEntry {
    const recorded: LedgerEntry = { type, ...entry, at: this.clock().toISOString() };
    this.entries.push(recorded);
    return recorded;
  }

  view(orderId?: string): LedgerView {
    const entries = this.entries.filter((e) => orderId === undefined || e.orderId === orderId);
    const sum = (type: LedgerEntryType) =>
      entries.filter((e) => e.type === type).reduce((total, e) => total + e.amount, 0);
    return {
      entries: entries.map((e) => ({ ...e })),
      totals: {
        authorized: sum('authorization'),
        captured: sum('capture'),
        refunded: sum('refund'),
        voided: sum('void'),
      },
    };
  }

  clear(): void {
    this.entries = [];
  }
}
