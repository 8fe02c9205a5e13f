import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { localClientConfig, stackUrls } from '../../support/stack';

const control = async (operation: string, body: unknown) => {
  const response = await fetch(stackUrls().aws, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `OrderflowLocal.${operation}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const documents = (maxAttempts?: number) =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...localClientConfig(), ...(maxAttempts ? { maxAttempts } : {}) }),
  );

// A table of this test's own: the stack's other work (sagas, pollers, earlier tests' deliveries)
// never touches it, so a throttle armed for it is spent only by this test's reads.
const probeTable = `fault-probe-${randomUUID()}`;

const read = (client: DynamoDBDocumentClient) =>
  client.send(new GetCommand({ TableName: probeTable, Key: { id: 'fault-probe' } }));

describe('fault injection through the control API', () => {
  beforeAll(async () => {
    await new DynamoDBClient(localClientConfig()).send(
      new CreateTableCommand({
        TableName: probeTable,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  });
  afterEach(() => control('ClearFaults', {}));

  it('throttles DynamoDB requests to the table named, and the SDK retries through it', async () => {
    expect(
      (await control('InjectFault', { kind: 'throttle-dynamodb', functionName: probeTable, count: 1 }))
        .status,
    ).toBe(200);
    await expect(read(documents(1))).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    await expect(read(documents(1))).resolves.toBeDefined();

    await control('InjectFault', { kind: 'throttle-dynamodb', functionName: probeTable, count: 2 });
    await expect(read(documents())).resolves.toBeDefined();
    // Every armed throttle was spent, by this test's reads alone: the default SDK retried twice.
    expect((await control('ListFaults', {})).body.armed).toEqual([]);
  });

  it('leaves requests to other tables alone while a table is throttled', async () => {
    await control('InjectFault', { kind: 'throttle-dynamodb', functionName: probeTable, count: 1 });
    await expect(
      documents(1).send(
        new GetCommand({ TableName: 'orderflow-local-idempotency', Key: { id: 'fault-probe' } }),
      ),
    ).resolves.toBeDefined();
    expect((await control('ListFaults', {})).body.armed).toHaveLength(1);
  });

  it('refuses a fault it does not know', async () => {
    const response = await control('InjectFault', { kind: 'set-fire', functionName: '*' });
    expect(response.status).toBe(400);
    expect(response.body.__type).toBe('ValidationException');
  });
});
