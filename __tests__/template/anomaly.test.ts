import { resourcesOfType, type CfnTemplate } from '../../src/local/template';
import { referencedLogicalId } from '../../src/local/template-refs';
import { ciTemplate } from '../support/stack';

/*
 * The anomaly scorer's endpoint is deployed outside this stack (a model package built of
 * models/anomaly-model.json); the stack names it per stage, and whatever function scores gets
 * sagemaker:InvokeEndpoint on that endpoint's ARN and nothing else of SageMaker.
 */

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

const ENDPOINT_ARN = {
  'Fn::Sub': 'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/orderflow-ci-anomaly',
};

const statementsOf = (template: CfnTemplate, functionId: string): Statement[] => {
  const roleId = referencedLogicalId(template.Resources[functionId]?.Properties?.Role) ?? '';
  return (
    (template.Resources[roleId]?.Properties?.Policies ?? []) as {
      PolicyDocument: { Statement: Statement[] };
    }[]
  ).flatMap((policy) => policy.PolicyDocument.Statement);
};

const environmentOf = (template: CfnTemplate, functionId: string): Record<string, unknown> =>
  ((template.Resources[functionId]?.Properties?.Environment as { Variables?: Record<string, unknown> })
    ?.Variables ?? {}) as Record<string, unknown>;

describe('compiled template: the anomaly scorer endpoint', () => {
  it('names the per-stage endpoint and its ARN in the outputs', async () => {
    const template = await ciTemplate();
    expect(template.Outputs?.AnomalyEndpointName).toMatchObject({ Value: 'orderflow-ci-anomaly' });
    expect(template.Outputs?.AnomalyEndpointArn).toMatchObject({ Value: ENDPOINT_ARN });
  });

  it('grants sagemaker:InvokeEndpoint on that endpoint only, and only to the functions configured to call it', async () => {
    const template = await ciTemplate();
    const callers = resourcesOfType(template, 'AWS::Lambda::Function')
      .map(([id]) => id)
      .filter((id) => environmentOf(template, id).ANOMALY_ENDPOINT_NAME !== undefined);
    // Without a caller the loop below would prove nothing: the alerts tick is the one function that scores.
    expect(callers).toEqual(['TickAlertsLambdaFunction']);
    for (const [id] of resourcesOfType(template, 'AWS::Lambda::Function')) {
      const sagemaker = statementsOf(template, id).filter((statement) =>
        [statement.Action].flat().some((action) => action.startsWith('sagemaker:')),
      );
      const calls = environmentOf(template, id).ANOMALY_ENDPOINT_NAME;
      if (calls === undefined) {
        expect({ id, sagemaker }).toEqual({ id, sagemaker: [] });
      } else {
        expect({ id, calls }).toEqual({ id, calls: 'orderflow-ci-anomaly' });
        expect({ id, sagemaker }).toEqual({
          id,
          sagemaker: [{ Effect: 'Allow', Action: ['sagemaker:InvokeEndpoint'], Resource: ENDPOINT_ARN }],
        });
      }
    }
  });
});
