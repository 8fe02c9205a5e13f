import middy from '@middy/core';
import type { MSKEvent } from 'aws-lambda';
import { detectAlerts, type AlertsOutcome } from '../../application/analytics/detect-alerts';
import { observability } from '../shared/observability';
import { alertsDependencies } from '../composition-root/alerts';
import { decodeRecord } from './analyze-order-events';
import { reportAlerts } from './alerts-outcome';

/**
 * The alerts consumer of the order-events topic (an `msk` event source with its own consumer group): runs
 * the alert rules over the batch's records, every partition into the one CEP state, exactly once over
 * redelivery (see detectAlerts). A record that is not an order event fails the invocation before anything
 * is committed; the mapping retries, bisects down to that record and sends it to its on-failure destination.
 */
export async function handleOrderEvents(event: MSKEvent): Promise<AlertsOutcome> {
  const batches = Object.entries(event.records).map(([partition, records]) => ({
    partition,
    records: records.map(decodeRecord),
  }));
  const outcome = await detectAlerts(alertsDependencies(), batches);
  reportAlerts('order events evaluated', outcome);
  // Lambda ignores what an MSK consumer returns; it is there for `sls invoke local` and the logs' readers.
  return outcome;
}

export const handler = middy<MSKEvent, AlertsOutcome>()
  .use(observability())
  .handler((event) => handleOrderEvents(event));
