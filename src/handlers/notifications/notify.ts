import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import {
  composeNotification,
  decodeOutcomeMessage,
  type NotificationChannel,
} from '../../domain/notifications';
import { ValidationError } from '../../domain/shared/errors';
import { unwrap } from '../../domain/shared/unwrap';
import { setting } from '../../config';
import { notificationsStore } from '../composition-root/stores';
import { eachRecord, observability } from '../shared/observability';

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError([{ path: 'body', rule: 'json', message: 'message body is not JSON' }]);
  }
};

/** The outcome message in an SQS body, whether SNS delivered it raw or in its JSON envelope. */
export function outcomeOf(body: string) {
  const parsed = parseJson(body) as { Type?: unknown; Message?: unknown };
  const inner =
    parsed.Type === 'Notification' && typeof parsed.Message === 'string' ? parseJson(parsed.Message) : parsed;
  return unwrap(decodeOutcomeMessage(inner));
}

/**
 * Sends (here: records) one notification per message. Recording is keyed by channel and eventId, so
 * a message delivered twice notifies once; a message that cannot be read fails alone and, after the
 * queue's maxReceiveCount, ends in its DLQ.
 */
export async function notify(
  channel: NotificationChannel,
  record: SQSRecord,
  now = new Date(),
): Promise<boolean> {
  return notificationsStore().record(composeNotification(channel, outcomeOf(record.body), now.toISOString()));
}

export const handler = middy<SQSEvent>()
  .use(observability())
  // eachRecord logs a failed record (as JSON, with its order id); the middleware's own log would not be.
  .use(sqsPartialBatchFailure({ logger: () => undefined }))
  .handler((event) => eachRecord(event.Records, (record) => notify(setting('NOTIFICATION_CHANNEL'), record)));
