import { api } from '../../support/api';
import { ledgerOf, orderReaches, placeSagaOrder, sagaEnds, stockedSku, stockOf } from '../../support/saga';
import { stackUrls } from '../../support/stack';

/** Arms a fault through the runtime's control API on the AWS endpoint. */
async function injectFault(functionName: string, count = 1): Promise<void> {
  const response = await fetch(stackUrls().aws, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'OrderflowLocal.InjectFault' },
    body: JSON.stringify({ kind: 'crash-after-invoke', functionName, count }),
  });
  expect(response.status).toBe(200);
}

describe('a saga step that crashes after its write', () => {
  afterEach(async () => {
    await fetch(stackUrls().aws, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'OrderflowLocal.ClearFaults' },
      body: '{}',
    });
  });

  it.each(['reserveInventory', 'authorizePayment', 'confirmOrder'])(
    'is retried after %s crashed, and nothing is done twice',
    async (step) => {
      await injectFault(`orderflow-local-${step}`);
      const sku = await stockedSku(5, 1200);
      const orderId = await placeSagaOrder([{ sku, quantity: 2, unitPrice: 1200 }]);
      expect((await orderReaches(orderId, ['CONFIRMED', 'CANCELLED'], 60_000)).status).toBe('CONFIRMED');

      const saga = await sagaEnds(orderId);
      const name = step.charAt(0).toUpperCase() + step.slice(1);
      expect(saga.steps.find((s) => s.name === name)).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
      // Stock went down once, money was authorized and captured once, and each fact was recorded once.
      expect(await stockOf(sku)).toEqual({ sku, available: 3, reserved: 0 });
      const ledger = await ledgerOf(orderId);
      expect(ledger.entries.filter((e) => e.type === 'authorization')).toHaveLength(1);
      expect(ledger.totals).toMatchObject({ authorized: 2400, captured: 2400, refunded: 0 });
      const events = await api<{ events: { metadata: { type: string }; data: unknown }[] }>(
        'GET',
        `/orders/${orderId}/events`,
      );
      const types = events.body.events.map((e) => e.metadata.type);
      expect(types).toEqual([...new Set(types)]);
      // Recorded once, with the stock the reservation left (2 of 5 taken, no other order on this SKU).
      expect(events.body.events.find((e) => e.metadata.type === 'InventoryReserved')?.data).toMatchObject({
        reservations: [{ sku, quantity: 2, available: 3 }],
      });
    },
    90_000,
  );
});
