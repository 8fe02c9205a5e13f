import type { EventEnvelope } from '../domain/shared/envelope';

/**
 * The order streams as the application sees them: the DynamoDB adapter in the stacks, an in-memory one
 * in the command tests. `append` writes the envelopes at the versions they carry, all or none, and
 * throws the domain's ConcurrencyError when another writer took one of those versions first.
 */
export interface OrderEventStore {
  load(orderId: string): Promise<EventEnvelope<unknown>[]>;
  append(envelopes: readonly EventEnvelope<unknown>[]): Promise<void>;
}
