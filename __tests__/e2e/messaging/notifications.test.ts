import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetQueueUrlCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { ulid } from 'ulid';
import { PROJECT_ROOT } from '../../../src/local/template';
import { eventually, placeOrder, validOrder } from '../../support/api';
import {
  cliPutEvent,
  notificationsOf,
  outcomeEnvelope,
  queueDepth,
  queueDrained,
  sqsClient,
} from '../../support/messaging';
import { stockedSku } from '../../support/saga';
import { stackUrls } from '../../support/stack';

const run = promisify(execFile);

/** An order of one unit of a SKU priced at `unitPrice` and never stocked (its saga cancels OUT_OF_STOCK). */
const placeMessagingOrder = async (unitPrice = 1000) =>
  placeOrder(validOrder({ items: [{ sku: await stockedSku(0, unitPrice), quantity: 1, unitPrice }] }));

/**
 * Waits for the customer notification of one event, then for the ops queue to settle, and returns the
 * notifications of that event (the order's saga notifies of its own outcome too, under other event ids).
 */
async function settledNotifications(orderId: string, eventId: string) {
  await eventually(
    () => notificationsOf(orderId),
    (rows) => rows.some((row) => row.channel === 'customer-email' && row.eventId === eventId),
  );
  await queueDrained('ops-notifications');
  await queueDrained('customer-notifications');
  return (await notificationsOf(orderId)).filter((row) => row.eventId === eventId);
}

describe('order outcomes → notifications topic → filtered subscriptions → notifiers', () => {
  it('an event put with `aws events put-events` reaches both notifiers when stock ran out', async () => {
    const orderId = await placeMessagingOrder();
    const eventId = ulid();
    const result = await cliPutEvent(
      'OrderCancelled',
      outcomeEnvelope(orderId, 'OrderCancelled', eventId, 'OUT_OF_STOCK'),
    );
    expect(result.FailedEntryCount).toBe(0);
    const rows = await settledNotifications(orderId, eventId);
    expect(rows.map((row) => row.notificationId).sort()).toEqual([
      `customer-email#${eventId}`,
      `ops-alert#${eventId}`,
    ]);
    expect(rows.find((row) => row.channel === 'customer-email')?.text).toContain('out of stock');
  });

  it('tells only the customer about a cancellation they asked for on a small order', async () => {
    const orderId = await placeMessagingOrder(1000);
    const eventId = ulid();
    await cliPutEvent(
      'OrderCancelled',
      outcomeEnvelope(orderId, 'OrderCancelled', eventId, 'CUSTOMER_CANCELLED'),
    );
    const rows = await settledNotifications(orderId, eventId);
    expect(rows.map((row) => row.channel)).toEqual(['customer-email']);
  });

  it('tells operations about a confirmed order at or over the total threshold (numeric filter)', async () => {
    const large = await placeMessagingOrder(50_000);
    const small = await placeMessagingOrder(49_999);
    const [largeEvent, smallEvent] = [ulid(), ulid()];
    await cliPutEvent('OrderConfirmed', outcomeEnvelope(large, 'OrderConfirmed', largeEvent));
    await cliPutEvent('OrderConfirmed', outcomeEnvelope(small, 'OrderConfirmed', smallEvent));
    expect((await settledNotifications(large, largeEvent)).map((row) => row.channel).sort()).toEqual([
      'customer-email',
      'ops-alert',
    ]);
    expect((await settledNotifications(small, smallEvent)).map((row) => row.channel)).toEqual([
      'customer-email',
    ]);
  });

  it('notifies once per channel when the same event is delivered twice', async () => {
    const orderId = await placeMessagingOrder();
    const envelope = outcomeEnvelope(orderId, 'OrderCancelled', ulid(), 'PAYMENT_DECLINED');
    await cliPutEvent('OrderCancelled', envelope);
    await cliPutEvent('OrderCancelled', envelope);
    await settledNotifications(orderId, envelope.metadata.eventId);
    await queueDrained('order-outcomes');
    const rows = await settledNotifications(orderId, envelope.metadata.eventId);
    expect(rows.map((row) => row.notificationId).sort()).toEqual([
      `customer-email#${envelope.metadata.eventId}`,
      `ops-alert#${envelope.metadata.eventId}`,
    ]);
  });
});

describe('a poison message in a notifier queue', () => {
  it('fails alone (partial batch), ends in the DLQ after maxReceiveCount, and `npm run redrive` brings it back', async () => {
    await queueDrained('customer-notifications-dlq', 1_000).catch(() => undefined);
    const client = sqsClient();
    const { QueueUrl } = await client.send(
      new GetQueueUrlCommand({ QueueName: 'orderflow-local-customer-notifications' }),
    );
    const orderId = await placeMessagingOrder();
    const good = (eventId: string) =>
      JSON.stringify({
        eventId,
        eventType: 'OrderConfirmed',
        orderId,
        customerId: 'cust-poison',
        total: 1000,
        currency: 'EUR',
        occurredAt: new Date().toISOString(),
      });
    const [first, second] = [ulid(), ulid()];
    const before = (await queueDepth('customer-notifications-dlq')).visible;
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'good-1', MessageBody: good(first) },
          { Id: 'poison', MessageBody: 'this is not an outcome message' },
          { Id: 'good-2', MessageBody: good(second) },
        ],
      }),
    );
    client.destroy();

    const ours = async () =>
      (await notificationsOf(orderId)).filter((row) => [first, second].includes(row.eventId));
    const rows = await eventually(ours, (r) => r.length === 2);
    expect(rows.map((row) => row.eventId).sort()).toEqual([first, second].sort());

    // Visibility timeout 3 s and maxReceiveCount 3 on the local stage: the poison reaches the DLQ in ~10 s.
    await eventually(
      () => queueDepth('customer-notifications-dlq'),
      (depth) => depth.visible === before + 1,
      60_000,
    );

    const { stdout } = await run(
      join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'),
      ['scripts/redrive.ts', 'customer-notifications'],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, ORDERFLOW_AWS_PORT: new URL(stackUrls().aws).port, AWS_ENDPOINT_URL: '' },
      },
    );
    expect(stdout).toMatch(new RegExp(`redrive: moved ${before + 1} of ${before + 1} message\\(s\\)`));
    expect((await queueDepth('customer-notifications-dlq')).visible).toBeLessThan(before + 1);
    // Back in its queue it is consumed (and fails) again, so it returns to the DLQ: nothing was lost on the way.
    await eventually(
      () => queueDepth('customer-notifications-dlq'),
      (depth) => depth.visible === before + 1,
      60_000,
    );
  }, 240_000);
});
