import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  ConditionalCheckFailedException,
  DescribeTableCommand,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { tableDefinitions } from '../../../src/local/tables';
import {
  awsCliEnv,
  ciTemplate,
  documentClient,
  dynamoDb,
  localTableName,
  stackUrls,
} from '../../support/stack';

const run = promisify(execFile);

const postRaw = (headers: Record<string, string>, body: string) =>
  fetch(stackUrls().aws, { method: 'POST', headers, body });

describe('the one local AWS endpoint', () => {
  const client = dynamoDb();
  afterAll(() => client.destroy());

  it('serves the HTTP API health check', async () => {
    const response = await fetch(`${stackUrls().http}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('creates exactly the tables that the compiled template declares', async () => {
    const expected = tableDefinitions(await ciTemplate()).map((t) => localTableName(t.TableName as string));
    const { TableNames = [] } = await client.send(new ListTablesCommand({}));
    // Other tests create tables of their own; the project's are exactly the template's.
    expect(TableNames.filter((name) => name.startsWith('orderflow-local-')).sort()).toEqual(expected.sort());
    expect(expected).toContain('orderflow-local-event-store');
  });

  it('creates the key schema and indexes the template declares', async () => {
    const { Table } = await client.send(
      new DescribeTableCommand({ TableName: 'orderflow-local-read-model' }),
    );
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'orderId', KeyType: 'HASH' }]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual(['byCustomer']);
  });

  it('answers DynamoDB through the unmodified SDK, conditional writes included', async () => {
    const documents = documentClient();
    // The idempotency table: a probe in the event store would be an event for the outbox to publish.
    const table = 'orderflow-local-idempotency';
    const item = { id: `probe#endpoint-${Date.now()}`, note: 'probe' };
    await documents.send(new PutCommand({ TableName: table, Item: item }));
    const { Item } = await documents.send(new GetCommand({ TableName: table, Key: { id: item.id } }));
    expect(Item).toEqual(item);
    await expect(
      documents.send(
        new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(id)' }),
      ),
    ).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  it('answers an unknown JSON operation with an AWS-shaped 400 and keeps serving', async () => {
    const response = await postRaw(
      { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSNoSuchService.DoThing' },
      '{}',
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(await response.json()).toEqual({
      __type: 'UnknownOperationException',
      message: expect.stringContaining('DoThing'),
    });
    const { TableNames } = await client.send(new ListTablesCommand({}));
    expect(TableNames?.length).toBeGreaterThan(0);
  });

  it('answers an unknown query-protocol action with an XML ErrorResponse', async () => {
    const response = await postRaw(
      { 'content-type': 'application/x-www-form-urlencoded' },
      'Action=FlyToTheMoon&Version=2010-03-31',
    );
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).toContain('<Code>UnknownOperationException</Code>');
    expect(text).toContain('FlyToTheMoon');
  });

  it('answers a request with no routing at all with a 400, not a hang', async () => {
    const response = await postRaw({ 'content-type': 'text/plain' }, 'hello');
    expect(response.status).toBe(400);
    expect((await response.json()) as unknown).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('passes DynamoDB errors of an unknown DynamoDB operation through in AWS shape', async () => {
    const response = await postRaw(
      { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.NoSuchOperation' },
      '{}',
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toContain('UnknownOperationException');
  });

  it('is usable from the AWS CLI with AWS_ENDPOINT_URL and dummy credentials', async () => {
    const { stdout } = await run('aws', ['dynamodb', 'list-tables', '--output', 'json'], {
      env: awsCliEnv(),
    });
    expect((JSON.parse(stdout) as { TableNames: string[] }).TableNames).toContain(
      'orderflow-local-event-store',
    );
  });
});
