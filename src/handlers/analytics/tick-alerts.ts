import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { tickAlerts, type AlertsOutcome } from '../../application/analytics/detect-alerts';
import { observability } from '../shared/observability';
import { alertsDependencies } from '../composition-root/alerts';
import { anomalyScoring } from '../composition-root/anomaly';
import { reportAlerts } from './alerts-outcome';

/**
 * The alerts timer (a `schedule` event, every minute): absence rules need time to pass without an event
 * (an order neither confirmed nor cancelled, a review past its SLA), so the current time goes into the same
 * CEP state, through the same commit and publish path as the records. The minutes closed since the last
 * tick are scored for anomalies, and their alerts take that path too. It also publishes alerts a
 * consumer invocation committed but could not put on the bus.
 */
export async function handleTick(): Promise<AlertsOutcome> {
  const outcome = await tickAlerts({ ...alertsDependencies(), anomaly: anomalyScoring() }, Date.now());
  reportAlerts('alert rules ticked', outcome);
  return outcome;
}

export const handler = middy<ScheduledEvent, AlertsOutcome>()
  .use(observability())
  .handler(() => handleTick());
