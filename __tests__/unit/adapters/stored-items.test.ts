/*
 * Issue 13 item 3: what the stores read back from DynamoDB is decoded, never cast. A valid item comes
 * back as it was stored; one that does not decode throws CorruptItemError naming the table, the item's
 * key and every failing path. The DynamoDB client is a double answering each command with a canned
 * response (the adapters' error handling is what is under test).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventStore, fromItem, toItem } from '../../../src/adapters/dynamodb/event-store';
import { IdempotencyStore } from '../../../src/adapters/dynamodb/idempotency-store';
import { NotificationsStore } from '../../../src/adapters/dynamodb/notifications-store';
import { ReadModel } from '../../../src/adapters/dynamodb/read-model';
import { ReviewsStore } from '../../../src/adapters/dynamodb/reviews-store';
import { CorruptItemError } from '../../../src/adapters/dynamodb/stored-items';
import type { EventEnvelope } from '../../../src/domain/shared/envelope';

const ORDER_ID = '01JDQ3ZJ4X7V9G2K8M5N6P0R1S';
const AT = '2026-11-26T09:30:00.000Z';

/** A document client double: each send gets the next response (an Error is thrown), and is recorded. */
function clientAnswering(...responses: unknown[]) {
  const sent: string[] = [];
  const client = {
    send: async (command: object) => {
      sent.push(command.constructor.name);
      const response = responses.shift();
      if (response instanceof Error) throw response;
      return response ?? {};
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, sent };
}

/** The CorruptItemError `work` rejects with, as table, key and [path, rule] pairs. */
async function corruption(work: () => Promise<unknown>) {
  const error: unknown = await work().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(CorruptItemError);
  const { name, table, key, issues, message } = error as CorruptItemError;
  expect(name).toBe('CorruptItemError');
  expect(message).toContain(table);
  return { table, key, issues: issues.map(({ path, rule }) => [path, rule]) };
}

const view = (n = 0) => ({
  orderId: `${ORDER_ID.slice(0, -3)}${String(n).padStart(3, '0')}`,
  customerId: 'cust-42',
  status: 'CANCELLED',
  items: [{ sku: 'SKU-1', quantity: 2, unitPrice: 1250 }],
  total: 2500,
  currency: 'EUR',
  createdAt: AT,
  updatedAt: AT,
  version: 4,
  placedAt: AT,
  cancellationReason: 'PAYMENT_DECLINED',
});

describe('ReadModel', () => {
  it('get: returns a valid view as stored, and undefined for none', async () => {
    const item = view();
    const { client } = clientAnswering({ Item: item }, {});
    const readModel = new ReadModel(client, 'read-model');
    expect(await readModel.get(ORDER_ID)).toBe(item);
    expect(await readModel.get(ORDER_ID)).toBeUndefined();
  });

  it('get: refuses a view that does not decode, naming table, key and paths', async () => {
    const item = { ...view(), total: '2500', status: 'LOST', cancellationReason: 'BORED' };
    delete (item as Partial<typeof item>).placedAt;
    const { client } = clientAnswering({ Item: item });
    expect(await corruption(() => new ReadModel(client, 'read-model').get(ORDER_ID))).toEqual({
      table: 'read-model',
      key: { orderId: item.orderId },
      issues: [
        ['status', 'type'],
        ['total', 'type'],
        ['placedAt', 'required'],
        ['cancellationReason', 'type'],
      ],
    });
  });

  it('listByCustomer: a full page of valid views comes back as stored, with its last key', async () => {
    const items = Array.from({ length: 100 }, (_, n) => view(n));
    const lastKey = { orderId: ORDER_ID, customerId: 'cust-42', placedAt: AT };
    const { client } = clientAnswering({ Items: items, LastEvaluatedKey: lastKey });
    const page = await new ReadModel(client, 'read-model').listByCustomer('cust-42', 100);
    expect(page.items).toHaveLength(100);
    page.items.forEach((item, n) => expect(item).toBe(items[n]));
    expect(page.lastKey).toEqual(lastKey);
  });

  it('listByCustomer: refuses a page with one view that does not decode, naming that view', async () => {
    const bad = { ...view(7), items: [{ sku: 'SKU-1', quantity: 0, unitPrice: 1250 }] };
    const { client } = clientAnswering({ Items: [view(6), bad, view(8)] });
    expect(await corruption(() => new ReadModel(client, 'read-model').listByCustomer('cust-42', 3))).toEqual({
      table: 'read-model',
      key: { orderId: bad.orderId, customerId: 'cust-42', placedAt: AT },
      issues: [['items[0].quantity', 'type']],
    });
  });

  it.each([
    ['a missing placedAt', { orderId: ORDER_ID, customerId: 'cust-42' }, [['placedAt', 'required']]],
    [
      'a field too many',
      { orderId: ORDER_ID, customerId: 'cust-42', placedAt: AT, total: 1 },
      [['', 'type']],
    ],
  ])('listByCustomer: refuses a last key with %s', async (_name, lastKey, issues) => {
    const { client } = clientAnswering({ Items: [], LastEvaluatedKey: lastKey });
    expect(
      (await corruption(() => new ReadModel(client, 'read-model').listByCustomer('cust-42', 1))).issues,
    ).toEqual(issues);
  });
});

const review = {
  orderId: ORDER_ID,
  status: 'PENDING',
  taskToken: 'token-1',
  total: 150000,
  requestedAt: AT,
  expiresAt: '2026-11-26T09:45:00.000Z',
};

describe('ReviewsStore', () => {
  it('get and pending: return valid reviews as stored', async () => {
    const decided = { ...review, status: 'APPROVED', decidedAt: AT, reviewer: 'ops-1' };
    const { client } = clientAnswering({ Item: decided }, { Items: [review] });
    const reviews = new ReviewsStore(client, 'reviews');
    expect(await reviews.get(ORDER_ID)).toBe(decided);
    expect(await reviews.pending(10, new Date(AT))).toEqual([review]);
  });

  it('get: refuses a review with an unknown status and no task token', async () => {
    const { client } = clientAnswering({ Item: { ...review, taskToken: undefined, status: 'MAYBE' } });
    expect(await corruption(() => new ReviewsStore(client, 'reviews').get(ORDER_ID))).toEqual({
      table: 'reviews',
      key: { orderId: ORDER_ID },
      issues: [
        ['status', 'type'],
        ['taskToken', 'required'],
      ],
    });
  });

  it('pending: refuses a page with a review whose expiry is not a date-time', async () => {
    const { client } = clientAnswering({ Items: [{ ...review, expiresAt: 'tomorrow' }] });
    expect(
      (await corruption(() => new ReviewsStore(client, 'reviews').pending(10, new Date(AT)))).issues,
    ).toEqual([['expiresAt', 'type']]);
  });
});

const notification = (channel: string, eventId: string) => ({
  orderId: ORDER_ID,
  notificationId: `${channel}#${eventId}`,
  channel,
  eventId,
  eventType: 'OrderConfirmed',
  recipient: 'cust-42',
  text: 'Your order is confirmed.',
  createdAt: AT,
});

describe('NotificationsStore', () => {
  it('forOrder: returns valid notifications across pages', async () => {
    const first = notification('customer-email', 'e1');
    const second = notification('ops-alert', 'e1');
    const { client } = clientAnswering(
      { Items: [second], LastEvaluatedKey: { orderId: ORDER_ID, notificationId: second.notificationId } },
      { Items: [first] },
    );
    expect(await new NotificationsStore(client, 'notifications').forOrder(ORDER_ID)).toEqual([first, second]);
  });

  it('forOrder: refuses a notification of an unknown channel, naming its key', async () => {
    const bad = { ...notification('pigeon', 'e2'), eventType: 'OrderPlaced' };
    const { client } = clientAnswering({ Items: [notification('ops-alert', 'e1'), bad] });
    expect(
      await corruption(() => new NotificationsStore(client, 'notifications').forOrder(ORDER_ID)),
    ).toEqual({
      table: 'notifications',
      key: { orderId: ORDER_ID, notificationId: 'pigeon#e2' },
      issues: [
        ['channel', 'type'],
        ['eventType', 'type'],
      ],
    });
  });
});

describe('IdempotencyStore', () => {
  const NOW = new Date(AT);
  const nowSeconds = Math.floor(NOW.getTime() / 1000);
  const record = {
    id: 'key-1',
    requestHash: 'a'.repeat(64),
    result: { orderId: ORDER_ID },
    createdAt: AT,
    expiresAt: nowSeconds + 60,
  };
  const refused = () => new ConditionalCheckFailedException({ message: 'taken', $metadata: {} });

  it('find and claim: return a valid record as stored', async () => {
    const { client } = clientAnswering({ Item: record }, refused(), { Item: record });
    const store = new IdempotencyStore(client, 'idempotency');
    expect(await store.find('key-1', NOW)).toBe(record);
    expect(await store.claim('key-1', record.requestHash, {}, NOW)).toEqual({
      claimed: false,
      existing: record,
    });
  });

  it('find: refuses a record whose expiry is not a number and whose result is not strings', async () => {
    const { client } = clientAnswering({ Item: { ...record, expiresAt: 'later', result: { orderId: 7 } } });
    expect(await corruption(() => new IdempotencyStore(client, 'idempotency').find('key-1', NOW))).toEqual({
      table: 'idempotency',
      key: { id: 'key-1' },
      issues: [
        ['result.orderId', 'type'],
        ['expiresAt', 'type'],
      ],
    });
  });

  it('claim: refuses the record that holds the key when it does not decode', async () => {
    const { client } = clientAnswering(refused(), { Item: { ...record, requestHash: undefined } });
    expect(
      (await corruption(() => new IdempotencyStore(client, 'idempotency').claim('key-1', 'h', {}, NOW)))
        .issues,
    ).toEqual([['requestHash', 'required']]);
  });

  it('claim: a record gone between the refused put and the read frees the key for one more put', async () => {
    const { client, sent } = clientAnswering(refused(), {}, {});
    expect(await new IdempotencyStore(client, 'idempotency').claim('key-1', 'h', {}, NOW)).toEqual({
      claimed: true,
    });
    expect(sent).toEqual(['PutCommand', 'GetCommand', 'PutCommand']);
  });
});

describe('EventStore', () => {
  const envelope: EventEnvelope<unknown> = {
    metadata: {
      eventId: '01JDQ40000000000000000000A',
      type: 'OrderPlaced',
      version: 1,
      schemaVersion: 2,
      occurredAt: AT,
      correlationId: ORDER_ID,
      causationId: 'api:req-1',
      orderId: ORDER_ID,
    },
    data: { anything: true },
  };

  it('load: returns the stored envelopes, their data untouched', async () => {
    const { client } = clientAnswering({ Items: [toItem(envelope)] });
    expect(await new EventStore(client, 'event-store').load(ORDER_ID)).toEqual([envelope]);
  });

  it('load: refuses an event whose metadata does not decode, naming its stream and version', async () => {
    const item = { ...toItem(envelope), metadata: { ...envelope.metadata, version: 0, eventId: undefined } };
    const { client } = clientAnswering({ Items: [item] });
    expect(await corruption(() => new EventStore(client, 'event-store').load(ORDER_ID))).toEqual({
      table: 'event-store',
      key: { streamId: `order#${ORDER_ID}`, version: 1 },
      issues: [
        ['metadata.eventId', 'required'],
        ['metadata.version', 'type'],
      ],
    });
  });

  it('fromItem: refuses an item without metadata', () => {
    expect(() => fromItem({ streamId: 'order#x', version: 1, data: {} }, 'event-store')).toThrow(
      CorruptItemError,
    );
    expect(() => fromItem({ streamId: 'order#x', version: 1, data: {} }, 'event-store')).toThrow(
      'event-store item {"streamId":"order#x","version":1} does not decode: metadata required',
    );
  });
});
