import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { AlertSink } from '../../application/analytics/alerts-store';
import { ALERTS_SOURCE, type AlertEvent } from '../../domain/analytics';
import { PUT_EVENTS_BATCH } from './event-publisher';

/** Attempts for the entries EventBridge reports as failed (throttling, internal errors). */
const MAX_ATTEMPTS = 3;

/**
 * Puts alerts on the bus as `source: orderflow.analytics`, `detail-type: AlertRaised | AlertCleared`,
 * `detail: <the alert's data>` (the stack's alerts rule routes AlertRaised to the alerts topic). Entries
 * the bus refuses are sent again a few times, then reported back as failed.
 */
export class AlertPublisher implements AlertSink {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: readonly AlertEvent[]): Promise<{ readonly failed: readonly AlertEvent[] }> {
    const failed: AlertEvent[] = [];
    for (let start = 0; start < events.length; start += PUT_EVENTS_BATCH) {
      let pending = events.slice(start, start + PUT_EVENTS_BATCH);
      for (let attempt = 1; pending.length > 0 && attempt <= MAX_ATTEMPTS; attempt += 1) {
        const { Entries = [], FailedEntryCount = 0 } = await this.client.send(
          new PutEventsCommand({
            Entries: pending.map((event) => ({
              EventBusName: this.busName,
              Source: ALERTS_SOURCE,
              DetailType: event.type,
              Detail: JSON.stringify(event.data),
            })),
          }),
        );
        if (FailedEntryCount === 0) pending = [];
        else pending = pending.filter((_, i) => Entries[i]?.ErrorCode !== undefined || !Entries[i]?.EventId);
      }
      failed.push(...pending);
    }
    return { failed };
  }
}
