import { sageMakerRuntimeClient } from '../../adapters/clients-sagemaker';
import { SageMakerAnomalyScorer } from '../../adapters/sagemaker/anomaly-scorer';
import {
  DEFAULT_MAX_MINUTES_PER_TICK,
  type AnomalyScoring,
} from '../../application/analytics/tick-anomalies';
import { setting } from '../../config';
import type { AnomalyScorer } from '../../ports/anomaly-scorer';
import { once } from './once';
import { analyticsStore } from './stores';

/*
 * The anomaly scorer, in its own module so only the function that scores (the alerts tick) loads the
 * SageMaker Runtime client. Offline, AWS_ENDPOINT_URL sends the call to the local AWS endpoint.
 */
export const anomalyScorer = once(
  (): AnomalyScorer => new SageMakerAnomalyScorer(sageMakerRuntimeClient(), setting('ANOMALY_ENDPOINT_NAME')),
);

/** What the alerts tick scores with: the scorer, the minute-bucket shares, this stage's settings. */
export const anomalyScoring = once((): AnomalyScoring => ({
  scorer: anomalyScorer(),
  store: analyticsStore(),
  currency: setting('ANOMALY_CURRENCY'),
  allowedLatenessMs: setting('ANALYTICS_ALLOWED_LATENESS_SECONDS') * 1000,
  maxMinutesPerTick: DEFAULT_MAX_MINUTES_PER_TICK,
}));
