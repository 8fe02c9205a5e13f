import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
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

const read = (client: DynamoDBDocumentClient) =>
  client.send(new GetCommand({ TableName: 'orderflow-local-idempotency', Key: { id: 'fault-probe' } }));

describe('fault injection through the control API', () => {
  afterEach(() => control('ClearFaults', {}));

  it('throttles DynamoDB requests as armed, and the SDK retries through it', async () => {
    const before = (await control('ListFaults', {})).body.injected as number;
    expect(
      (await control('InjectFault', { kind: 'throttle-dynamodb', functionName: '*', count: 1 })).status,
    ).toBe(200);
    await expect(read(documents(1))).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    await expect(read(documents(1))).resolves.toBeDefined();

    await control('InjectFault', { kind: 'throttle-dynamodb', functionName: '*', count: 2 });
    await expect(read(documents())).resolves.toBeDefined();
    expect((await control('ListFaults', {})).body.injected).toBe(before + 3);
  });

  it('refuses a fault it does not know', async () => {
    const response = await control('InjectFault', { kind: 'set-fire', functionName: '*' });
    expect(response.status).toBe(400);
    expect(response.body.__type).toBe('ValidationException');
  });
});
