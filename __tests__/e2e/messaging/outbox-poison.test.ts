/*
 * A record the outbox cannot decode must not cost the records before it (issue 12, item 9). Lambda
 * takes a stream batch's reported failure as "everything before this sequence number is done", so the
 * outbox must have published those records first. The test writes a valid OrderPlaced and a poison
 * record in one transaction (their stream records then arrive together, the valid one first) and
 * watches the bus for the valid one and the outbox's failure destination for the poison.
 */
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { TransactWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  DeleteRuleCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { ulid } from 'ulid';
import { eventually, placeOrder, validOrder } from '../../support/api';
import { sqsClient } from '../../support/messaging';
import { documentClient, localClientConfig } from '../../support/stack';

const EVENT_STORE = 'orderflow-local-event-store';
const BUS = 'orderflow-local';
const OUTBOX_FAILURES = 'orderflow-local-outbox-failures';

interface FailureRecord {
  requestContext?: { functionArn?: string };
  timestamp?: string;
  DDBStreamBatchInfo?: { batchSize?: number; startSequenceNumber?: string };
}

/** The stored OrderPlaced of a real order, copied to a new order id: an event the outbox can decode. */
async function copiedOrderPlaced(orderId: string) {
  const source = await placeOrder(validOrder());
  const { Items = [] } = await documentClient().send(
    new QueryCommand({
      TableName: EVENT_STORE,
      KeyConditionExpression: 'streamId = :s AND version = :v',
      ExpressionAttributeValues: { ':s': `order#${source}`, ':v': 1 },
    }),
  );
  const [stored] = Items as { metadata: { eventId: string } }[];
  if (!stored) throw new RangeError(`order ${source} has no stored OrderPlaced`);
  return JSON.parse(
    JSON.stringify(stored).replaceAll(source, orderId).replaceAll(stored.metadata.eventId, ulid()),
  ) as Record<string, unknown>;
}

describe('the outbox and a record it cannot decode', () => {
  it('publishes the records before it, and dead-letters the poison after its retries', async () => {
    const events = new EventBridgeClient(localClientConfig());
    const sqs = sqsClient();
    const orderId = ulid();
    const rule = `outbox-poison-${Date.now()}`;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: rule }));
    const { QueueUrl: failuresUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: OUTBOX_FAILURES }));
    const startedAt = Date.now();
    try {
      await events.send(
        new PutRuleCommand({
          Name: rule,
          EventBusName: BUS,
          EventPattern: JSON.stringify({ detail: { metadata: { orderId: [orderId] } } }),
        }),
      );
      await events.send(
        new PutTargetsCommand({
          Rule: rule,
          EventBusName: BUS,
          Targets: [{ Id: 'q', Arn: `arn:aws:sqs:us-east-1:000000000000:${rule}` }],
        }),
      );
      const valid = await copiedOrderPlaced(orderId);
      // Decodes nowhere: no order id, no data. The projector skips it (it names no order).
      const poison = { streamId: `order#${ulid()}`, version: 1, type: 'OrderPlaced', metadata: {}, data: {} };
      await documentClient().send(
        new TransactWriteCommand({
          TransactItems: [valid, poison].map((Item) => ({
            Put: { TableName: EVENT_STORE, Item, ConditionExpression: 'attribute_not_exists(streamId)' },
          })),
        }),
      );

      const published = await eventually(
        async () =>
          (await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }))).Messages ?? [],
        (messages) => messages.length > 0,
        60_000,
      );
      const [event] = published.map(
        (m) => JSON.parse(m.Body ?? '{}') as { 'detail-type': string; detail: unknown },
      );
      expect(event).toMatchObject({ 'detail-type': 'OrderPlaced', detail: { metadata: { orderId } } });

      // Retried (and bisected) until its retries run out, then reported where an operator looks.
      const failure = await eventually(
        async () => {
          const { Messages = [] } = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl: failuresUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
          );
          const ours = Messages.filter((m) => {
            const record = JSON.parse(m.Body ?? '{}') as FailureRecord;
            return (
              record.requestContext?.functionArn?.endsWith('publishOutbox') === true &&
              Date.parse(record.timestamp ?? '') >= startedAt &&
              record.DDBStreamBatchInfo?.batchSize === 1
            );
          });
          for (const message of ours)
            await sqs.send(
              new DeleteMessageCommand({ QueueUrl: failuresUrl, ReceiptHandle: message.ReceiptHandle }),
            );
          return ours;
        },
        (ours) => ours.length > 0,
        90_000,
      );
      expect(failure).toHaveLength(1);
    } finally {
      await events
        .send(new RemoveTargetsCommand({ Rule: rule, EventBusName: BUS, Ids: ['q'] }))
        .catch(() => undefined);
      await events.send(new DeleteRuleCommand({ Name: rule, EventBusName: BUS })).catch(() => undefined);
      await sqs.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined);
      events.destroy();
      sqs.destroy();
    }
  }, 180_000);
});
