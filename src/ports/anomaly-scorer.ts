import type { MinutePoint, MinuteScore } from '../domain/analytics/anomaly-model';

/**
 * Scores per-minute series against the trained seasonal baseline: a SageMaker endpoint in the cloud
 * and, offline, the local AWS endpoint answering the same InvokeEndpoint with the shipped model. One
 * score per point, in the points' order. Throws AnomalyScorerError when the scorer cannot answer.
 */
export interface AnomalyScorer {
  score(points: readonly MinutePoint[]): Promise<readonly MinuteScore[]>;
}

/**
 * The scorer did not answer with scores. `retryable`: throttled, unavailable or failing inside (the
 * next tick may succeed); otherwise the request or the endpoint's configuration is wrong (an unknown
 * endpoint name, a model that refuses the input) and retrying the same call will not help.
 */
export class AnomalyScorerError extends Error {
  override readonly name = 'AnomalyScorerError';

  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
