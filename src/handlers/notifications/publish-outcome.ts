import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { loadOrder } from '../../application';
import { outcomeAttributes, outcomeMessage } from '../../domain/notifications';
import { decodeOrderEnvelope, eventOf, ValidationError } from '../../domain/orders';
import { unwrap } from '../../domain/shared/unwrap';
import { notificationsTopic } from '../composition-root/notifications';
import { orderEventStore } from '../composition-root/stores';
import { eachRecord, observability } from '../shared/observability';

/**
 * An order outcome from the bus (the rule delivers the event envelope) becomes one message on the
 * notifications topic, with the attributes subscriptions filter on. Throwing fails only this record.
 */
export async function publishOutcome(record: SQSRecord): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new ValidationError([{ path: 'body', rule: 'json', message: 'message body is not JSON' }]);
  }
  const envelope = unwrap(decodeOrderEnvelope(body));
  const { metadata } = envelope;
  const event = eventOf(envelope);
  const order = await loadOrder(orderEventStore(), metadata.orderId);
  const reason = event.type === 'OrderCancelled' ? event.data.reason : undefined;
  const message = outcomeMessage(
    { eventId: metadata.eventId, type: metadata.type, occurredAt: metadata.occurredAt, reason },
    order,
  );
  if (message) await notificationsTopic().publish(message, outcomeAttributes(message));
}

export const handler = middy<SQSEvent>()
  .use(observability())
  // eachRecord logs a failed record (as JSON, with its order id); the middleware's own log would not be.
  .use(sqsPartialBatchFailure({ logger: () => undefined }))
  .handler((event) => eachRecord(event.Records, publishOutcome));
