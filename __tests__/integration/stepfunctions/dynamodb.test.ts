/** The optimized DynamoDB integrations, bound to the local DynamoDB (dynalite) through `dynamoDbIntegrations`. */
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDbService } from '../../../src/local/aws/dynamodb';
import { AwsEndpoint } from '../../../src/local/aws/endpoint';
import { dynamoDbIntegrations } from '../../../src/local/aws/stepfunctions';
import type { CfnTemplate } from '../../../src/local/template';
import {
  history,
  REGION,
  roleResource,
  settled,
  startLocalSfn,
  stateMachineArn,
  stateMachineResource,
  types,
  type LocalSfn,
} from './harness';

const reserve = {
  StartAt: 'Reserve',
  States: {
    Reserve: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:putItem',
      Parameters: {
        TableName: 'reservations',
        Item: { pk: { 'S.$': '$.orderId' }, qty: { 'N.$': "States.Format('{}', $.qty)" } },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
      Catch: [
        {
          ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'],
          ResultPath: '$.duplicate',
          Next: 'Read',
        },
      ],
      ResultPath: null,
      Next: 'Read',
    },
    Read: {
      Type: 'Task',
      Resource: 'arn:aws:states:::dynamodb:getItem',
      Parameters: { TableName: 'reservations', Key: { pk: { 'S.$': '$.orderId' } } },
      ResultSelector: { 'qty.$': '$.Item.qty.N' },
      ResultPath: '$.stored',
      End: true,
    },
  },
};

const template: CfnTemplate = {
  Resources: { StepFunctionsRole: roleResource(), Reserve: stateMachineResource('reserve', reserve) },
};

let dynamodb: DynamoDbService;
let dynamoEndpoint: AwsEndpoint;
let client: DynamoDBClient;
let sfn: LocalSfn;
beforeAll(async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  dynamodb = await DynamoDbService.start();
  dynamoEndpoint = new AwsEndpoint().register(dynamodb);
  const port = await dynamoEndpoint.listen(0);
  client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await client.send(
    new CreateTableCommand({
      TableName: 'reservations',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  sfn = await startLocalSfn({ template, integrations: dynamoDbIntegrations(client) });
});
afterAll(async () => {
  await sfn.close();
  client.destroy();
  await dynamoEndpoint.close();
});

const run = async (input: object) => {
  const { executionArn } = await sfn.client.send(
    new StartExecutionCommand({ stateMachineArn: stateMachineArn('reserve'), input: JSON.stringify(input) }),
  );
  return { arn: executionArn ?? '', description: await settled(sfn.client, executionArn ?? '') };
};

describe('dynamodb:putItem and dynamodb:getItem', () => {
  it('writes and reads the item; a failed condition is DynamoDB.ConditionalCheckFailedException, which Catch matches', async () => {
    const first = await run({ orderId: 'o-50', qty: 2 });
    expect(first.description.status).toBe('SUCCEEDED');
    expect(JSON.parse(first.description.output ?? '')).toEqual({
      orderId: 'o-50',
      qty: 2,
      stored: { qty: '2' },
    });
    const item = await client.send(
      new GetItemCommand({ TableName: 'reservations', Key: { pk: { S: 'o-50' } } }),
    );
    expect(item.Item).toEqual({ pk: { S: 'o-50' }, qty: { N: '2' } });

    const second = await run({ orderId: 'o-50', qty: 9 });
    const output = JSON.parse(second.description.output ?? '') as {
      duplicate: { Error: string };
      stored: object;
    };
    expect(output.duplicate.Error).toBe('DynamoDB.ConditionalCheckFailedException');
    expect(output.stored).toEqual({ qty: '2' });
    const events = await history(sfn.client, second.arn);
    expect(types(events)).toContain('TaskFailed');
    expect(events.find((event) => event.type === 'TaskScheduled')?.taskScheduledEventDetails).toMatchObject({
      resourceType: 'dynamodb',
      resource: 'putItem',
    });
  });
});
