import { InvokeEndpointCommand, type SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { MinutePoint, MinuteScore } from '../../domain/analytics/anomaly-model';
import {
  fromWireScore,
  MAX_MINUTES_PER_REQUEST,
  ScoreResponse,
  toWirePoint,
} from '../../domain/analytics/anomaly-wire';
import { issuesFromDecodeErrors } from '../../domain/shared/io-ts-issues';
import { AnomalyScorerError, type AnomalyScorer } from '../../ports/anomaly-scorer';

/** Errors a later call may not meet: the endpoint busy, scaling or failing inside. */
const RETRYABLE = new Set([
  'ServiceUnavailable',
  'InternalFailure',
  'InternalDependencyException',
  'ModelNotReadyException',
  'ThrottlingException',
]);

/**
 * The anomaly scorer behind a SageMaker endpoint (InvokeEndpoint, application/json; the shape is in
 * src/domain/analytics/anomaly-wire.ts). Offline the same client reaches the local AWS endpoint, which
 * serves the shipped model under the same name.
 */
export class SageMakerAnomalyScorer implements AnomalyScorer {
  constructor(
    private readonly client: SageMakerRuntimeClient,
    private readonly endpointName: string,
  ) {}

  async score(points: readonly MinutePoint[]): Promise<readonly MinuteScore[]> {
    const scores: MinuteScore[] = [];
    // One request per day of minutes: the endpoint refuses larger ones (and 6 MB payloads are far off).
    for (let i = 0; i < points.length; i += MAX_MINUTES_PER_REQUEST) {
      scores.push(...(await this.invoke(points.slice(i, i + MAX_MINUTES_PER_REQUEST))));
    }
    return scores;
  }

  private async invoke(points: readonly MinutePoint[]): Promise<MinuteScore[]> {
    if (points.length === 0) return [];
    let body: string;
    try {
      const output = await this.client.send(
        new InvokeEndpointCommand({
          EndpointName: this.endpointName,
          ContentType: 'application/json',
          Accept: 'application/json',
          Body: new TextEncoder().encode(JSON.stringify({ minutes: points.map(toWirePoint) })),
        }),
      );
      body = new TextDecoder().decode(output.Body);
    } catch (error) {
      const code = error instanceof Error ? error.name : 'Unknown';
      const message = error instanceof Error ? error.message : String(error);
      throw new AnomalyScorerError(
        `InvokeEndpoint ${this.endpointName} failed: ${code}: ${message}`,
        code,
        // A network failure has no service code: the next tick may well get through.
        RETRYABLE.has(code) || !(error instanceof Error && '$metadata' in error),
        { cause: error },
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      throw new AnomalyScorerError(
        `Endpoint ${this.endpointName} answered with something other than JSON`,
        'InvalidResponse',
        false,
        { cause: error },
      );
    }
    const decoded = ScoreResponse.decode(parsed);
    if (decoded._tag === 'Left') {
      throw new AnomalyScorerError(
        `Endpoint ${this.endpointName} answered in an unexpected shape: ${issuesFromDecodeErrors(decoded.left)
          .map((issue) => `${issue.path} ${issue.message}`)
          .join('; ')}`,
        'InvalidResponse',
        false,
      );
    }
    if (decoded.right.scores.length !== points.length) {
      throw new AnomalyScorerError(
        `Endpoint ${this.endpointName} scored ${decoded.right.scores.length} of ${points.length} minutes`,
        'InvalidResponse',
        false,
      );
    }
    return decoded.right.scores.map(fromWireScore);
  }
}
