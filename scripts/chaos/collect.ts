import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { ListQueuesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { isLeft } from 'fp-ts/Either';
import { foldOrderStream } from '../../src/application';
import { toView } from '../../src/domain/orders';
import { api, apiOk, mapPool, provider, sleep, type ChaosUrls } from './client';
import type { DeadLetter, OrderOutcome, StockLevels } from './invariants';
import type { PlannedOrder } from './scenario';

/** Reads at once while collecting; enough to keep a 2-core stack busy without queueing. */
const READ_CONCURRENCY = 8;
const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
const SAGA_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:orderflow-local-order-saga';
const ULID = /\b[0-9A-HJKMNP-TV-Z]{26}\b/g;

export type OrderView = Record<string, unknown> & { orderId: string; status: string; total: number };
interface Note {
  channel: string;
  eventId: string;
}

/** Every view of the run's customers, through the list endpoint (a page is 100 orders). */
export async function listViews(
  urls: ChaosUrls,
  customers: readonly string[],
): Promise<Map<string, OrderView>> {
  const views = new Map<string, OrderView>();
  await mapPool(customers, READ_CONCURRENCY, async (customerId) => {
    let nextToken: string | undefined;
    do {
      const query = new URLSearchParams({ customerId, limit: '100', ...(nextToken ? { nextToken } : {}) });
      const page = await apiOk<{ items: OrderView[]; nextToken?: string }>(urls, `/orders?${query}`);
      for (const view of page.items) views.set(view.orderId, view);
      nextToken = page.nextToken;
    } while (nextToken);
  });
  return views;
}

async function executionsByName(urls: ChaosUrls): Promise<Map<string, number>> {
  const sfn = new SFNClient({ endpoint: urls.aws, ...LOCAL });
  const executions = new Map<string, number>();
  try {
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn: SAGA_ARN, maxResults: 1000, nextToken }),
      );
      for (const execution of page.executions ?? [])
        executions.set(execution.name ?? '', (executions.get(execution.name ?? '') ?? 0) + 1);
      nextToken = page.nextToken;
    } while (nextToken);
  } finally {
    sfn.destroy();
  }
  return executions;
}

type LedgerTotals = OrderOutcome['ledger'];

/**
 * Captured, refunded and live holds per order, from one read of the provider's whole ledger. Each
 * authorization ends in one void or one capture, so those it is not yet matched by are still live.
 */
async function ledgerByOrder(urls: ChaosUrls): Promise<Map<string, LedgerTotals>> {
  const { status, body } = await provider<{ entries: { type: string; orderId: string; amount: number }[] }>(
    urls,
    'GET',
    '/v1/ledger',
  );
  if (status !== 200) throw new RangeError(`GET /v1/ledger answered ${status}`);
  const totals = new Map<string, { captured: number; refunded: number; liveHolds: number }>();
  for (const entry of body.entries) {
    const total = totals.get(entry.orderId) ?? { captured: 0, refunded: 0, liveHolds: 0 };
    if (entry.type === 'authorization') total.liveHolds += 1;
    if (entry.type === 'void') total.liveHolds -= 1;
    if (entry.type === 'capture') {
      total.captured += entry.amount;
      total.liveHolds -= 1;
    }
    if (entry.type === 'refund') total.refunded += entry.amount;
    totals.set(entry.orderId, total);
  }
  return totals;
}

/** The view the event store implies: what the projector should have written. */
function foldedView(events: readonly unknown[]): Record<string, unknown> | { foldError: string } {
  const folded = foldOrderStream(events);
  if (isLeft(folded)) return { foldError: folded.left.message };
  return folded.right ? { ...toView(folded.right) } : { foldError: 'no events' };
}

/**
 * Messages that reached a dead-letter queue (or the stream failure queues) since the run started. They
 * are received with a long visibility timeout so that each is seen once, and left in place.
 */
export async function deadLettersSince(urls: ChaosUrls, startedAt: number): Promise<DeadLetter[]> {
  const sqs = new SQSClient({ endpoint: urls.aws, ...LOCAL });
  const letters: DeadLetter[] = [];
  try {
    const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'orderflow-local-' }));
    for (const queueUrl of QueueUrls.filter((url) => /(-dlq(\.fifo)?|-failures)$/.test(url))) {
      for (;;) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 120,
            MessageSystemAttributeNames: ['SentTimestamp'],
          }),
        );
        if (Messages.length === 0) break;
        for (const message of Messages) {
          if (Number(message.Attributes?.SentTimestamp ?? 0) < startedAt) continue;
          letters.push({
            queue: queueUrl.split('/').pop() ?? queueUrl,
            messageId: message.MessageId ?? '',
            orderIds: [...new Set(message.Body?.match(ULID) ?? [])],
          });
        }
      }
    }
  } finally {
    sqs.destroy();
  }
  return letters;
}

const customerNotified = (notes: readonly Note[]) => notes.some((n) => n.channel === 'customer-email');

/** Everything the invariants look at, once the run has settled. */
export async function collectOutcomes(
  urls: ChaosUrls,
  placed: ReadonlyMap<string, PlannedOrder>,
  customers: readonly string[],
  skus: readonly string[],
  initialStock: number,
): Promise<{ outcomes: OrderOutcome[]; stock: StockLevels }> {
  const [listed, executions, ledger] = await Promise.all([
    listViews(urls, customers),
    executionsByName(urls),
    ledgerByOrder(urls),
  ]);
  const orderIds = [...placed.keys()];
  // Outcome notifications trail the outcomes by a queue and a topic: wait for the missing ones a while
  // (up to 90 rounds of 1 s, a busy machine can lag that far; it stops as soon as none is missing).
  const notes = new Map<string, Note[]>();
  const readNotes = (orderId: string) =>
    apiOk<{ notifications: Note[] }>(urls, `/orders/${orderId}/notifications`).then(({ notifications }) => {
      notes.set(orderId, notifications);
    });
  await mapPool(orderIds, READ_CONCURRENCY, readNotes);
  for (let round = 0; round < 90; round += 1) {
    const missing = orderIds.filter((id) => !customerNotified(notes.get(id) ?? []));
    if (missing.length === 0) break;
    await sleep(1_000);
    await mapPool(missing, READ_CONCURRENCY, readNotes);
  }
  const outcomes = await mapPool(orderIds, READ_CONCURRENCY, async (orderId): Promise<OrderOutcome> => {
    const { events } = await apiOk<{ events: { metadata: { version: number } }[] }>(
      urls,
      `/orders/${orderId}/events`,
    );
    const folded = foldedView(events);
    let view: OrderView | undefined = listed.get(orderId);
    // The list reads an index; a view that looks stale there is read again from the table itself.
    if (!view || ('version' in folded && folded.version !== view.version)) {
      const single = await api<OrderView>(urls, 'GET', `/orders/${orderId}`);
      view = single.status === 200 ? single.body : view;
    }
    return {
      orderId,
      status: view?.status ?? 'MISSING',
      total: view?.total ?? 0,
      lines: placed.get(orderId)?.lines ?? [],
      executions: executions.get(orderId) ?? 0,
      ledger: ledger.get(orderId) ?? { captured: 0, refunded: 0, liveHolds: 0 },
      versions: events.map((e) => e.metadata.version),
      view: view ?? {},
      folded,
      notifications: notes.get(orderId) ?? [],
    };
  });
  const stock = new Map<string, { initial: number; available: number; reserved: number }>();
  for (const sku of skus) {
    const level = await apiOk<{ available: number; reserved: number }>(urls, `/inventory/${sku}`);
    stock.set(sku, { initial: initialStock, available: level.available, reserved: level.reserved });
  }
  return { outcomes, stock };
}
