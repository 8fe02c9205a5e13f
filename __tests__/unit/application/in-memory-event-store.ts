import { ConcurrencyError } from '../../../src/domain/orders';
import type { EventEnvelope } from '../../../src/domain/shared/envelope';
import type { OrderEventStore } from '../../../src/ports/order-event-store';

/**
 * The order streams in memory, with the DynamoDB adapter's contract: an append is all or none and
 * refuses a version already taken with ConcurrencyError. `beforeAppend` lets a test slip another
 * writer's events in between a command's read and its append (a lost race).
 */
export class InMemoryEventStore implements OrderEventStore {
  readonly streams = new Map<string, EventEnvelope<unknown>[]>();
  appendCalls = 0;
  beforeAppend?: (store: InMemoryEventStore) => void;

  async load(orderId: string): Promise<EventEnvelope<unknown>[]> {
    return structuredClone(this.streams.get(orderId) ?? []);
  }

  async append(envelopes: readonly EventEnvelope<unknown>[]): Promise<void> {
    this.appendCalls += 1;
    const hook = this.beforeAppend;
    this.beforeAppend = undefined;
    hook?.(this);
    this.write(envelopes);
  }

  /** Writes without the hook: another writer, or the given history. */
  write(envelopes: readonly EventEnvelope<unknown>[]): void {
    for (const envelope of envelopes) {
      const stream = this.streams.get(envelope.metadata.orderId) ?? [];
      if (stream.some((stored) => stored.metadata.version === envelope.metadata.version))
        throw new ConcurrencyError(`order#${envelope.metadata.orderId}`, envelope.metadata.version - 1);
    }
    for (const envelope of envelopes) {
      const stream = this.streams.get(envelope.metadata.orderId) ?? [];
      stream.push(structuredClone(envelope));
      this.streams.set(envelope.metadata.orderId, stream);
    }
  }
}
