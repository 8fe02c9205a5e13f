import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { unwrap } from '../../domain/shared/unwrap';
import { decodeOrderEnvelope, ValidationError } from '../../domain/orders';
import { sagaClient } from '../composition-root/saga';
import { setting } from '../../config';
import { eachRecord, observability } from '../shared/observability';

/** Settings the state machine reads from its input (TimeoutSecondsPath and friends), per stage. */
export const sagaConfig = () => ({
  reviewThresholdMinor: setting('REVIEW_THRESHOLD_MINOR'),
  reviewTimeoutSeconds: setting('REVIEW_TIMEOUT_SECONDS'),
  shippingTimeoutSeconds: setting('SHIPPING_TIMEOUT_SECONDS'),
});

/**
 * OrderPlaced (from the bus, through a queue) starts the order's saga, named after the order: a
 * duplicate OrderPlaced finds the execution already there and starts nothing.
 */
export async function startSaga(record: SQSRecord): Promise<boolean> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new ValidationError([{ path: 'body', rule: 'json', message: 'message body is not JSON' }]);
  }
  const { orderId } = unwrap(decodeOrderEnvelope(body)).metadata;
  return sagaClient().start(orderId, { orderId, config: sagaConfig() });
}

export const handler = middy<SQSEvent>()
  .use(observability())
  // eachRecord logs a failed record (as JSON, with its order id); the middleware's own log would not be.
  .use(sqsPartialBatchFailure({ logger: () => undefined }))
  .handler((event) => eachRecord(event.Records, startSaga));
