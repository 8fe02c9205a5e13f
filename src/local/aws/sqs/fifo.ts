/** FIFO queue rules that do not depend on message storage: deduplication and sequence numbers. */

export const DEDUPLICATION_INTERVAL_MS = 5 * 60_000;

export interface DeduplicatedSend {
  readonly messageId: string;
  readonly sequenceNumber: string;
}

/**
 * Remembers accepted MessageDeduplicationIds for five minutes. A send whose id is remembered is
 * accepted but not enqueued, and answered with the first message's id. The memory outlives the
 * message itself (receiving and deleting it does not make the id reusable), as on AWS.
 */
export class DeduplicationCache {
  private readonly entries = new Map<string, DeduplicatedSend & { readonly expiresAt: number }>();
  private lastSweep = 0;

  static key(scope: string, groupId: string | undefined, dedupId: string): string {
    return scope === 'messageGroup' ? `${groupId ?? ''}\u0000${dedupId}` : dedupId;
  }

  find(key: string, now: number): DeduplicatedSend | undefined {
    this.sweep(now);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  remember(key: string, send: DeduplicatedSend, now: number): void {
    this.entries.set(key, { ...send, expiresAt: now + DEDUPLICATION_INTERVAL_MS });
  }

  clear(): void {
    this.entries.clear();
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 1_000) return;
    this.lastSweep = now;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
  }
}

const SEQUENCE_BASE = 10n ** 19n;

/** 20-digit, strictly increasing sequence numbers (equal length, so they also sort as strings). */
export class SequenceNumbers {
  private counter = 0n;

  next(): string {
    this.counter += 1n;
    return (SEQUENCE_BASE + this.counter).toString();
  }
}
