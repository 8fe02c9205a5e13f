import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import * as E from 'fp-ts/Either';
import {
  composeNotification,
  decodeOutcomeMessage,
  type NotificationChannel,
} from '../../domain/notifications';
import { ValidationError } from '../../domain/shared/errors';
import { requiredEnv } from '../../adapters/env';
import { notificationsStore } from './dependencies';
import { eachRecord, observability } from '../observability';

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
  const decoded = decodeOutcomeMessage(inner);
  if (E.isLeft(decoded)) throw decoded.left;
  return decoded.right;
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

const channel = (): NotificationChannel => {
  const value = requiredEnv('NOTIFICATION_CHANNEL');
  if (value !== 'customer-email' && value !== 'ops-alert') {
    throw new ValidationError([
      { path: 'NOTIFICATION_CHANNEL', rule: 'enum', message: 'customer-email or ops-alert' },
    ]);
  }
  return value;
};

export const handler = middy<SQSEvent>()
  .use(observability())
  // eachRecord logs a failed record (as JSON, with its order id); the middleware's own log would not be.
  .use(sqsPartialBatchFailure({ logger: () => undefined }))
  .handler((event) => eachRecord(event.Records, (record) => notify(channel(), record)));
