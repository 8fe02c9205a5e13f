import middy from '@middy/core';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import * as E from 'fp-ts/Either';
import {
  decodeOrderEnvelope,
  EVENT_SOURCES,
  isOrderEventType,
  type OrderEventEnvelope,
} from '../../domain/orders';
import { fromItem } from '../../adapters/dynamodb/event-items';
import { EventPublisher } from '../../adapters/eventbridge/event-publisher';
import { eventBridgeClient } from '../../adapters/clients-eventbridge';
import { requiredEnv } from '../../adapters/env';
import { logger, observability } from '../observability';

const sourceOf = (type: string): string =>
  isOrderEventType(type) ? EVENT_SOURCES[type] : 'orderflow.orders';

let publisher: EventPublisher | undefined;
const eventPublisher = () =>
  (publisher ??= new EventPublisher(eventBridgeClient(), requiredEnv('EVENT_BUS_NAME'), sourceOf));

interface Decoded {
  readonly record: DynamoDBRecord;
  readonly envelope?: OrderEventEnvelope;
}

const isOrderStream = (record: DynamoDBRecord): boolean =>
  record.dynamodb?.Keys?.streamId?.S?.startsWith('order#') === true;

const decode = (record: DynamoDBRecord): Decoded => {
  const image = record.dynamodb?.NewImage;
  if (!image) return { record };
  const decoded = decodeOrderEnvelope(fromItem(unmarshall(image as Record<string, AttributeValue>)));
  if (E.isLeft(decoded)) {
    logger.error('undecodable event in the store', {
      error: decoded.left.message,
      sequenceNumber: record.dynamodb?.SequenceNumber,
    });
    throw decoded.left;
  }
  return { record, envelope: decoded.right };
};

/**
 * The outbox: every event appended to the store is published to the bus, in stream order. Only the
 * entries EventBridge refused are resent; what still fails is reported from its first record on, so
 * Lambda retries that record and the ones after it (consumers drop the duplicates by eventId).
 */
export async function publishOutbox(
  publisherFor: () => Pick<EventPublisher, 'publish'>,
  event: DynamoDBStreamEvent,
): Promise<DynamoDBBatchResponse> {
  const decoded: Decoded[] = [];
  for (const record of event.Records) {
    // Only appended order events are published; anything else in the table is not part of the outbox.
    if (record.eventName !== 'INSERT' || !isOrderStream(record)) continue;
    try {
      decoded.push(decode(record));
    } catch {
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  const envelopes = decoded.flatMap((d) => (d.envelope ? [d.envelope] : []));
  const { failed } = await publisherFor().publish(envelopes);
  if (envelopes.length > 0) {
    logger.info('events published', {
      published: envelopes.length - failed.length,
      failed: failed.length,
      orderIds: [...new Set(envelopes.map((envelope) => envelope.metadata.orderId))],
    });
  }
  if (failed.length === 0) return { batchItemFailures: [] };
  const firstFailed = decoded.find((d) => d.envelope && failed.includes(d.envelope));
  return { batchItemFailures: [{ itemIdentifier: firstFailed?.record.dynamodb?.SequenceNumber ?? '' }] };
}

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(observability())
  .handler((event) => publishOutbox(eventPublisher, event));
