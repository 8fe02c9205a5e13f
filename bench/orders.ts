import { apiFetch } from './api-fetch';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { measure, percentiles, round, type Throughput } from './stats';

export interface OrdersBenchOptions {
  readonly httpUrl: string;
  readonly awsUrl: string;
  readonly operations: number;
  readonly concurrency: number;
}

const orderBody = (i: number) =>
  JSON.stringify({
    customerId: `bench-${i % 50}`,
    items: [{ sku: `SKU-${i % 7}`, quantity: 1 + (i % 3), unitPrice: 1999 }],
    currency: 'EUR',
    paymentToken: 'tok_visa',
    shippingAddress: { line1: '1 Bench Street', city: 'Berlin', postalCode: '10115', country: 'DE' },
  });

/**
 * The floor is what the local DynamoDB endpoint does on its own (raw conditional PutItem / GetItem
 * on a plain table, same concurrency, same run); POST /orders is measured against it, since each
 * order is one conditional PutItem (plus its stream record) behind an HTTP API and a Lambda.
 */
export async function benchOrders(options: OrdersBenchOptions) {
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: options.awsUrl,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
  );
  // A table of its own with the event store's key schema, so the floor is DynamoDB alone: no stream.
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
  const runId = 'floor';
  const { operations: n, concurrency: c } = options;

  const putItem = await measure(n, c, async (i) => {
    await documents.send(
      new PutCommand({
        TableName: table,
        Item: { streamId: `bench#${runId}-${i}`, version: 1, payload: 'x'.repeat(600) },
        ConditionExpression: 'attribute_not_exists(version)',
      }),
    );
    return true;
  });
  const getItem = await measure(n, c, async (i) => {
    const { Item } = await documents.send(
      new GetCommand({ TableName: table, Key: { streamId: `bench#${runId}-${i}`, version: 1 } }),
    );
    return Item !== undefined;
  });

  const placed: { id: string; at: number }[] = [];
  const burstStarted = performance.now();
  const postOrders = await measure(n, c, async (i) => {
    const response = await apiFetch(`${options.httpUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: orderBody(i),
    });
    const body = (await response.json()) as { orderId?: string };
    if (response.status === 202 && body.orderId) placed.push({ id: body.orderId, at: performance.now() });
    return response.status === 202;
  });

  // Projection lag: from the 202 until GET /orders/{id} serves the view, on a sample of the orders.
  const lags: number[] = [];
  let unprojected = 0;
  for (const { id, at } of placed.slice(-50)) {
    const deadline = performance.now() + 60_000;
    let seen = false;
    while (!seen && performance.now() < deadline) {
      seen = (await apiFetch(`${options.httpUrl}/orders/${id}`)).status === 200;
      if (!seen) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (seen) lags.push(performance.now() - at);
    else unprojected += 1;
  }

  // Every order also runs its saga (these SKUs have no stock, so each is cancelled and compensated):
  // the pipeline's throughput is the rate at which the whole burst reaches a terminal state.
  const terminalBy = performance.now() + 300_000;
  let pending = placed.map((p) => p.id);
  while (pending.length > 0 && performance.now() < terminalBy) {
    const still: string[] = [];
    for (const id of pending) {
      const response = await apiFetch(`${options.httpUrl}/orders/${id}`);
      const status = response.status === 200 ? ((await response.json()) as { status: string }).status : '';
      if (status !== 'CONFIRMED' && status !== 'CANCELLED') still.push(id);
    }
    pending = still;
    if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const burstSeconds = (performance.now() - burstStarted) / 1000;
  await documents.send(new DeleteTableCommand({ TableName: table }));
  documents.destroy();

  return {
    floor: { putItem: summary(putItem), getItem: summary(getItem) },
    postOrders: summary(postOrders),
    postOrdersToPutItemRatio: round(postOrders.perSecond / putItem.perSecond, 3),
    projectionLagMs: percentiles(lags.map((lag) => round(lag))),
    unprojectedWithin60s: unprojected,
    burstToTerminal: {
      orders: placed.length,
      notTerminalAfter5Min: pending.length,
      seconds: round(burstSeconds),
      ordersPerSecond: round((placed.length - pending.length) / burstSeconds),
    },
  };
}

const summary = (t: Throughput) => ({
  operations: t.operations,
  perSecond: round(t.perSecond),
  p50Ms: round(t.latencyMs.p50),
  p99Ms: round(t.latencyMs.p99),
  errors: t.errors,
});
