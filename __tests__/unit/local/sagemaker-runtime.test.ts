import {
  InvokeEndpointCommand,
  ModelError,
  SageMakerRuntimeClient,
  ValidationError,
} from '@aws-sdk/client-sagemaker-runtime';
import { SageMakerAnomalyScorer } from '../../../src/adapters/sagemaker/anomaly-scorer';
import { scorePoint, type MinutePoint } from '../../../src/domain/analytics/anomaly-model';
import { AwsEndpoint } from '../../../src/local/aws/endpoint';
import {
  loadShippedModel,
  modelEndpointsFromTemplate,
  SageMakerRuntimeService,
} from '../../../src/local/aws/sagemaker';

/*
 * The local SageMaker Runtime behind the shared endpoint, called through the real SDK client and the
 * scorer's adapter: the offline half of "the same code path in both".
 */

const ENDPOINT_NAME = 'orderflow-test-anomaly';
const model = loadShippedModel();
// Tuesday 2024-01-09 14:00 UTC, a busy minute.
const START = Date.parse('2024-01-09T14:00:00.000Z');
const point = (minute: number, values: Partial<MinutePoint> = {}): MinutePoint => ({
  start: START + minute * 60_000,
  orderRate: 115,
  revenue: 690_000,
  declineRate: 0.04,
  paymentAttempts: 115,
  ...values,
});

describe('local SageMaker Runtime InvokeEndpoint', () => {
  const endpoint = new AwsEndpoint().register(
    new SageMakerRuntimeService({ region: 'us-east-1', endpoints: new Map([[ENDPOINT_NAME, model]]) }),
  );
  let client: SageMakerRuntimeClient;
  beforeAll(async () => {
    const port = await endpoint.listen(0);
    client = new SageMakerRuntimeClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client.destroy();
    await endpoint.close();
  });

  it('scores minutes through the adapter exactly as the domain scores them with the shipped model', async () => {
    const points = [point(0), point(1, { orderRate: 0, revenue: 0, paymentAttempts: 0 }), point(2)];
    const scores = await new SageMakerAnomalyScorer(client, ENDPOINT_NAME).score(points);
    expect(scores.map((s) => s.start)).toEqual(points.map((p) => p.start));
    expect(scores[1]?.series.orderRate).toMatchObject({ anomalous: true, value: 0 });
    expect(scores[1]?.series.declineRate).toBeNull();
    for (const [i, s] of scores.entries()) {
      const local = scorePoint(model, points[i] as MinutePoint);
      expect(s.series.orderRate?.anomalous).toBe(local.series.orderRate?.anomalous);
      expect(s.series.orderRate?.score).toBeCloseTo(local.series.orderRate?.score ?? NaN, 2);
    }
  });

  it('splits more than a day of minutes over several invocations and keeps their order', async () => {
    const points = Array.from({ length: 1500 }, (_, m) => point(m));
    const scores = await new SageMakerAnomalyScorer(client, ENDPOINT_NAME).score(points);
    expect(scores).toHaveLength(1500);
    expect(scores[1499]?.start).toBe(points[1499]?.start);
  });

  it('answers an unknown endpoint name as SageMaker does, and the adapter says it will not heal', async () => {
    const direct = client.send(
      new InvokeEndpointCommand({
        EndpointName: 'no-such-endpoint',
        ContentType: 'application/json',
        Body: new TextEncoder().encode('{"minutes":[]}'),
      }),
    );
    await expect(direct).rejects.toBeInstanceOf(ValidationError);
    await expect(direct).rejects.toThrow('Endpoint no-such-endpoint of account 000000000000 not found.');
    const failure = new SageMakerAnomalyScorer(client, 'no-such-endpoint').score([point(0)]);
    await expect(failure).rejects.toMatchObject({
      name: 'AnomalyScorerError',
      code: 'ValidationError',
      retryable: false,
    });
  });

  it('refuses input the model cannot score with a ModelError carrying the model status and the field', async () => {
    const refused = client.send(
      new InvokeEndpointCommand({
        EndpointName: ENDPOINT_NAME,
        ContentType: 'application/json',
        Body: new TextEncoder().encode(JSON.stringify({ minutes: [{ start: 'yesterday', orderRate: -1 }] })),
      }),
    );
    await expect(refused).rejects.toBeInstanceOf(ModelError);
    await expect(refused).rejects.toMatchObject({ OriginalStatusCode: 400 });
    await expect(refused).rejects.toThrow(/minutes\[0\]\.start/);
    const wrongType = client.send(
      new InvokeEndpointCommand({
        EndpointName: ENDPOINT_NAME,
        ContentType: 'text/csv',
        Body: new TextEncoder().encode('1,2,3'),
      }),
    );
    await expect(wrongType).rejects.toMatchObject({ name: 'ModelError', OriginalStatusCode: 415 });
  });

  it('serves the endpoint the compiled template names in its AnomalyEndpointName output, and none without it', () => {
    const named = modelEndpointsFromTemplate(
      { Resources: {}, Outputs: { AnomalyEndpointName: { Value: 'orderflow-ci-anomaly' } } },
      () => model,
    );
    expect([...named.keys()]).toEqual(['orderflow-ci-anomaly']);
    expect(modelEndpointsFromTemplate({ Resources: {} }, () => model).size).toBe(0);
  });
});
