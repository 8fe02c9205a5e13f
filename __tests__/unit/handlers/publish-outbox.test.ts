/*
 * The outbox's batch semantics (issue 12, item 9), with an in-memory publisher: Lambda reads a reported
 * failure as "every record before it is done", so nothing before the reported record may be left
 * unpublished, and nothing after it is published out of order. The stream path itself (a poison record
 * through the offline stack's stream poller) is tested in __tests__/e2e/messaging/outbox-poison.test.ts.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { toItem } from '../../../src/adapters/dynamodb/event-items';
import type { OrderEventEnvelope } from '../../../src/domain/orders';
import type { EventEnvelope } from '../../../src/domain/shared/envelope';
import { publishOutbox } from '../../../src/handlers/orders/publish-outbox';
import { cmd, envelopesFor, events, run } from '../domain/fixtures';

/** The six events of a confirmed order, as stored. */
function confirmedOrder(): OrderEventEnvelope[] {
  const commands = [
    cmd.place(),
    cmd.reserve(),
    cmd.authorize(),
    cmd.schedule(),
    cmd.capture(),
    cmd.confirm(),
  ];
  return commands.flatMap((command, i) =>
    envelopesFor(events(command, i === 0 ? undefined : run(...commands.slice(0, i))), i),
  );
}

/** `count` decodable events, of several orders, each with its own event id. */
function storedEvents(count: number): OrderEventEnvelope[] {
  const order = confirmedOrder();
  return Array.from({ length: count }, (_, i) => {
    const envelope = order[i % order.length] as OrderEventEnvelope;
    const orderId = `${envelope.metadata.orderId}-${Math.floor(i / order.length)}`;
    return JSON.parse(
      JSON.stringify(envelope)
        .replaceAll(envelope.metadata.orderId, orderId)
        .replaceAll(envelope.metadata.eventId, `evt-${i}`),
    ) as OrderEventEnvelope;
  });
}

const sequenceOf = (i: number) => String(i + 1).padStart(21, '0');

const streamRecord = (item: Record<string, unknown>, i: number): DynamoDBRecord => ({
  eventName: 'INSERT',
  dynamodb: {
    Keys: { streamId: { S: String(item.streamId) }, version: { N: String(item.version) } },
    NewImage: marshall(item, { removeUndefinedValues: true }) as Record<string, AttributeValue> as never,
    SequenceNumber: sequenceOf(i),
  },
});

/** An item under an order stream's key that no codec accepts. */
const poisonItem = { streamId: 'order#poison', version: 1, type: 'OrderPlaced', metadata: {}, data: {} };

/** A publisher that records what it was asked to publish, refusing the event ids in `refuse`. */
function memoryPublisher(refuse: ReadonlySet<string> = new Set()) {
  const calls: string[][] = [];
  return {
    calls,
    published: () => calls.flat().filter((id) => !refuse.has(id)),
    publisherFor: () => ({
      publish: async (envelopes: readonly EventEnvelope<unknown>[]) => {
        calls.push(envelopes.map((e) => e.metadata.eventId));
        return { failed: envelopes.filter((e) => refuse.has(e.metadata.eventId)) };
      },
    }),
  };
}

const batch = (items: Record<string, unknown>[]): DynamoDBStreamEvent => ({
  Records: items.map((item, i) => streamRecord(item, i)),
});

describe('publishOutbox: in order, up to the first failure', () => {
  it('publishes every record in stream order and reports nothing', async () => {
    const stored = storedEvents(23);
    const publisher = memoryPublisher();
    const response = await publishOutbox(publisher.publisherFor, batch(stored.map(toItem) as never));
    expect(response).toEqual({ batchItemFailures: [] });
    expect(publisher.published()).toEqual(stored.map((e) => e.metadata.eventId));
  });

  it('publishes the records before one it cannot decode, then reports that one and stops', async () => {
    const stored = storedEvents(14);
    const items: Record<string, unknown>[] = stored.map((e) => ({ ...toItem(e) }));
    items.splice(12, 0, poisonItem);
    const publisher = memoryPublisher();
    const response = await publishOutbox(publisher.publisherFor, batch(items));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceOf(12) }] });
    // Everything before the poison is out (Lambda counts it as done); nothing after it is, yet.
    expect(publisher.published()).toEqual(stored.slice(0, 12).map((e) => e.metadata.eventId));
  });

  it('stops at the first entry EventBridge still refuses: later chunks wait for the retry', async () => {
    const stored = storedEvents(25);
    const publisher = memoryPublisher(new Set(['evt-13', 'evt-16']));
    const response = await publishOutbox(publisher.publisherFor, batch(stored.map(toItem) as never));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceOf(13) }] });
    // Its chunk went out (EventBridge orders nothing within one PutEvents call); nothing after it did.
    const firstTwenty = stored.slice(0, 20).map((e) => e.metadata.eventId);
    expect(publisher.published()).toEqual(firstTwenty.filter((id) => id !== 'evt-13' && id !== 'evt-16'));
  });

  it('reports a poison record first in the batch at once, publishing nothing', async () => {
    const publisher = memoryPublisher();
    const response = await publishOutbox(
      publisher.publisherFor,
      batch([poisonItem, ...storedEvents(3).map((e) => ({ ...toItem(e) }))]),
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceOf(0) }] });
    expect(publisher.calls).toEqual([]);
  });
});
