import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RequestCounts } from '../../../src/local/metrics/request-counter';
import { documentClient, stackUrls } from '../../support/stack';

const control = async (operation: string): Promise<{ status: number; body: RequestCounts }> => {
  const response = await fetch(stackUrls().aws, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `OrderflowLocal.${operation}` },
    body: '{}',
  });
  return { status: response.status, body: (await response.json()) as RequestCounts };
};

// A table of the test's own: the shared stack may still be busy with other tests' orders, so only
// this table's counts are exact.
const table = `request-counter-${Date.now().toString(36)}`;
const documents = documentClient();

beforeAll(async () => {
  await documents.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }),
  );
});

afterAll(async () => {
  await documents.send(new DeleteTableCommand({ TableName: table }));
  documents.destroy();
});

describe('request counters through the control API', () => {
  it('counts a PutItem and the items of a BatchWriteItem made with the SDK, from a reset', async () => {
    expect((await control('ResetRequestCounts')).status).toBe(200);

    await documents.send(new PutCommand({ TableName: table, Item: { id: 'one' } }));
    await documents.send(
      new BatchWriteCommand({
        RequestItems: {
          [table]: ['two', 'three', 'four'].map((id) => ({ PutRequest: { Item: { id } } })),
        },
      }),
    );

    const { status, body } = await control('GetRequestCounts');
    expect(status).toBe(200);
    expect(body.dynamodb.byTable[table]).toEqual({ reads: 0, writes: 4 });
    expect(body.requests.dynamodb?.PutItem).toBeGreaterThanOrEqual(1);
    expect(body.requests.dynamodb?.BatchWriteItem).toBeGreaterThanOrEqual(1);
  });

  it('starts afresh on reset, returning what it had counted', async () => {
    await documents.send(new PutCommand({ TableName: table, Item: { id: 'five' } }));
    const reset = await control('ResetRequestCounts');
    expect(reset.body.dynamodb.byTable[table]?.writes).toBeGreaterThanOrEqual(1);

    const after = await control('GetRequestCounts');
    expect(after.body.dynamodb.byTable[table]).toBeUndefined();
  });

  it('leaves the fault controls, which share the OrderflowLocal prefix, answering', async () => {
    const response = await fetch(stackUrls().aws, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'OrderflowLocal.ListFaults' },
      body: '{}',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveProperty('armed');
  });
});
