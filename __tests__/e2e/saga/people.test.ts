import { bearer } from '../../../src/local/auth/dev-token';
import { api, eventually, uniqueCustomer } from '../../support/api';
import { ledgerOf, orderReaches, placeSagaOrder, stockedSku, stockOf } from '../../support/saga';

/** Over the review threshold (100,000 minor units) on every stage. */
const LARGE = 150_000;

describe('reviewers and customers in the saga', () => {
  it('waits for a reviewer over the threshold; approval confirms', async () => {
    const sku = await stockedSku(2, LARGE);
    const orderId = await placeSagaOrder([{ sku, quantity: 1, unitPrice: LARGE }]);
    await orderReaches(orderId, ['AWAITING_REVIEW']);
    const reviews = await api<{ items: { orderId: string; total: number }[] }>('GET', '/reviews');
    expect(reviews.body.items).toContainEqual(expect.objectContaining({ orderId, total: LARGE }));
    const answer = await api('POST', `/orders/${orderId}/review`, { body: { decision: 'approve' } });
    expect(answer.status).toBe(202);
    expect((await orderReaches(orderId, ['CONFIRMED', 'CANCELLED'])).status).toBe('CONFIRMED');
    expect((await ledgerOf(orderId)).totals.captured).toBe(LARGE);
    const again = await api('POST', `/orders/${orderId}/review`, { body: { decision: 'reject' } });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'REVIEW_NOT_PENDING' } } });
  });

  it('cancels REVIEW_REJECTED on rejection, voiding the payment and restoring stock', async () => {
    const sku = await stockedSku(2, LARGE);
    const orderId = await placeSagaOrder([{ sku, quantity: 1, unitPrice: LARGE }]);
    await orderReaches(orderId, ['AWAITING_REVIEW']);
    expect((await api('POST', `/orders/${orderId}/review`, { body: { decision: 'reject' } })).status).toBe(
      202,
    );
    // The rejection is recorded at once (the order is CANCELLED); the compensation follows.
    expect(await orderReaches(orderId, ['CONFIRMED', 'CANCELLED'])).toMatchObject({
      cancellationReason: 'REVIEW_REJECTED',
    });
    await eventually(
      () => stockOf(sku),
      (s) => s.available === 2 && s.reserved === 0,
    );
    await eventually(
      () => ledgerOf(orderId),
      (l) => l.totals.authorized === LARGE && l.totals.voided === LARGE && l.totals.captured === 0,
    );
  });

  it('cancels REVIEW_TIMEOUT when nobody reviews in time (20 s on the test stack)', async () => {
    const sku = await stockedSku(1, LARGE);
    const orderId = await placeSagaOrder([{ sku, quantity: 1, unitPrice: LARGE }]);
    await orderReaches(orderId, ['AWAITING_REVIEW']);
    expect(await orderReaches(orderId, ['CONFIRMED', 'CANCELLED'], 120_000)).toMatchObject({
      cancellationReason: 'REVIEW_TIMEOUT',
    });
    expect(await stockOf(sku)).toEqual({ sku, available: 1, reserved: 0 });
  }, 180_000);

  it('rejects a malformed review decision naming each field', async () => {
    const response = await api('POST', '/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV/review', {
      body: { decision: 'maybe', reviewer: 'mallory', note: 'x' },
    });
    expect(response.status).toBe(400);
    const paths = (
      response.body as { error: { details: { path: string; rule: string }[] } }
    ).error.details.map((d) => [d.path, d.rule]);
    // The reviewer is the caller (the token's subject), never a field of the body.
    expect(paths).toEqual([
      ['decision', 'enum'],
      ['reviewer', 'unknownField'],
      ['note', 'unknownField'],
    ]);
  });

  it('lets the customer cancel before shipping: CUSTOMER_CANCELLED, stock back, nothing kept', async () => {
    const sku = await stockedSku(2, LARGE / 2 + 1);
    const customerId = uniqueCustomer('canceller');
    const orderId = await placeSagaOrder([{ sku, quantity: 2, unitPrice: LARGE / 2 + 1 }], { customerId });
    await orderReaches(orderId, ['AWAITING_REVIEW']);
    const cancel = await api('POST', `/orders/${orderId}/cancel`, {
      authorization: bearer({ role: 'customer', subject: customerId }),
    });
    expect(cancel.status).toBe(202);
    expect(await orderReaches(orderId, ['CANCELLED'])).toMatchObject({
      cancellationReason: 'CUSTOMER_CANCELLED',
    });
    // Compensation runs after the cancellation is recorded: wait for the stock to come back.
    await eventually(
      () => stockOf(sku),
      (s) => s.available === 2 && s.reserved === 0,
    );
    await eventually(
      () => ledgerOf(orderId),
      (l) => l.totals.voided === l.totals.authorized,
    );
  });

  it('refuses a customer cancel once the order is confirmed: 409 ORDER_NOT_CANCELLABLE', async () => {
    const sku = await stockedSku(1, 100);
    const orderId = await placeSagaOrder([{ sku, quantity: 1, unitPrice: 100 }]);
    await orderReaches(orderId, ['CONFIRMED']);
    const cancel = await api('POST', `/orders/${orderId}/cancel`);
    expect(cancel).toMatchObject({ status: 409, body: { error: { code: 'ORDER_NOT_CANCELLABLE' } } });
  });
});
