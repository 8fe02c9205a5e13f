import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { SageMakerAnomalyScorer } from '../../../src/adapters/sagemaker/anomaly-scorer';
import { awsCli, awsCliError } from '../../support/aws-cli';
import { ciTemplate, localClientConfig, stackUrls } from '../../support/stack';

/*
 * The offline stack answers SageMaker Runtime's InvokeEndpoint under the endpoint name the stage's
 * template names (its AnomalyEndpointName output), with the shipped model: the AWS CLI and the
 * scorer's adapter over the real SDK client both get scores, and an unknown name fails as on AWS.
 */

/** The local stage's endpoint: the ci template's name with the stage swapped. */
const localEndpointName = async (): Promise<string> => {
  const output = (await ciTemplate()).Outputs?.AnomalyEndpointName as { Value: string };
  return output.Value.replace('-ci-', '-local-');
};

const OUTAGE_MINUTE = {
  start: '2024-01-09T14:00:00.000Z',
  orderRate: 0,
  revenue: 0,
  declineRate: 0,
  paymentAttempts: 0,
};

describe('offline SageMaker Runtime InvokeEndpoint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'orderflow-sagemaker-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scores minutes for `aws sagemaker-runtime invoke-endpoint` with the shipped model', async () => {
    const outfile = join(dir, 'scores.json');
    const result = (await awsCli(stackUrls().aws, [
      'sagemaker-runtime',
      'invoke-endpoint',
      '--endpoint-name',
      await localEndpointName(),
      '--content-type',
      'application/json',
      '--accept',
      'application/json',
      '--body',
      JSON.stringify({ minutes: [OUTAGE_MINUTE] }),
      outfile,
    ])) as { ContentType: string; InvokedProductionVariant: string };
    expect(result).toMatchObject({ ContentType: 'application/json', InvokedProductionVariant: 'AllTraffic' });
    const answer = JSON.parse(readFileSync(outfile, 'utf8'));
    expect(answer).toMatchObject({
      model: 'orderflow-anomaly-model/1',
      scores: [
        {
          start: OUTAGE_MINUTE.start,
          series: { orderRate: { value: 0, anomalous: true }, declineRate: null },
        },
      ],
    });
    expect(answer.scores[0].series.orderRate.score).toBeLessThan(-5);
  });

  it('fails an unknown endpoint name as AWS does: ValidationError, "Endpoint X of account Y not found."', async () => {
    const { code, stderr } = await awsCliError(stackUrls().aws, [
      'sagemaker-runtime',
      'invoke-endpoint',
      '--endpoint-name',
      'no-such-endpoint',
      '--content-type',
      'application/json',
      '--body',
      '{"minutes":[]}',
      join(dir, 'never.json'),
    ]);
    expect(code).not.toBe(0);
    expect(stderr).toContain(
      'An error occurred (ValidationError) when calling the InvokeEndpoint operation: ' +
        'Endpoint no-such-endpoint of account 000000000000 not found.',
    );
  });

  it('scores through the scorer adapter and the real SDK client, as a function does offline', async () => {
    const client = new SageMakerRuntimeClient(localClientConfig());
    try {
      const scores = await new SageMakerAnomalyScorer(client, await localEndpointName()).score([
        { ...OUTAGE_MINUTE, start: Date.parse(OUTAGE_MINUTE.start) },
        {
          start: Date.parse(OUTAGE_MINUTE.start) + 60_000,
          orderRate: 115,
          revenue: 690_000,
          declineRate: 0.04,
          paymentAttempts: 115,
        },
      ]);
      expect(scores.map((s) => s.series.orderRate?.anomalous)).toEqual([true, false]);
    } finally {
      client.destroy();
    }
  });
});
