import {
  ModelNotReadyException,
  SageMakerRuntimeClient,
  ServiceUnavailable,
  ValidationError,
} from '@aws-sdk/client-sagemaker-runtime';
import { SageMakerAnomalyScorer } from '../../../../src/adapters/sagemaker/anomaly-scorer';
import type { MinutePoint } from '../../../../src/domain/analytics/anomaly-model';

/*
 * The adapter's error handling, with the SageMaker client's `send` replaced (the one mock the rules
 * allow): what it turns each failure into. The happy path runs against the local endpoint in
 * __tests__/unit/local/sagemaker-runtime.test.ts and the offline stack.
 */

const point: MinutePoint = {
  start: Date.parse('2024-01-09T14:00:00.000Z'),
  orderRate: 100,
  revenue: 600_000,
  declineRate: 0.04,
  paymentAttempts: 100,
};
const metadata = { $metadata: {} };

const scorerAnswering = (answer: () => Promise<unknown>) => {
  const client = new SageMakerRuntimeClient({ region: 'us-east-1' });
  const send = jest.spyOn(client, 'send').mockImplementation(answer as never);
  return { scorer: new SageMakerAnomalyScorer(client, 'orderflow-ci-anomaly'), send };
};

const body = (value: unknown) => ({ Body: new TextEncoder().encode(JSON.stringify(value)), ...metadata });

describe('SageMakerAnomalyScorer error handling', () => {
  it('sends application/json to the configured endpoint and sends nothing for no minutes', async () => {
    const { scorer, send } = scorerAnswering(async () =>
      body({
        model: 'm',
        scores: [
          {
            start: '2024-01-09T14:00:00.000Z',
            series: { orderRate: null, revenue: null, declineRate: null },
          },
        ],
      }),
    );
    await expect(scorer.score([])).resolves.toEqual([]);
    expect(send).not.toHaveBeenCalled();
    await scorer.score([point]);
    const input = (send.mock.calls[0]?.[0] as { input: Record<string, unknown> }).input;
    expect(input).toMatchObject({
      EndpointName: 'orderflow-ci-anomaly',
      ContentType: 'application/json',
      Accept: 'application/json',
    });
    expect(JSON.parse(new TextDecoder().decode(input.Body as Uint8Array))).toEqual({
      minutes: [{ ...point, start: '2024-01-09T14:00:00.000Z' }],
    });
  });

  it.each([
    ['ServiceUnavailable', () => new ServiceUnavailable({ message: 'busy', ...metadata }), true],
    ['ModelNotReadyException', () => new ModelNotReadyException({ message: 'scaling', ...metadata }), true],
    [
      'ValidationError',
      () => new ValidationError({ message: 'Endpoint x of account 1 not found.', ...metadata }),
      false,
    ],
  ])('turns %s into AnomalyScorerError (retryable %s)', async (code, error, retryable) => {
    const { scorer } = scorerAnswering(async () => {
      throw error();
    });
    await expect(scorer.score([point])).rejects.toMatchObject({
      name: 'AnomalyScorerError',
      code,
      retryable,
    });
  });

  it('treats a network failure (no service answer) as retryable', async () => {
    const { scorer } = scorerAnswering(async () => {
      throw Object.assign(new TypeError('fetch failed'), { code: 'ECONNREFUSED' });
    });
    await expect(scorer.score([point])).rejects.toMatchObject({
      name: 'AnomalyScorerError',
      retryable: true,
    });
  });

  it.each([
    [
      'not JSON',
      async () => ({ Body: new TextEncoder().encode('<html>'), ...metadata }),
      /not JSON|other than JSON/,
    ],
    ['the wrong shape', async () => body({ scores: 'none' }), /unexpected shape: .*scores/],
    ['too few scores', async () => body({ model: 'm', scores: [] }), /scored 0 of 1 minutes/],
  ])('refuses an answer that is %s, as not retryable', async (_what, answer, message) => {
    const { scorer } = scorerAnswering(answer);
    const failure = scorer.score([point]);
    await expect(failure).rejects.toMatchObject({ name: 'AnomalyScorerError', retryable: false });
    await expect(failure).rejects.toThrow(message);
  });
});
