import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { measure, round, type Throughput } from './stats';

export interface FloorOptions {
  readonly awsUrl: string;
  readonly operations: number;
  readonly concurrency: number;
}

export const throughputSummary = (t: Throughput) => ({
  operations: t.operations,
  perSecond: round(t.perSecond),
  p50Ms: round(t.latencyMs.p50),
  p99Ms: round(t.latencyMs.p99),
  errors: t.errors,
});

/**
 * The floor: what the local DynamoDB endpoint does on its own (raw conditional PutItem / GetItem on
 * a plain table with the event store's key schema, no stream), measured first, on the idle stack.
 */
export async function benchFloor(options: FloorOptions) {
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: options.awsUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
  );
  const table = `orderflow-bench-floor-${Date.now().toString(36)}`;
  await documents.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'streamId', AttributeType: 'S' },
        { AttributeName: 'version', AttributeType: 'N' },
      ],
      KeySchema: [
        { AttributeName: 'streamId', KeyType: 'HASH' },
        { AttributeName: 'version', KeyType: 'RANGE' },
      ],
    }),
  );
  const { operations: n, concurrency: c } = options;
  try {
    const putItem = await measure(n, c, async (i) => {
      await documents.send(
        new PutCommand({
          TableName: table,
          Item: { streamId: `bench#floor-${i}`, version: 1, payload: 'x'.repeat(600) },
          ConditionExpression: 'attribute_not_exists(version)',
        }),
      );
      return true;
    });
    const getItem = await measure(n, c, async (i) => {
      const { Item } = await documents.send(
        new GetCommand({ TableName: table, Key: { streamId: `bench#floor-${i}`, version: 1 } }),
      );
      return Item !== undefined;
    });
    return { putItem: throughputSummary(putItem), getItem: throughputSummary(getItem) };
  } finally {
    await documents.send(new DeleteTableCommand({ TableName: table }));
    documents.destroy();
  }
}

/**
 * Store operations per second the floor allows for a given mix of reads and writes: the time of
 * one op is the read/write-weighted mean of a GetItem's and a PutItem's time at the floor's rates.
 */
export function floorOpsPerSecond(
  floor: { putItem: { perSecond: number }; getItem: { perSecond: number } },
  mix: { reads: number; writes: number },
): number {
  const ops = mix.reads + mix.writes;
  if (ops === 0) return 0;
  return ops / (mix.reads / floor.getItem.perSecond + mix.writes / floor.putItem.perSecond);
}
