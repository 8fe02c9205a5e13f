import { resourcesOfType, type CfnTemplate } from '../../src/local/template';
import { referencedLogicalId } from '../../src/local/template-refs';
import { ciTemplate } from '../support/stack';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** AWS APIs that accept no resource narrower than '*' (documented in docs/security notes). */
const STAR_ONLY_ACTIONS = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);

/**
 * A function in a VPC: Lambda manages its network interfaces, whose ids nobody knows in advance (the grants
 * of AWSLambdaVPCAccessExecutionRole, inlined by plugins/function-alarms.js); only such functions get them.
 */
const VPC_NETWORK_INTERFACE_ACTIONS = new Set([
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
]);

const statementsOfRole = (template: CfnTemplate, roleId: string): Statement[] =>
  (
    (template.Resources[roleId]?.Properties?.Policies ?? []) as {
      PolicyDocument: { Statement: Statement[] };
    }[]
  ).flatMap((policy) => policy.PolicyDocument.Statement);

const roleOf = (template: CfnTemplate, functionId: string): string =>
  referencedLogicalId(template.Resources[functionId]?.Properties?.Role) ?? '';

describe('compiled template: IAM, least privilege per function', () => {
  it('gives every function a role of its own', async () => {
    const template = await ciTemplate();
    const functions = resourcesOfType(template, 'AWS::Lambda::Function').map(([id]) => id);
    const roles = functions.map((id) => roleOf(template, id));
    expect(new Set(roles).size).toBe(functions.length);
    for (const [i, id] of functions.entries())
      expect(roles[i]).toBe(id.replace(/LambdaFunction$/, 'IamRoleLambdaExecution'));
  });

  it('grants no wildcard action in any function role', async () => {
    const template = await ciTemplate();
    for (const [id] of resourcesOfType(template, 'AWS::Lambda::Function')) {
      for (const statement of statementsOfRole(template, roleOf(template, id))) {
        for (const action of [statement.Action].flat())
          expect({ id, action }).not.toEqual({ id, action: expect.stringMatching(/\*/) });
      }
    }
  });

  it("uses Resource '*' only for the APIs that accept nothing narrower", async () => {
    const template = await ciTemplate();
    for (const [id, fn] of resourcesOfType(template, 'AWS::Lambda::Function')) {
      const inVpc = fn.Properties?.VpcConfig !== undefined;
      for (const statement of statementsOfRole(template, roleOf(template, id))) {
        const resources = [statement.Resource].flat();
        if (resources.includes('*')) {
          for (const action of [statement.Action].flat()) {
            const star =
              STAR_ONLY_ACTIONS.has(action) || (inVpc && VPC_NETWORK_INTERFACE_ACTIONS.has(action));
            expect({ id, action, star }).toEqual({ id, action, star: true });
          }
        }
      }
    }
  });

  it('lets the read side only read and the write side only append', async () => {
    const template = await ciTemplate();
    const actions = (fn: string) =>
      statementsOfRole(template, `${fn}IamRoleLambdaExecution`)
        .flatMap((s) => [s.Action].flat())
        .filter((a) => a.startsWith('dynamodb:'))
        .sort();
    expect(actions('GetOrder')).toEqual(['dynamodb:GetItem']);
    expect(actions('ListOrders')).toEqual(['dynamodb:Query']);
    expect(actions('GetOrderEvents')).toEqual(['dynamodb:Query']);
    // Appends, and reads only what pricing and a repeated request need (catalogue prices, its own stream).
    expect(actions('PlaceOrder')).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
    ]);
    expect(actions('Health')).toEqual([]);
  });

  it('lets placeOrder read the inventory (catalogue prices) and nothing else of it', async () => {
    const template = await ciTemplate();
    const onInventory = statementsOfRole(template, 'PlaceOrderIamRoleLambdaExecution').filter((s) =>
      JSON.stringify(s.Resource).includes('InventoryTable'),
    );
    expect(onInventory.flatMap((s) => [s.Action].flat())).toEqual(['dynamodb:BatchGetItem']);
  });
});

describe('compiled template: the projector reads the event store stream safely', () => {
  it('retries, bisects, reports partial failures and dead-letters what never succeeds', async () => {
    const template = await ciTemplate();
    const [mapping] = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').filter(
      ([, m]) => referencedLogicalId(m.Properties?.FunctionName) === 'ProjectOrdersLambdaFunction',
    );
    expect(mapping?.[1].Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': ['EventStoreTable', 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      MaximumRetryAttempts: 10,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['ProjectorFailuresQueue', 'Arn'] } } },
    });
  });
});
