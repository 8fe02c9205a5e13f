/*
 * Review decisions are recorded once and always reach the saga (issue 12, item 7): the decision is
 * appended to the order's stream first (a conditional write, so of racing decisions and cancels one
 * is recorded), the waiting saga is then answered from what the stream says, and only then is the
 * review closed. The reviewer is the caller, from the token. A review that timed out leaves the list.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { bearer } from '../../../src/local/auth/dev-token';
import { api, eventually } from '../../support/api';
import { orderReaches, placeSagaOrder, sagaEnds, stockedSku, type OrderView } from '../../support/saga';
import { documentClient } from '../../support/stack';

/** Over the review threshold (100,000 minor units) on every stage. */
const LARGE = 150_000;

interface StoredEvent {
  metadata: { type: string };
  data: Record<string, unknown>;
}

/** The order's events as the event store holds them (the events route masks some fields). */
async function storedEvents(orderId: string): Promise<StoredEvent[]> {
  const { Items = [] } = await documentClient().send(
    new QueryCommand({
      TableName: 'orderflow-local-event-store',
      KeyConditionExpression: 'streamId = :s',
      ExpressionAttributeValues: { ':s': `order#${orderId}` },
    }),
  );
  return Items as StoredEvent[];
}

async function awaitingReview(): Promise<string> {
  const sku = await stockedSku(1, LARGE);
  const orderId = await placeSagaOrder([{ sku, quantity: 1, unitPrice: LARGE }]);
  await orderReaches(orderId, ['AWAITING_REVIEW']);
  return orderId;
}

const decide = (orderId: string, decision: 'approve' | 'reject', authorization?: string) =>
  api<{ reviewer?: string; error?: { code: string; message: string } }>('POST', `/orders/${orderId}/review`, {
    body: { decision },
    ...(authorization === undefined ? {} : { authorization }),
  });

const listed = async (orderId: string) =>
  (await api<{ items: { orderId: string }[] }>('GET', '/reviews')).body.items.some(
    (r) => r.orderId === orderId,
  );

/** The saga ended, and not because its review timed out: the decision or the cancel reached it. */
async function endedWithoutReviewTimeout(orderId: string) {
  const saga = await sagaEnds(orderId, 120_000);
  const review = saga.steps.find((step) => step.name === 'ManualReview');
  expect({ orderId, review: review?.status }).toEqual({
    orderId,
    review: expect.stringMatching(/^(SUCCEEDED|FAILED)$/),
  });
  return saga;
}

describe('review decisions', () => {
  it('takes the reviewer from the token: the decision names the signed-in operator', async () => {
    const orderId = await awaitingReview();
    const answer = await decide(orderId, 'approve', bearer({ role: 'admin', subject: 'alice-ops' }));
    expect(answer).toMatchObject({
      status: 202,
      body: { orderId, decision: 'approve', reviewer: 'alice-ops' },
    });
    // The events route masks the reviewer; the event store holds who it was.
    expect(
      (await storedEvents(orderId)).find((e) => e.metadata.type === 'ReviewApproved')?.data,
    ).toMatchObject({
      reviewer: 'alice-ops',
    });
    expect((await orderReaches(orderId, ['CONFIRMED', 'CANCELLED'])).status).toBe('CONFIRMED');
  }, 240_000);

  it('records one of two racing decisions (202) and answers the other 409 naming it; the saga follows the one', async () => {
    const orderId = await awaitingReview();
    const [approve, reject] = await Promise.all([decide(orderId, 'approve'), decide(orderId, 'reject')]);
    expect([approve.status, reject.status].sort()).toEqual([202, 409]);
    const lost = approve.status === 409 ? approve : reject;
    expect(lost.body.error?.code).toBe('REVIEW_NOT_PENDING');
    const view = await orderReaches(orderId, ['CONFIRMED', 'CANCELLED'], 120_000);
    expect(view).toMatchObject(
      approve.status === 202
        ? { status: 'CONFIRMED' }
        : { status: 'CANCELLED', cancellationReason: 'REVIEW_REJECTED' },
    );
    await endedWithoutReviewTimeout(orderId);
    // Asked again, the same: the recorded decision stands, whoever asks.
    for (const decision of ['approve', 'reject'] as const)
      expect((await decide(orderId, decision)).body.error?.code).toBe('REVIEW_NOT_PENDING');
    expect(await listed(orderId)).toBe(false);
  }, 240_000);

  it('never leaves the saga waiting when a customer cancel races an approval', async () => {
    const orders = await Promise.all([awaitingReview(), awaitingReview(), awaitingReview()]);
    await Promise.all(
      orders.map(async (orderId) => {
        const [approve, cancel] = await Promise.all([
          decide(orderId, 'approve'),
          api('POST', `/orders/${orderId}/cancel`),
        ]);
        // Either may be recorded first; neither is a server error.
        expect([202, 409]).toContain(approve.status);
        expect([202, 409]).toContain(cancel.status);
      }),
    );
    for (const orderId of orders) {
      const view: OrderView = await orderReaches(orderId, ['CONFIRMED', 'CANCELLED'], 120_000);
      expect(['CONFIRMED', 'CANCELLED']).toContain(view.status);
      await endedWithoutReviewTimeout(orderId);
      expect(await listed(orderId)).toBe(false);
    }
  }, 180_000);

  it('takes a timed-out review off GET /reviews and refuses a late decision (20 s on the local stage)', async () => {
    const orderId = await awaitingReview();
    expect(await listed(orderId)).toBe(true);
    expect(await orderReaches(orderId, ['CONFIRMED', 'CANCELLED'], 120_000)).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'REVIEW_TIMEOUT',
    });
    await eventually(
      () => listed(orderId),
      (isListed) => !isListed,
      30_000,
    );
    const late = await decide(orderId, 'approve');
    expect(late).toMatchObject({ status: 409, body: { error: { code: 'REVIEW_NOT_PENDING' } } });
    expect((await storedEvents(orderId)).map((e) => e.metadata.type)).not.toContain('ReviewApproved');
  }, 240_000);
});
