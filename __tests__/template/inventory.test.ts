import type { CfnTemplate } from '../../src/local/template';
import { ciTemplate } from '../support/stack';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

const statementsOfRole = (template: CfnTemplate, roleId: string): Statement[] =>
  (
    (template.Resources[roleId]?.Properties?.Policies ?? []) as {
      PolicyDocument: { Statement: Statement[] };
    }[]
  ).flatMap((policy) => policy.PolicyDocument.Statement);

const dynamoStatements = (template: CfnTemplate, fn: string) =>
  statementsOfRole(template, `${fn}IamRoleLambdaExecution`).filter((s) =>
    [s.Action].flat().some((action) => action.startsWith('dynamodb:')),
  );

describe('compiled template: the inventory', () => {
  it('keys the inventory table by pk alone, encrypted, with point-in-time recovery', async () => {
    const table = (await ciTemplate()).Resources.InventoryTable;
    expect(table?.Properties).toMatchObject({
      TableName: 'orderflow-ci-inventory',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it.each([
    ['PutStock', 'dynamodb:UpdateItem'],
    ['GetStock', 'dynamodb:GetItem'],
  ])('lets %s do only %s, on the inventory table only', async (fn, action) => {
    const template = await ciTemplate();
    expect(dynamoStatements(template, fn)).toEqual([
      { Effect: 'Allow', Action: [action], Resource: { 'Fn::GetAtt': ['InventoryTable', 'Arn'] } },
    ]);
    const variables = (
      template.Resources[`${fn}LambdaFunction`]?.Properties?.Environment as {
        Variables?: Record<string, unknown>;
      }
    )?.Variables;
    expect(variables?.INVENTORY_TABLE).toBe('orderflow-ci-inventory');
  });
});
