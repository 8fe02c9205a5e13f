import {
  CreateTableCommand,
  TransactionCanceledException,
  DescribeTableCommand,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, dynamoDb } from '../../support/stack';

const table = `tx-test-${Date.now().toString(36)}`;
const docs = documentClient();

const get = async (id: string) => (await docs.send(new GetCommand({ TableName: table, Key: { id } }))).Item;

beforeAll(async () => {
  const client = dynamoDb();
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    }),
  );
  expect((await client.send(new DescribeTableCommand({ TableName: table }))).Table?.TableStatus).toBe(
    'ACTIVE',
  );
  client.destroy();
});

describe('TransactWriteItems on the local endpoint (all or nothing)', () => {
  it('commits every write of a transaction', async () => {
    await docs.send(new PutCommand({ TableName: table, Item: { id: 'stock-a', available: 5 } }));
    await docs.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table,
              Key: { id: 'stock-a' },
              UpdateExpression: 'SET available = available - :q',
              ConditionExpression: 'available >= :q',
              ExpressionAttributeValues: { ':q': 2 },
            },
          },
          {
            Put: {
              TableName: table,
              Item: { id: 'res-1', qty: 2 },
              ConditionExpression: 'attribute_not_exists(id)',
            },
          },
        ],
      }),
    );
    expect(await get('stock-a')).toEqual({ id: 'stock-a', available: 3 });
    expect(await get('res-1')).toEqual({ id: 'res-1', qty: 2 });
  });

  it('undoes the writes before a failed condition and names it in CancellationReasons', async () => {
    await docs.send(new PutCommand({ TableName: table, Item: { id: 'stock-b', available: 1 } }));
    await docs.send(new PutCommand({ TableName: table, Item: { id: 'stock-c', available: 0 } }));
    const attempt = docs.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { id: 'res-2', qty: 1 } } },
          {
            Update: {
              TableName: table,
              Key: { id: 'stock-b' },
              UpdateExpression: 'SET available = available - :q',
              ConditionExpression: 'available >= :q',
              ExpressionAttributeValues: { ':q': 1 },
            },
          },
          {
            Update: {
              TableName: table,
              Key: { id: 'stock-c' },
              UpdateExpression: 'SET available = available - :q',
              ConditionExpression: 'available >= :q',
              ExpressionAttributeValues: { ':q': 1 },
            },
          },
        ],
      }),
    );
    const error = (await attempt.catch((e: unknown) => e)) as TransactionCanceledException;
    expect(error).toBeInstanceOf(TransactionCanceledException);
    expect(error.CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'None', 'ConditionalCheckFailed']);
    expect(await get('res-2')).toBeUndefined();
    expect(await get('stock-b')).toEqual({ id: 'stock-b', available: 1 });
    expect(await get('stock-c')).toEqual({ id: 'stock-c', available: 0 });
  });

  it('cancels on a failed ConditionCheck and leaves a passing one untouched', async () => {
    await docs.send(new PutCommand({ TableName: table, Item: { id: 'flag', open: true, note: 'keep me' } }));
    const check = (open: boolean) => ({
      ConditionCheck: {
        TableName: table,
        Key: { id: 'flag' },
        ConditionExpression: '#o = :v',
        ExpressionAttributeNames: { '#o': 'open' },
        ExpressionAttributeValues: { ':v': open },
      },
    });
    await expect(
      docs.send(
        new TransactWriteCommand({
          TransactItems: [check(false), { Put: { TableName: table, Item: { id: 'x1' } } }],
        }),
      ),
    ).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(await get('x1')).toBeUndefined();
    await docs.send(
      new TransactWriteCommand({
        TransactItems: [check(true), { Put: { TableName: table, Item: { id: 'x2' } } }],
      }),
    );
    expect(await get('x2')).toEqual({ id: 'x2' });
    expect(await get('flag')).toEqual({ id: 'flag', open: true, note: 'keep me' });
  });

  it('refuses two operations on one item', async () => {
    await expect(
      docs.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { id: 'dup' } } },
            { Delete: { TableName: table, Key: { id: 'dup' } } },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('answers a repeated ClientRequestToken without applying it twice', async () => {
    await docs.send(new PutCommand({ TableName: table, Item: { id: 'counter', n: 0 } }));
    const increment = () =>
      docs.send(
        new TransactWriteCommand({
          ClientRequestToken: 'token-1',
          TransactItems: [
            {
              Update: {
                TableName: table,
                Key: { id: 'counter' },
                UpdateExpression: 'ADD n :one',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        }),
      );
    await increment();
    await increment();
    expect(await get('counter')).toEqual({ id: 'counter', n: 1 });
  });

  it('never oversells under concurrent transactions', async () => {
    await docs.send(new PutCommand({ TableName: table, Item: { id: 'hot', available: 7 } }));
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        docs.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: table,
                  Key: { id: 'hot' },
                  UpdateExpression: 'SET available = available - :q',
                  ConditionExpression: 'available >= :q',
                  ExpressionAttributeValues: { ':q': 1 },
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: { id: `hot-res-${i}` },
                  ConditionExpression: 'attribute_not_exists(id)',
                },
              },
            ],
          }),
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(7);
    expect(await get('hot')).toEqual({ id: 'hot', available: 0 });
    const reservations = await Promise.all(Array.from({ length: 20 }, (_, i) => get(`hot-res-${i}`)));
    expect(reservations.filter(Boolean)).toHaveLength(7);
  });

  it('still answers plain conditional writes with ConditionalCheckFailedException', async () => {
    await docs.send(new PutCommand({ TableName: table, Item: { id: 'plain' } }));
    await expect(
      docs.send(
        new PutCommand({
          TableName: table,
          Item: { id: 'plain' },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    await expect(
      docs.send(
        new UpdateCommand({
          TableName: table,
          Key: { id: 'plain' },
          UpdateExpression: 'SET v = :v',
          ExpressionAttributeValues: { ':v': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      ),
    ).resolves.toMatchObject({ Attributes: { v: 1 } });
  });
});
