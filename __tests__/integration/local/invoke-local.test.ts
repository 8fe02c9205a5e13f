import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { EventStore } from '../../../src/adapters/dynamodb/event-store';
import { api, eventually, LOCAL_TABLES } from '../../support/api';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { frameworkEnv, PROJECT_ROOT, SLS_BIN } from '../../../src/local/template';
import { isFunctionLogLine } from '../../../src/local/lambda/function-logs';
import { documentClient, stackUrls } from '../../support/stack';
import { SAMPLE_ORDER_ID, storeSampleOrder } from '../../../scripts/seed-samples';

const run = promisify(execFile);
const EVENTS_DIR = join(PROJECT_ROOT, 'events');
const samples = readdirSync(EVENTS_DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.replace(/\.json$/, ''));

const failsWith = (errorType: string) => (r: Record<string, unknown>) =>
  expect(r).toMatchObject({ errorType });
const answers = (statusCode: number) => (r: Record<string, unknown>) =>
  expect(r).toMatchObject({ statusCode });
const noBatchFailures = (r: Record<string, unknown>) => expect(r).toEqual({ batchItemFailures: [] });

// The sample order's SKU has no stock, so its saga has cancelled it (OUT_OF_STOCK) before the samples run:
// forward steps refuse a cancelled order by name, compensations find nothing left to undo.
const EXPECTED: Record<string, (result: Record<string, unknown>) => void> = {
  health: answers(200),
  placeOrder: answers(202),
  getOrder: answers(200),
  getOrderEvents: answers(200),
  listOrders: answers(200),
  projectOrders: noBatchFailures,
  publishOutbox: noBatchFailures,
  // Invoked locally without the stage's kafkaBrokers, the producer fails closed: the record is reported for
  // Lambda to retry, never dropped. (A connected producer would keep `sls invoke local` from exiting; the
  // path through the running stack's broker is __tests__/e2e/messaging/order-stream.test.ts.)
  publishOrderStream: (r) =>
    expect(r).toEqual({ batchItemFailures: [{ itemIdentifier: '000000000000000000001' }] }),
  getOrderNotifications: answers(200),
  publishOutcome: noBatchFailures,
  notifyCustomer: noBatchFailures,
  notifyOps: noBatchFailures,
  putStock: answers(200),
  // An unstocked SKU: a structured 404 proves the handler ran end to end.
  getStock: answers(404),
  startSaga: noBatchFailures,
  shipOrder: noBatchFailures,
  reserveInventory: failsWith('OrderCancelledError'),
  authorizePayment: failsWith('OrderCancelledError'),
  requestReview: failsWith('OrderCancelledError'),
  confirmOrder: failsWith('OrderCancelledError'),
  refundPayment: (r) => expect(r).toEqual({ refunded: 0 }),
  releaseInventory: (r) => expect(r).toEqual({ released: [] }),
  cancelOrder: (r) => expect(r).toEqual({ status: 'CANCELLED', reason: 'OUT_OF_STOCK' }),
  cancelOrderRequest: answers(202),
  listReviews: answers(200),
  decideReview: answers(409),
  getSaga: answers(200),
  // The sample names a partition of its own, so it never moves the stack's consumer; run twice, it counts once.
  analyzeOrderEvents: (r) =>
    expect((r as { counted: { partition: string }[] }).counted).toEqual([
      expect.objectContaining({ partition: 'orderflow.local.sample-events-0' }),
    ]),
  getAnalyticsMetrics: answers(200),
  // The same sample record: it joins the stack's one CEP state under its own partition, evaluated once.
  detectAlerts: (r) => expect(r).toMatchObject({ committed: expect.any(Array), unpublished: 0 }),
  tickAlerts: (r) => expect(r).toMatchObject({ committed: expect.any(Array), unpublished: 0 }),
  getAnalyticsAlerts: answers(200),
};

/** Places the sample order (the OrderPlaced of events/publishOutbox.json) and waits for its saga to end. */
async function placeSampleOrder(): Promise<void> {
  await storeSampleOrder(new EventStore(documentClient(), LOCAL_TABLES.eventStore));
  await eventually(
    () => api<{ status: string }>('GET', `/orders/${SAMPLE_ORDER_ID}`),
    (r) => r.status === 200 && r.body.status === 'CANCELLED',
  );
}

describe('sls invoke local with the sample events, against the running stack', () => {
  beforeAll(placeSampleOrder, 150_000);

  it('has a sample event for every function of the template', async () => {
    const { stdout } = await run(
      process.execPath,
      [SLS_BIN, 'print', '--stage', 'local', '--path', 'functions', '--format', 'json'],
      {
        cwd: PROJECT_ROOT,
        env: frameworkEnv(),
      },
    );
    expect(samples.sort()).toEqual(Object.keys(JSON.parse(stdout) as object).sort());
  });

  it.each(samples)('invokes %s with its sample event', async (name) => {
    const check = EXPECTED[name];
    expect(check).toBeDefined();
    // A function that throws makes the command exit non-zero, with Lambda's error payload on stdout.
    const { stdout } = await run(
      process.execPath,
      [SLS_BIN, 'invoke', 'local', '--stage', 'local', '-f', name, '-p', `events/${name}.json`],
      {
        cwd: PROJECT_ROOT,
        env: frameworkEnv({
          ORDERFLOW_BUILD_DIR: join('.orderflow', 'build', `invoke-${name}`),
          AWS_ENDPOINT_URL: stackUrls().aws,
          AWS_REGION: 'us-east-1',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        }),
      },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    // The function's own JSON log and EMF lines come first; the result (or error payload) is printed last.
    const result = stdout
      .split('\n')
      .filter((line) => !isFunctionLogLine(line))
      .join('\n');
    check?.(JSON.parse(result.slice(result.indexOf('{'))) as Record<string, unknown>);
  });
});
