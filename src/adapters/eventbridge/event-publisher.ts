import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { EventEnvelope } from '../../domain/shared/envelope';

/** PutEvents takes at most 10 entries per call. */
export const PUT_EVENTS_BATCH = 10;

export interface PublishOptions {
  /** Attempts for entries EventBridge reports as failed (throttling, internal errors). */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
}

export interface PublishResult {
  /** Envelopes still unpublished after every attempt, in their original order. */
  readonly failed: EventEnvelope<unknown>[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Publishes domain events to the bus as `source: orderflow.<context>`, `detail-type: <type>`, `detail:
 * envelope`. Only the entries EventBridge rejects are sent again; each keeps its `metadata.eventId`,
 * which is what consumers deduplicate on (EventBridge gives every PutEvents entry a fresh id).
 */
export class EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
    private readonly sourceOf: (type: string) => string,
    private readonly options: PublishOptions = {},
  ) {}

  private entry(envelope: EventEnvelope<unknown>): PutEventsRequestEntry {
    return {
      EventBusName: this.busName,
      Source: this.sourceOf(envelope.metadata.type),
      DetailType: envelope.metadata.type,
      Detail: JSON.stringify(envelope),
      Time: new Date(envelope.metadata.occurredAt),
    };
  }

  async publish(envelopes: readonly EventEnvelope<unknown>[]): Promise<PublishResult> {
    const failed: EventEnvelope<unknown>[] = [];
    for (let start = 0; start < envelopes.length; start += PUT_EVENTS_BATCH) {
      failed.push(...(await this.publishBatch(envelopes.slice(start, start + PUT_EVENTS_BATCH))));
    }
    return { failed };
  }

  private async publishBatch(batch: EventEnvelope<unknown>[]): Promise<EventEnvelope<unknown>[]> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    let pending = batch;
    for (let attempt = 1; pending.length > 0 && attempt <= maxAttempts; attempt += 1) {
      if (attempt > 1) await sleep((this.options.baseDelayMs ?? 50) * 2 ** (attempt - 2) * Math.random());
      const { Entries = [], FailedEntryCount = 0 } = await this.client.send(
        new PutEventsCommand({ Entries: pending.map((envelope) => this.entry(envelope)) }),
      );
      if (FailedEntryCount === 0) return [];
      // Results come back in request order; an entry with an ErrorCode was not published.
      pending = pending.filter(
        (_, i) => Entries[i]?.ErrorCode !== undefined || Entries[i]?.EventId === undefined,
      );
    }
    return pending;
  }
}
