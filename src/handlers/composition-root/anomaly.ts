import { sageMakerRuntimeClient } from '../../adapters/clients-sagemaker';
import { SageMakerAnomalyScorer } from '../../adapters/sagemaker/anomaly-scorer';
import { setting } from '../../config';
import type { AnomalyScorer } from '../../ports/anomaly-scorer';
import { once } from './once';

/*
 * The anomaly scorer, in its own module so only the function that scores (the alerts tick) loads the
 * SageMaker Runtime client. Offline, AWS_ENDPOINT_URL sends the call to the local AWS endpoint.
 */
export const anomalyScorer = once(
  (): AnomalyScorer => new SageMakerAnomalyScorer(sageMakerRuntimeClient(), setting('ANOMALY_ENDPOINT_NAME')),
);
