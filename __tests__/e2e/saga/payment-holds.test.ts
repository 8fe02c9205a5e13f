/*
 * A hold the saga never heard of is still voided (issue 12, item 5). The provider can authorize and the
 * saga not record it: the answer came after the client's timeout, or the customer cancelled while the
 * authorization was in flight (the step then may not record it). RefundPayment asks the provider for
 * the authorization made under the order's idempotency key and voids it.
 *
 * The provider faults are the simulator's (`POST /__faults`), which act on its next money-moving
 * request, whoever sends it: each test first waits until no saga of the shared stack is running.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { PROJECT_ROOT } from '../../../src/local/template';
import { bearer } from '../../../src/local/auth/dev-token';
import { api, eventually, uniqueCustomer } from '../../support/api';
import { ledgerOf, orderReaches, placeSagaOrder, stockedSku, stockOf } from '../../support/saga';
import { localClientConfig, stackUrls } from '../../support/stack';

const SAGA_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:orderflow-local-order-saga';
/** The local stage's payment client timeout (`params.local.paymentTimeoutMs`); the delays below follow it. */
const CLIENT_TIMEOUT_MS = Number(
  /\n {2}local:\n(?: {4}.*\n)*? {4}paymentTimeoutMs: (\d+)/.exec(
    readFileSync(join(PROJECT_ROOT, 'serverless.yml'), 'utf8'),
  )?.[1],
);

interface FaultState {
  delayNext: number;
  injected: { failed: number; delayed: number };
}

const faults = async (init?: { method: string; body?: unknown }): Promise<FaultState> => {
  const response = await fetch(`${stackUrls().payments}/__faults`, {
    method: init?.method ?? 'GET',
    headers: { 'content-type': 'application/json' },
    body: init?.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return (await response.json()) as FaultState;
};

/** No saga is moving money: the next request the provider sees is the one the test causes. */
async function sagasIdle(): Promise<void> {
  const sfn = new SFNClient(localClientConfig());
  try {
    await eventually(
      async () =>
        (await sfn.send(new ListExecutionsCommand({ stateMachineArn: SAGA_ARN, statusFilter: 'RUNNING' })))
          .executions ?? [],
      (running) => running.length === 0,
      120_000,
    );
  } finally {
    sfn.destroy();
  }
}

/** Delays the provider's next money-moving answer by `delayMs`; it acts at once, as a slow network would. */
async function delayNextAnswer(delayMs: number): Promise<number> {
  await sagasIdle();
  const before = (await faults()).injected.delayed;
  await faults({ method: 'POST', body: { delayNext: 1, delayMs } });
  return before;
}

afterEach(async () => {
  await faults({ method: 'DELETE' });
});

describe('payment holds the saga did not record', () => {
  it('reads the local client timeout it sets its delays by', () => {
    expect(CLIENT_TIMEOUT_MS).toBeGreaterThan(0);
  });

  it('voids an authorization answered after the client gave up (PAYMENT_TIMEOUT)', async () => {
    const sku = await stockedSku(2, 4200);
    await delayNextAnswer(CLIENT_TIMEOUT_MS + 1_500);
    const orderId = await placeSagaOrder([{ sku, quantity: 1, unitPrice: 4200 }]);
    expect(await orderReaches(orderId, ['CONFIRMED', 'CANCELLED'], 60_000)).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'PAYMENT_TIMEOUT',
    });
    // The provider did authorize: the hold is found by its idempotency key and released.
    const ledger = await eventually(
      () => ledgerOf(orderId),
      (l) => l.totals.voided > 0,
      30_000,
    );
    expect(ledger.totals).toMatchObject({ authorized: 4200, voided: 4200, captured: 0 });
    expect(await stockOf(sku)).toEqual({ sku, available: 2, reserved: 0 });
    // The stream tells the same story: the late authorization, then its release.
    const events = await api<{ events: { metadata: { type: string } }[] }>(
      'GET',
      `/orders/${orderId}/events`,
    );
    expect(events.body.events.map((e) => e.metadata.type)).toEqual(
      expect.arrayContaining(['PaymentAuthorized', 'PaymentRefunded', 'OrderCancelled']),
    );
  }, 240_000);

  it('voids an authorization the customer cancelled while it was in flight (CUSTOMER_CANCELLED)', async () => {
    const sku = await stockedSku(2, 4300);
    const customerId = uniqueCustomer('hold-canceller');
    // The cancel must land inside the provider's held answer (under 5 s): warm its function first, so a
    // cold start on a busy machine does not eat that window. An unknown order answers 404.
    const warmUp = await api('POST', '/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV/cancel', {
      authorization: bearer({ role: 'customer', subject: customerId }),
    });
    expect(warmUp.status).toBe(404);
    const delayedBefore = await delayNextAnswer(CLIENT_TIMEOUT_MS - 200);
    const orderId = await placeSagaOrder([{ sku, quantity: 1, unitPrice: 4300 }], { customerId });
    // The provider has the authorization request (and has authorized) but not answered yet: cancel now.
    await eventually(
      () => faults(),
      (state) => state.injected.delayed > delayedBefore,
      60_000,
    );
    const cancel = await api('POST', `/orders/${orderId}/cancel`, {
      authorization: bearer({ role: 'customer', subject: customerId }),
    });
    expect(cancel.status).toBe(202);
    expect(await orderReaches(orderId, ['CANCELLED'])).toMatchObject({
      cancellationReason: 'CUSTOMER_CANCELLED',
    });
    const ledger = await eventually(
      () => ledgerOf(orderId),
      (l) => l.totals.authorized > 0 && l.totals.voided === l.totals.authorized,
      60_000,
    );
    expect(ledger.totals).toMatchObject({ authorized: 4300, voided: 4300, captured: 0 });
    await eventually(
      () => stockOf(sku),
      (stock) => stock.available === 2 && stock.reserved === 0,
      60_000,
    );
  }, 240_000);
});
