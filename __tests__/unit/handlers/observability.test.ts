/*
 * Observability of the real handlers (middy chains with Powertools Logger, Metrics and Tracer),
 * invoked with in-memory dependencies in place of DynamoDB, the payment provider and Step Functions.
 * What they print is read back from stdout/stderr: JSON log lines and EMF blobs, as CloudWatch gets them.
 */
import type { APIGatewayProxyEventV2, Context, DynamoDBStreamEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import type { EventEnvelope } from '../../../src/domain/shared/envelope';
import { ConcurrencyError } from '../../../src/domain/shared/errors';
import { isFunctionLogLine } from '../../../src/local/lambda/function-logs';

/** The order streams, in memory, with the event store's conditional append. */
class MemoryEventStore {
  readonly streams = new Map<string, EventEnvelope<unknown>[]>();

  async load(orderId: string): Promise<EventEnvelope<unknown>[]> {
    return structuredClone(this.streams.get(orderId) ?? []);
  }

  async append(envelopes: readonly EventEnvelope<unknown>[]): Promise<void> {
    const first = envelopes[0];
    if (!first) return;
    const stream = this.streams.get(first.metadata.orderId) ?? [];
    if (first.metadata.version !== stream.length + 1) {
      throw new ConcurrencyError(`order#${first.metadata.orderId}`, first.metadata.version);
    }
    this.streams.set(first.metadata.orderId, [...stream, ...structuredClone(envelopes)]);
  }
}

const mockStore = new MemoryEventStore();
const mockClaims = new Map<string, { requestHash: string; result: { orderId?: string } }>();
const mockIdempotency = {
  claim: async (id: string, requestHash: string, result: { orderId?: string }) => {
    const existing = mockClaims.get(id);
    if (existing) return { claimed: false, existing };
    mockClaims.set(id, { requestHash, result });
    return { claimed: true };
  },
};
// The stage settings startSaga hands the saga (serverless.yml sets them on every stage).
process.env.REVIEW_THRESHOLD_MINOR = '100000';
process.env.REVIEW_TIMEOUT_SECONDS = '900';
process.env.SHIPPING_TIMEOUT_SECONDS = '3600';

// The InventoryStore outcomes' shapes (the steps read them).
const mockInventory = {
  reserve: async (orderId: string, lines: readonly { sku: string; quantity: number }[]) => ({
    status: 'reserved',
    reservation: { orderId, lines, status: 'RESERVED', updatedAt: '2024-05-01T10:00:00.000Z' },
  }),
  commit: async () => ({ committed: [] }),
  release: async () => ({ released: [], available: {} }),
};
const mockPayments = {
  authorize: async (request: { orderId: string; amount: number; currency: string }) => ({
    authorizationId: `auth_${request.orderId}`,
    status: 'authorized',
    orderId: request.orderId,
    amount: request.amount,
    currency: request.currency,
  }),
  capture: async (request: { authorizationId: string; amount: number }) => ({
    captureId: `cap_${request.authorizationId}`,
    authorizationId: request.authorizationId,
    status: 'captured',
    amount: request.amount,
  }),
};
const mockSagaStarts: string[] = [];
const mockReadModel = { put: async () => true };
/** The catalogue prices every SKU at 1250 EUR (orderBody quotes that price). */
const mockCatalogue = {
  prices: async (skus: readonly string[]) =>
    new Map(skus.map((sku) => [sku, { unitPrice: 1250, currency: 'EUR' }])),
};
const mockReferences = {
  seal: (token: string) => `sealed:${token}`,
  open: (reference: string) => reference.replace(/^sealed:/, ''),
};

jest.mock('../../../src/handlers/composition-root/stores', () => ({
  orderEventStore: () => mockStore,
  idempotencyStore: () => mockIdempotency,
  orderReadModel: () => mockReadModel,
  paymentMethodReferences: () => mockReferences,
  // placeOrder prices from the catalogue; the saga steps reserve in the inventory: one store, two faces.
  inventoryStore: () => ({ ...mockInventory, ...mockCatalogue }),
  paymentProvider: () => mockPayments,
}));
jest.mock('../../../src/handlers/composition-root/saga', () => ({
  sagaClient: () => ({
    start: async (orderId: string) => {
      mockSagaStarts.push(orderId);
      return true;
    },
  }),
}));

// Imported after the mocks (jest hoists jest.mock above these).
import { handler as placeOrder } from '../../../src/handlers/orders/place-order';
import { handler as projectOrders } from '../../../src/handlers/orders/project-orders';
import { handler as startSaga } from '../../../src/handlers/saga/start-saga';
import { handler as health } from '../../../src/handlers/system/health';
import * as steps from '../../../src/handlers/saga/task-functions';

interface LogLine {
  level: string;
  message: string;
  service: string;
  correlation_id?: string;
  function_name?: string;
  function_request_id?: string;
  [key: string]: unknown;
}

interface EmfBlob {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

/** Everything written to stdout and stderr while `work` runs, as parsed JSON lines. */
async function printed<T>(
  work: () => Promise<T>,
): Promise<{ result: T; logs: LogLine[]; metrics: EmfBlob[] }> {
  const chunks: string[] = [];
  const capture = (chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    const result = await work();
    const lines = chunks
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    return {
      result,
      logs: lines.filter((line) => !('_aws' in line)) as LogLine[],
      metrics: lines.filter((line) => '_aws' in line) as EmfBlob[],
    };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

let invocation = 0;
const contextFor = (functionName: string): Context =>
  ({
    functionName,
    awsRequestId: `req-${(invocation += 1)}`,
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    getRemainingTimeInMillis: () => 10_000,
  }) as unknown as Context;

const orderBody = {
  customerId: 'cust-42',
  items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 1250 }],
  currency: 'EUR',
  paymentToken: 'tok_visa',
  shippingAddress: { line1: '1 Main St', city: 'Berlin', postalCode: '10115', country: 'DE' },
};

// As API Gateway's JWT authorizer describes the customer's access token.
const httpEvent = (overrides: Partial<APIGatewayProxyEventV2>): APIGatewayProxyEventV2 =>
  ({
    routeKey: 'POST /orders',
    rawPath: '/orders',
    headers: { 'content-type': 'application/json' },
    isBase64Encoded: false,
    requestContext: {
      authorizer: {
        jwt: { claims: { sub: 'cust-42', scope: 'orderflow/orders' }, scopes: ['orderflow/orders'] },
      },
    },
    ...overrides,
  }) as unknown as APIGatewayProxyEventV2;

async function placeAnOrder(headers: Record<string, string> = {}) {
  const run = await printed(() =>
    placeOrder(
      httpEvent({
        body: JSON.stringify(orderBody),
        headers: { 'content-type': 'application/json', ...headers },
      }),
      contextFor('orderflow-test-placeOrder'),
    ),
  );
  const { orderId } = JSON.parse(run.result.body ?? '{}') as { orderId: string };
  return { ...run, orderId };
}

const metricNamed = (blobs: EmfBlob[], name: string) =>
  blobs.filter((blob) => blob._aws.CloudWatchMetrics[0]?.Metrics.some((metric) => metric.Name === name));

describe('handler logs: structured JSON with the order id as correlation id', () => {
  it('POST /orders: the lines after the new order id is known carry it, with the Lambda context', async () => {
    const { logs, orderId } = await placeAnOrder();
    expect(orderId).toMatch(/^[0-9A-Z]{26}$/);
    const placed = logs.find((line) => line.message === 'order placed');
    const request = logs.find((line) => line.message === 'request handled');
    expect(placed).toMatchObject({
      level: 'INFO',
      service: 'orderflow',
      correlation_id: orderId,
      function_name: 'orderflow-test-placeOrder',
      customerId: 'cust-42',
    });
    expect(request).toMatchObject({ correlation_id: orderId, route: 'POST /orders', status: 202 });
    expect(logs.every((line) => typeof line.timestamp === 'string' && line.level)).toBe(true);
  });

  it('a saga step correlates by its task input on every line', async () => {
    const { orderId } = await placeAnOrder();
    const { logs } = await printed(() =>
      steps.reserveInventory({ orderId }, contextFor('orderflow-test-reserveInventory')),
    );
    expect(logs.map((line) => line.message)).toEqual(['events recorded', 'saga step done']);
    for (const line of logs) expect(line.correlation_id).toBe(orderId);
  });

  it('a failing step logs why, with the order id, and still throws for Retry/Catch', async () => {
    const { logs } = await printed(() =>
      expect(
        steps.reserveInventory({ orderId: '01NOSUCHORDER0000000000000' }, contextFor('reserveInventory')),
      ).rejects.toThrow(),
    );
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'saga step failed',
        step: 'ReserveInventory',
        correlation_id: '01NOSUCHORDER0000000000000',
        error: expect.objectContaining({ name: 'OrderNotFoundError' }),
      }),
    ]);
  });

  it('an SQS batch: each record logs under its own order id, a bad record fails alone with its message id', async () => {
    const first = await placeAnOrder();
    const second = await placeAnOrder();
    const record = (messageId: string, body: string) =>
      ({ messageId, body, eventSource: 'aws:sqs' }) as SQSRecord;
    const placedEnvelope = async (orderId: string) => JSON.stringify((await mockStore.load(orderId))[0]);
    const event: SQSEvent = {
      Records: [
        record('m-1', await placedEnvelope(first.orderId)),
        record('m-2', await placedEnvelope(second.orderId)),
        record('m-3', 'not json'),
      ],
    };
    const { result, logs } = await printed(() => startSaga(event, contextFor('orderflow-test-startSaga')));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-3' }] });
    expect(mockSagaStarts).toEqual(expect.arrayContaining([first.orderId, second.orderId]));
    const byMessage = Object.fromEntries(logs.map((line) => [line.messageId as string, line]));
    expect(byMessage['m-1']).toMatchObject({ message: 'record handled', correlation_id: first.orderId });
    expect(byMessage['m-2']).toMatchObject({ message: 'record handled', correlation_id: second.orderId });
    expect(byMessage['m-3']).toMatchObject({ level: 'ERROR', message: 'record failed' });
    expect(byMessage['m-3']?.correlation_id).toBeUndefined();
  });

  it('a stream batch of one order correlates by the record key (order#<id>)', async () => {
    const { orderId } = await placeAnOrder();
    const event: DynamoDBStreamEvent = {
      Records: [
        {
          eventName: 'INSERT',
          dynamodb: {
            Keys: { streamId: { S: `order#${orderId}` }, version: { N: '1' } },
            NewImage: { streamId: { S: `order#${orderId}` }, metadata: { M: { orderId: { S: orderId } } } },
            SequenceNumber: '100',
          },
        },
      ],
    };
    const { result, logs } = await printed(() =>
      projectOrders(event, contextFor('orderflow-test-projectOrders')),
    );
    expect(result).toEqual({ batchItemFailures: [] });
    expect(logs).toEqual([
      expect.objectContaining({ message: 'orders projected', correlation_id: orderId, orders: 1 }),
    ]);
  });

  it('keys are reset between invocations: the next request does not inherit the last order id', async () => {
    await placeAnOrder();
    const { logs } = await printed(() =>
      health(httpEvent({ routeKey: 'GET /health', rawPath: '/health' }), contextFor('orderflow-test-health')),
    );
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ message: 'request handled', status: 200 });
    expect(logs[0]?.correlation_id).toBeUndefined();
  });
});

describe('handler metrics: EMF blobs in the orderflow namespace', () => {
  const emfShape = (blob: EmfBlob | undefined, name: string, dimensions: string[][]) => {
    expect(blob?._aws.CloudWatchMetrics).toEqual([
      { Namespace: 'orderflow', Dimensions: dimensions, Metrics: [expect.objectContaining({ Name: name })] },
    ]);
    expect(typeof blob?._aws.Timestamp).toBe('number');
  };

  it('OrdersPlaced once per order, even when the request is repeated with its Idempotency-Key', async () => {
    const first = await placeAnOrder({ 'idempotency-key': 'obs-repeat-1' });
    const repeat = await placeAnOrder({ 'idempotency-key': 'obs-repeat-1' });
    expect(repeat.orderId).toBe(first.orderId);
    const placed = metricNamed(first.metrics, 'OrdersPlaced');
    expect(placed).toHaveLength(1);
    emfShape(placed[0], 'OrdersPlaced', [['service']]);
    expect(placed[0]).toMatchObject({ service: 'orderflow', OrdersPlaced: 1, orderId: first.orderId });
    expect(metricNamed(repeat.metrics, 'OrdersPlaced')).toEqual([]);
    expect(
      repeat.logs.find((line) => line.message === 'order already placed: a repeated request'),
    ).toMatchObject({ correlation_id: first.orderId });
  });

  it('the happy path: PaymentLatency per provider call, OrdersConfirmed and SagaDuration at the outcome', async () => {
    const { orderId } = await placeAnOrder();
    await printed(() => steps.reserveInventory({ orderId }, contextFor('reserveInventory')));
    const authorized = await printed(() =>
      steps.authorizePayment({ orderId }, contextFor('authorizePayment')),
    );
    const confirmed = await printed(() =>
      steps.confirmOrder({ orderId, shipmentId: `shp_${orderId}` }, contextFor('confirmOrder')),
    );

    const [authorizeLatency] = metricNamed(authorized.metrics, 'PaymentLatency');
    emfShape(authorizeLatency, 'PaymentLatency', [['service', 'operation'], ['service']]);
    expect(authorizeLatency).toMatchObject({ operation: 'authorize', orderId });
    expect(authorizeLatency?._aws.CloudWatchMetrics[0]?.Metrics[0]?.Unit).toBe('Milliseconds');
    expect(metricNamed(confirmed.metrics, 'PaymentLatency')[0]).toMatchObject({ operation: 'capture' });

    const [confirmedCount] = metricNamed(confirmed.metrics, 'OrdersConfirmed');
    emfShape(confirmedCount, 'OrdersConfirmed', [['service']]);
    expect(confirmedCount).toMatchObject({ OrdersConfirmed: 1, orderId });
    const [duration] = metricNamed(confirmed.metrics, 'SagaDuration');
    emfShape(duration, 'SagaDuration', [['service', 'outcome'], ['service']]);
    expect(duration).toMatchObject({ outcome: 'CONFIRMED', orderId, SagaDuration: expect.any(Number) });
    expect(duration?.SagaDuration as number).toBeGreaterThanOrEqual(0);

    // A retried ConfirmOrder (Step Functions retry, crash after the write) records and counts nothing.
    const retried = await printed(() =>
      steps.confirmOrder({ orderId, shipmentId: `shp_${orderId}` }, contextFor('confirmOrder')),
    );
    expect(metricNamed(retried.metrics, 'OrdersConfirmed')).toEqual([]);

    // A compensation that arrives after the outcome (ConfirmOrder's answer lost) never refunds a sale.
    await expect(steps.refundPayment({ orderId }, contextFor('refundPayment'))).rejects.toMatchObject({
      name: 'InvalidTransitionError',
    });
    const types = (await mockStore.load(orderId)).map((e) => e.metadata.type);
    expect(types).toContain('OrderConfirmed');
    expect(types).not.toContain('PaymentRefunded');
  });

  it('OrdersCancelled by reason (and in total), with SagaDuration of the cancelled saga', async () => {
    const { orderId } = await placeAnOrder();
    const { metrics, logs } = await printed(() =>
      steps.cancelOrder({ orderId, reason: 'PAYMENT_DECLINED' }, contextFor('cancelOrder')),
    );
    const [cancelled] = metricNamed(metrics, 'OrdersCancelled');
    emfShape(cancelled, 'OrdersCancelled', [['service', 'reason'], ['service']]);
    expect(cancelled).toMatchObject({ reason: 'PAYMENT_DECLINED', OrdersCancelled: 1, orderId });
    expect(metricNamed(metrics, 'SagaDuration')[0]).toMatchObject({ outcome: 'CANCELLED', orderId });
    expect(logs.find((line) => line.message === 'events recorded')).toMatchObject({
      correlation_id: orderId,
      events: ['OrderCancelled'],
    });

    const again = await printed(() =>
      steps.cancelOrder({ orderId, reason: 'PAYMENT_DECLINED' }, contextFor('cancelOrder')),
    );
    expect(metricNamed(again.metrics, 'OrdersCancelled')).toEqual([]);
  });
});

describe('npm start shows the functions’ structured lines', () => {
  it.each([
    ['a Powertools log line', '{"level":"INFO","message":"order placed","service":"orderflow"}', true],
    ['an EMF blob', '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]},"OrdersPlaced":1}', true],
    ['a framework’s own line', '(λ: placeOrder) RequestId: abc  Duration: 9.50 ms', false],
    ['JSON that is not a log entry', '{"orderId":"X","status":"PENDING"}', false],
    ['a broken line', '{"level":"INFO","mess', false],
  ])('%s: %s', (_name, line, shown) => {
    expect(isFunctionLogLine(line)).toBe(shown);
  });
});
