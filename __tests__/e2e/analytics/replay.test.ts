import { main } from '../../../scripts/replay-analytics';
import { api, eventually } from '../../support/api';
import { groupCaughtUp, kafkaBootstrap } from '../../support/kafka';
import { orderReaches, placeSagaOrder, stockedSku } from '../../support/saga';
import { dynamoDb, stackUrls } from '../../support/stack';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';

/**
 * `npm run analytics:replay` against the offline stack: orders placed through the API are counted live,
 * the views are snapshot, the replay resets them and feeds the stored events through the order-events
 * topic to the same consumer, and the views come back equal, field by field, in every window; a second
 * replay changes nothing either.
 */

const MINUTE = 60_000;
const WINDOWS = ['1m', '5m', '15m'] as const;

interface MetricsBody {
  readonly views: (Record<string, unknown> & {
    readonly end: string;
    readonly topSkus: { readonly sku: string; readonly quantity: number }[];
  })[];
}

const views = async (window: string, from: Date, to: Date) => {
  const result = await api<MetricsBody>(
    'GET',
    `/analytics/metrics?window=${window}&from=${from.toISOString()}&to=${to.toISOString()}`,
  );
  expect(result.status).toBe(200);
  return result.body.views;
};

/** Every view of every window in [from, to]: what the replay must give back unchanged. */
const snapshot = async (from: Date, to: Date) =>
  Object.fromEntries(await Promise.all(WINDOWS.map(async (w) => [w, await views(w, from, to)] as const)));

const quantityOf = async (sku: string, from: Date, to: Date) =>
  (await views('1m', from, to))
    .flatMap((view) => view.topSkus)
    .filter((top) => top.sku === sku)
    .reduce((sum, top) => sum + top.quantity, 0);

const consumerCaughtUp = (): Promise<boolean> => groupCaughtUp('orderflow-local-analytics');

/**
 * Spoils the stored bucket shares of [from, to) (100 more orders placed in each, envelope ids kept), as
 * a bug in the consumer might: only a replay that resets the buckets and counts everything again through
 * the topic gives the live views back.
 */
async function spoilShares(from: Date, to: Date): Promise<number> {
  const base = dynamoDb();
  const client = DynamoDBDocumentClient.from(base);
  let spoiled = 0;
  try {
    for (const day of new Set([from, to].map((d) => d.toISOString().slice(0, 10)))) {
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: 'orderflow-local-analytics',
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': `bucket#${day}`,
            ':from': from.toISOString(),
            ':to': to.toISOString(),
          },
          ConsistentRead: true,
        }),
      );
      for (const item of Items) {
        const bucket = JSON.parse(String(item.bucket)) as { placed: number };
        const spoilt = { ...item, bucket: JSON.stringify({ ...bucket, placed: bucket.placed + 100 }) };
        await client.send(new PutCommand({ TableName: 'orderflow-local-analytics', Item: spoilt }));
        spoiled += 1;
      }
    }
  } finally {
    base.destroy();
  }
  return spoiled;
}

async function replay(from: Date): Promise<void> {
  const lines: string[] = [];
  const code = await main(
    [
      '--from',
      from.toISOString(),
      '--endpoint',
      stackUrls().aws,
      '--brokers',
      kafkaBootstrap(),
      '--wait',
      '300',
    ],
    (line) => lines.push(line),
    (line) => lines.push(line),
  );
  // The output says what went wrong when the exit code is not 0.
  expect({ code, lines }).toEqual({ code: 0, lines: expect.any(Array) });
  expect(lines.join('\n')).toContain('the consumer has counted every replayed record');
}

describe('analytics: replay rebuilds the views through the topic', () => {
  it('gives back exactly the live views in every 1m/5m/15m window, and again when run twice', async () => {
    const from = new Date(Date.now() - MINUTE);
    const sku = await stockedSku(1000, 100);
    const scarce = await stockedSku(1, 100);
    const orders = [
      await placeSagaOrder([{ sku, quantity: 3, unitPrice: 100 }]),
      await placeSagaOrder([{ sku, quantity: 5, unitPrice: 100 }]),
      await placeSagaOrder([
        { sku, quantity: 2, unitPrice: 100 },
        { sku: scarce, quantity: 1, unitPrice: 100 },
      ]),
      // More than there is: the saga cancels it, so the views hold a cancellation too.
      await placeSagaOrder([{ sku: scarce, quantity: 5, unitPrice: 100 }]),
    ];
    for (const orderId of orders) await orderReaches(orderId, ['CONFIRMED', 'CANCELLED'], 180_000);
    const to = new Date(Math.floor(Date.now() / MINUTE) * MINUTE + 2 * MINUTE);
    await eventually(
      () => quantityOf(sku, from, to),
      (quantity) => quantity === 10,
      180_000,
    );
    await eventually(consumerCaughtUp, (done) => done, 180_000);
    const live = await snapshot(from, to);
    const placed = live['1m']?.reduce((sum, view) => sum + Number(view.placed), 0) ?? 0;
    expect(placed).toBeGreaterThanOrEqual(orders.length);

    expect(await spoilShares(from, to)).toBeGreaterThan(0);
    expect(await snapshot(from, to)).not.toEqual(live);

    await replay(from);
    expect(await snapshot(from, to)).toEqual(live);

    await replay(from);
    expect(await snapshot(from, to)).toEqual(live);
  });

  it('refuses bad arguments with a message and exit code 2', async () => {
    const lines: string[] = [];
    const code = await main(['--from', 'yesterday'], undefined, (line) => lines.push(line));
    expect(code).toBe(2);
    expect(lines[0]).toMatch(/--from must be an ISO 8601 date-time/);
  });
});
