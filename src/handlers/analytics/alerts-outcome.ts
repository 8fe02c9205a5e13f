import type { AlertsOutcome } from '../../application/analytics/detect-alerts';
import { alertMetrics, logger } from '../shared/observability';

/** Logs what an alerts invocation did and emits the alert metrics (once per committed alert). */
export function reportAlerts(what: string, outcome: AlertsOutcome): void {
  for (const alert of outcome.committed) {
    if (alert.type === 'AlertRaised') {
      alertMetrics.raised(alert.data.ruleId);
      logger.warn('alert raised', { ...alert.data });
    } else {
      alertMetrics.cleared(alert.data.ruleId);
      logger.info('alert cleared', { ...alert.data });
    }
  }
  if (outcome.unpublished > 0) alertMetrics.unpublished(outcome.unpublished);
  if (outcome.anomaly?.error) {
    const { error, ...minutes } = outcome.anomaly;
    // Retryable: the minutes stay unscored for the next tick; otherwise they are skipped for good.
    logger.error(
      error.retryable
        ? 'anomaly scoring failed; minutes left for the next tick'
        : 'anomaly scoring refused; minutes skipped',
      { ...minutes, errorCode: error.code, errorMessage: error.message },
    );
  }
  const { committed, publishError, anomaly, ...counts } = outcome;
  const fields = {
    ...counts,
    alerts: committed.length,
    ...(anomaly === undefined ? {} : { minutesScored: anomaly.scored, minutesSkipped: anomaly.skipped }),
  };
  if (publishError === undefined) logger.info(what, fields);
  // The alerts are committed and listed as unpublished: a later invocation (at the latest the next tick) sends them.
  else logger.error(`${what}; alerts left for a later invocation`, { ...fields, publishError });
}
