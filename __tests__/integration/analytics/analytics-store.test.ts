import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAnalyticsStore } from '../../../src/adapters/dynamodb/analytics-store';
import type { PlacedOrder } from '../../../src/domain/analytics';
import { createScratchTable, deleteScratchTable } from '../../support/scratch-table';
import { documentClient } from '../../support/stack';

// A table of this file's own, with the analytics table's key schema, on the shared stack's DynamoDB.
const table = `analytics-store-test-${process.pid}-${Date.now().toString(36)}`;
const docs = documentClient();

beforeAll(() => createScratchTable(table, { hash: 'pk', range: 'sk' }));

afterAll(async () => {
  docs.destroy();
  await deleteScratchTable(table);
});

const summary = (orderId: string): PlacedOrder => ({
  orderId,
  customerId: `customer-of-${orderId}`,
  placedAtMs: Date.parse('2026-12-06T06:00:00.000Z'),
  currency: 'EUR',
  total: 2500,
});

/** Removes the stored summaries, so only what a store kept in memory can still answer. */
const forget = (...orderIds: string[]) =>
  Promise.all(
    orderIds.map((orderId) =>
      docs.send(new DeleteCommand({ TableName: table, Key: { pk: `placed#${orderId}`, sk: 'placed' } })),
    ),
  );

describe('DynamoAnalyticsStore: OrderPlaced summaries', () => {
  it('stores what it remembers, for a store that never saw the orders (another worker, a cold start)', async () => {
    await new DynamoAnalyticsStore(docs, table).rememberPlaced([summary('a1'), summary('a2')]);
    const other = new DynamoAnalyticsStore(docs, table);
    expect(await other.placedOrders(['a1', 'a2', 'unknown'])).toEqual(
      new Map([
        ['a1', summary('a1')],
        ['a2', summary('a2')],
      ]),
    );
  });

  it('answers the summaries it wrote or read from memory, up to its limit, newest kept', async () => {
    const warm = new DynamoAnalyticsStore(docs, table, 2);
    await warm.rememberPlaced([summary('b1'), summary('b2'), summary('b3')]);
    await forget('b1', 'b2', 'b3');
    expect([...(await warm.placedOrders(['b1', 'b2', 'b3'])).keys()]).toEqual(['b2', 'b3']);
    expect(await new DynamoAnalyticsStore(docs, table).placedOrders(['b2'])).toEqual(new Map());
  });
});
