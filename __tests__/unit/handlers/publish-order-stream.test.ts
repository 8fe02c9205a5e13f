/*
 * The Kafka producer's batch semantics, with an in-memory producer: a batch is produced as one request, so
 * a refused request reports the batch from its first record (Lambda retries all of it; consumers drop
 * duplicates by the event-id header), and a record that cannot be decoded stops the batch after the ones
 * before it. The path through the offline broker is tested in __tests__/e2e/messaging/order-stream.test.ts.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { toItem } from '../../../src/adapters/dynamodb/event-items';
import { orderStreamRecord, type OrderStreamRecord } from '../../../src/adapters/kafka/order-stream-producer';
import type { OrderEventEnvelope } from '../../../src/domain/orders';
import { publishOrderStream } from '../../../src/handlers/orders/publish-order-stream';
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

/** A producer that records what it was asked to send, failing every send while `down`. */
function memoryProducer(down = false) {
  const sends: OrderStreamRecord[][] = [];
  return {
    sends,
    producerFor: () => ({
      send: async (records: readonly OrderStreamRecord[]) => {
        sends.push([...records]);
        if (down) throw new RangeError('no leader for partition');
      },
    }),
  };
}

const batch = (items: Record<string, unknown>[]): DynamoDBStreamEvent => ({
  Records: items.map((item, i) => streamRecord(item, i)),
});

describe('publishOrderStream: one record per stored event, in stream order', () => {
  it('sends every event as one request, keyed by order id, and reports nothing', async () => {
    const stored = storedEvents(14);
    const producer = memoryProducer();
    const response = await publishOrderStream(producer.producerFor, batch(stored.map(toItem) as never));
    expect(response).toEqual({ batchItemFailures: [] });
    expect(producer.sends).toHaveLength(1);
    expect(producer.sends[0]).toEqual(stored.map(orderStreamRecord));
    expect(producer.sends[0]?.map((record) => record.key)).toEqual(stored.map((e) => e.metadata.orderId));
  });

  it('puts the envelope in the value and its type, schema version, correlation and event id in headers', () => {
    const [placed] = storedEvents(1);
    const record = orderStreamRecord(placed as OrderEventEnvelope);
    expect(JSON.parse(record.value)).toEqual(placed);
    expect(record.headers).toEqual({
      type: 'OrderPlaced',
      'schema-version': String(placed?.metadata.schemaVersion),
      'correlation-id': placed?.metadata.correlationId,
      'event-id': 'evt-0',
      'content-type': 'application/json',
    });
  });

  it('reports the whole batch from its first record when the request fails', async () => {
    const stored = storedEvents(5);
    const producer = memoryProducer(true);
    const response = await publishOrderStream(producer.producerFor, batch(stored.map(toItem) as never));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceOf(0) }] });
  });

  it('sends the records before one it cannot decode, then reports that one', async () => {
    const stored = storedEvents(8);
    const items: Record<string, unknown>[] = stored.map((e) => ({ ...toItem(e) }));
    items.splice(6, 0, poisonItem);
    const producer = memoryProducer();
    const response = await publishOrderStream(producer.producerFor, batch(items));
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: sequenceOf(6) }] });
    expect(producer.sends.flat().map((record) => record.headers['event-id'])).toEqual(
      stored.slice(0, 6).map((e) => e.metadata.eventId),
    );
  });

  it('ignores what is not an appended order event', async () => {
    const producer = memoryProducer();
    const [event] = storedEvents(1);
    const modify = {
      ...streamRecord(toItem(event as OrderEventEnvelope) as never, 0),
      eventName: 'MODIFY' as const,
    };
    const response = await publishOrderStream(producer.producerFor, { Records: [modify] });
    expect(response).toEqual({ batchItemFailures: [] });
    expect(producer.sends).toEqual([]);
  });
});
