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
import { envelopeParts } from '../../adapters/dynamodb/event-items';
import { type EventPublisher, PUT_EVENTS_BATCH } from '../../adapters/eventbridge/event-publisher';
import { eventPublisher as busPublisher } from '../composition-root/bus';
import { logger, observability } from '../shared/observability';

const sourceOf = (type: string): string =>
  isOrderEventType(type) ? EVENT_SOURCES[type] : 'orderflow.orders';

const eventPublisher = () => busPublisher(sourceOf);

export interface DecodedRecord {
  readonly record: DynamoDBRecord;
  readonly envelope: OrderEventEnvelope;
}

export const isOrderStream = (record: DynamoDBRecord): boolean =>
  record.dynamodb?.Keys?.streamId?.S?.startsWith('order#') === true;

/** The record's event, or undefined when it has none to publish (an INSERT always has its new image). */
export const decode = (record: DynamoDBRecord): OrderEventEnvelope | undefined => {
  const image = record.dynamodb?.NewImage;
  if (!image) return undefined;
  const decoded = decodeOrderEnvelope(envelopeParts(unmarshall(image as Record<string, AttributeValue>)));
  if (E.isRight(decoded)) return decoded.right;
  logger.error('undecodable event in the store', {
    error: decoded.left.message,
    sequenceNumber: record.dynamodb?.SequenceNumber,
  });
  throw decoded.left;
};

/**
 * The batch's appended order events, in stream order, up to the first record that cannot be decoded
 * (returned apart, so that a publisher reports it after publishing what came before it).
 */
export function decodeUntilUndecodable(records: readonly DynamoDBRecord[]): {
  decoded: DecodedRecord[];
  undecodable?: DynamoDBRecord;
} {
  const decoded: DecodedRecord[] = [];
  for (const record of records) {
    // Only appended order events are published; anything else in the table is not part of the outbox.
    if (record.eventName !== 'INSERT' || !isOrderStream(record)) continue;
    try {
      const envelope = decode(record);
      if (envelope) decoded.push({ record, envelope });
    } catch {
      return { decoded, undecodable: record };
    }
  }
  return { decoded };
}

export const failureAt = (record: DynamoDBRecord): DynamoDBBatchResponse => ({
  batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }],
});

/**
 * The outbox: every event appended to the store is published to the bus, in stream order. Lambda reads
 * a reported failure as "every record before this one is done", so the batch is published in order up
 * to its first failure and that record is reported: a record that cannot be decoded stops the batch
 * after the records before it were published, and a chunk EventBridge still refuses after the
 * publisher's retries stops it at its first refused entry. Lambda then retries from there (consumers
 * drop what is published twice by eventId), and a record that never succeeds reaches the on-failure
 * destination instead of being skipped.
 */
export async function publishOutbox(
  publisherFor: () => Pick<EventPublisher, 'publish'>,
  event: DynamoDBStreamEvent,
): Promise<DynamoDBBatchResponse> {
  const { decoded, undecodable } = decodeUntilUndecodable(event.Records);
  let published = 0;
  let refused: DecodedRecord | undefined;
  for (let start = 0; start < decoded.length && !refused; start += PUT_EVENTS_BATCH) {
    const chunk = decoded.slice(start, start + PUT_EVENTS_BATCH);
    const { failed } = await publisherFor().publish(chunk.map((d) => d.envelope));
    refused = chunk.find((d) => failed.includes(d.envelope));
    published += chunk.length - failed.length;
  }
  if (decoded.length > 0) {
    logger.info('events published', {
      published,
      failed: decoded.length - published,
      orderIds: [...new Set(decoded.map((d) => d.envelope.metadata.orderId))],
    });
  }
  if (refused) return failureAt(refused.record);
  if (undecodable) return failureAt(undecodable);
  return { batchItemFailures: [] };
}

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(observability())
  .handler((event) => publishOutbox(eventPublisher, event));
