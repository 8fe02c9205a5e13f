import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { api, eventually } from '../../support/api';
import { ledgerOf, orderReaches, placeSagaOrder, sagaEnds, stockedSku, stockOf } from '../../support/saga';
import { awsCliEnv, stackUrls } from '../../support/stack';
import type { RequestCounts } from '../../../src/local/metrics/request-counter';

const run = promisify(execFile);

/** How many invocations of the saga starter the local runtime has counted (OrderflowLocal.GetRequestCounts). */
async function startSagaInvocations(): Promise<number> {
  const response = await fetch(stackUrls().aws, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'OrderflowLocal.GetRequestCounts',
    },
    body: '{}',
  });
  expect(response.status).toBe(200);
  const counts = (await response.json()) as RequestCounts;
  return counts.lambda['orderflow-local-startSaga']?.invocations ?? 0;
}

interface StoredEvent {
  readonly metadata: { readonly type: string };
  readonly data: unknown;
}

/** The order's stored events, as GET /orders/{id}/events answers them. */
async function eventsOf(orderId: string): Promise<readonly StoredEvent[]> {
  const response = await api<{ events: StoredEvent[] }>('GET', `/orders/${orderId}/events`);
  expect(response.status).toBe(200);
  return response.body.events;
}

const dataOf = (events: readonly StoredEvent[], type: string): unknown =>
  events.find((e) => e.metadata.type === type)?.data;

describe('OrderSaga through the offline API', () => {
  it('takes an order to CONFIRMED: stock down, payment captured = total', async () => {
    const sku = await stockedSku(10, 1500);
    const orderId = await placeSagaOrder([{ sku, quantity: 2 }]);
    const view = await orderReaches(orderId, ['CONFIRMED', 'CANCELLED']);
    expect(view.status).toBe('CONFIRMED');
    expect(await stockOf(sku)).toEqual({ sku, available: 8, reserved: 0 });
    const ledger = await ledgerOf(orderId);
    expect(ledger.totals.captured - ledger.totals.refunded).toBe(3000);
    const saga = await sagaEnds(orderId);
    expect(saga.status).toBe('SUCCEEDED');
    expect(saga.steps.map((s) => s.name)).toEqual([
      'ReserveInventory',
      'AuthorizePayment',
      'ScheduleShipment',
      'ConfirmOrder',
    ]);
    const events = await eventsOf(orderId);
    expect(events.map((e) => e.metadata.type)).toEqual([
      'OrderPlaced',
      'InventoryReserved',
      'PaymentAuthorized',
      'ShipmentScheduled',
      'PaymentCaptured',
      'OrderConfirmed',
    ]);
    // The reservation reports the stock it left (the SKU is this test's own: no other order moved it).
    expect(dataOf(events, 'InventoryReserved')).toMatchObject({
      reservations: [{ sku, quantity: 2, available: 8 }],
    });
  });

  it.each([
    ['tok_decline', 'PAYMENT_DECLINED'],
    ['tok_insufficient_funds', 'PAYMENT_DECLINED'],
    ['tok_timeout', 'PAYMENT_TIMEOUT'],
  ])(
    'cancels with %s → %s, stock restored and no money kept',
    async (token, reason) => {
      const sku = await stockedSku(5);
      const orderId = await placeSagaOrder([{ sku, quantity: 3, unitPrice: 1000 }], { paymentToken: token });
      const view = await orderReaches(orderId, ['CONFIRMED', 'CANCELLED'], 60_000);
      expect(view).toMatchObject({ status: 'CANCELLED', cancellationReason: reason });
      expect(await stockOf(sku)).toEqual({ sku, available: 5, reserved: 0 });
      const ledger = await ledgerOf(orderId);
      expect(ledger.totals.captured - ledger.totals.refunded).toBe(0);
      expect(ledger.totals.authorized - ledger.totals.voided).toBe(0);
      // Both stock changes report what they left: 2 after reserving 3 of 5, all 5 after the release.
      const events = await eventsOf(orderId);
      expect(dataOf(events, 'InventoryReserved')).toMatchObject({
        reservations: [{ sku, quantity: 3, available: 2 }],
      });
      expect(dataOf(events, 'InventoryReleased')).toMatchObject({
        released: [{ sku, quantity: 3, available: 5 }],
      });
    },
    90_000,
  );

  it('cancels OUT_OF_STOCK when one line of a multi-SKU order is short, reserving nothing', async () => {
    const plenty = await stockedSku(10, 500);
    const short = await stockedSku(1, 500);
    const orderId = await placeSagaOrder([
      { sku: plenty, quantity: 2, unitPrice: 500 },
      { sku: short, quantity: 2, unitPrice: 500 },
    ]);
    expect(await orderReaches(orderId, ['CONFIRMED', 'CANCELLED'])).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'OUT_OF_STOCK',
    });
    expect(await stockOf(plenty)).toEqual({ sku: plenty, available: 10, reserved: 0 });
    expect(await stockOf(short)).toEqual({ sku: short, available: 1, reserved: 0 });
    expect((await ledgerOf(orderId)).entries).toEqual([]);
  });

  it('cancels SHIPPING_UNAVAILABLE for an address no carrier serves, voiding the authorization', async () => {
    const sku = await stockedSku(3, 2000);
    const orderId = await placeSagaOrder([{ sku, quantity: 1, unitPrice: 2000 }], {
      shippingAddress: { line1: 'McMurdo Station', city: 'Ross Island', postalCode: '96599', country: 'AQ' },
    });
    expect(await orderReaches(orderId, ['CONFIRMED', 'CANCELLED'])).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'SHIPPING_UNAVAILABLE',
    });
    expect(await stockOf(sku)).toEqual({ sku, available: 3, reserved: 0 });
    const ledger = await ledgerOf(orderId);
    expect(ledger.totals).toMatchObject({ authorized: 2000, voided: 2000, captured: 0 });
  });

  it('confirms tok_flaky after retries that the execution history shows (read with the AWS CLI)', async () => {
    const sku = await stockedSku(2, 700);
    const orderId = await placeSagaOrder([{ sku, quantity: 1, unitPrice: 700 }], {
      paymentToken: 'tok_flaky',
    });
    expect((await orderReaches(orderId, ['CONFIRMED', 'CANCELLED'], 60_000)).status).toBe('CONFIRMED');
    const saga = await sagaEnds(orderId);
    expect(saga.steps.find((s) => s.name === 'AuthorizePayment')).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 3,
    });

    const { stdout } = await run(
      'aws',
      [
        '--endpoint-url',
        stackUrls().aws,
        'stepfunctions',
        'get-execution-history',
        '--execution-arn',
        saga.executionArn,
        '--output',
        'json',
      ],
      { env: awsCliEnv() },
    );
    const history = JSON.parse(stdout) as {
      events: {
        type: string;
        id: number;
        previousEventId?: number;
        taskFailedEventDetails?: { error?: string };
      }[];
    };
    const failures = history.events
      .filter((e) => e.type === 'TaskFailed')
      .map((e) => e.taskFailedEventDetails?.error);
    expect(failures).toEqual(['PaymentProviderUnavailableError', 'PaymentProviderUnavailableError']);
    expect(history.events[0]?.type).toBe('ExecutionStarted');
    expect(history.events.at(-1)?.type).toBe('ExecutionSucceeded');
  }, 240_000);

  it('starts one execution however often OrderPlaced is delivered', async () => {
    const sku = await stockedSku(2, 900);
    const orderId = await placeSagaOrder([{ sku, quantity: 1, unitPrice: 900 }]);
    await orderReaches(orderId, ['CONFIRMED']);
    const stored = await api<{ events: { metadata: { type: string } }[] }>(
      'GET',
      `/orders/${orderId}/events`,
    );
    const placed = stored.body.events.find((e) => e.metadata.type === 'OrderPlaced');
    // Counted once the saga has ended, long after the first OrderPlaced started it.
    const saga = await sagaEnds(orderId);
    const startsBefore = await startSagaInvocations();
    const entries = [
      {
        EventBusName: 'orderflow-local',
        Source: 'orderflow.orders',
        DetailType: 'OrderPlaced',
        Detail: JSON.stringify(placed),
      },
    ];
    await run(
      'aws',
      ['--endpoint-url', stackUrls().aws, 'events', 'put-events', '--entries', JSON.stringify(entries)],
      { env: awsCliEnv() },
    );
    // The duplicate has reached the saga starter once it has run again (the runtime counts an invocation
    // when it has finished); only then can the executions show whether it started a second one.
    await eventually(startSagaInvocations, (count) => count > startsBefore);
    const { stdout } = await run(
      'aws',
      [
        '--endpoint-url',
        stackUrls().aws,
        'stepfunctions',
        'list-executions',
        '--state-machine-arn',
        saga.executionArn.replace(':execution:', ':stateMachine:').replace(/:[^:]+$/, ''),
        '--output',
        'json',
      ],
      { env: awsCliEnv() },
    );
    const executions = (JSON.parse(stdout) as { executions: { name: string }[] }).executions.filter(
      (e) => e.name === orderId,
    );
    expect(executions).toHaveLength(1);
    expect(await stockOf(sku)).toEqual({ sku, available: 1, reserved: 0 });
  });
});
