import middy from '@middy/core';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import {
  OrderStreamProducer,
  orderStreamRecord,
  orderStreamSettingsFromEnv,
} from '../../adapters/kafka/order-stream-producer';
import { logger, observability } from '../shared/observability';
import { decodeUntilUndecodable, failureAt } from './publish-outbox';

let producer: OrderStreamProducer | undefined;
const streamProducer = () => (producer ??= new OrderStreamProducer(orderStreamSettingsFromEnv()));

/**
 * The Kafka side of the outbox: a second, independent consumer of the event store's stream, so that the
 * topic gets exactly the stored events, once each at least, in each order's stream order, and a Kafka
 * outage holds back only this mapping (the bus keeps flowing). A batch is sent as one request; when it
 * fails, the whole batch is reported from its first record and retried (consumers drop duplicates by the
 * `event-id` header). A record that cannot be decoded stops the batch after the records before it, as in
 * the bus outbox, and one that never succeeds reaches the mapping's on-failure destination.
 */
export async function publishOrderStream(
  producerFor: () => Pick<OrderStreamProducer, 'send'>,
  event: DynamoDBStreamEvent,
): Promise<DynamoDBBatchResponse> {
  const { decoded, undecodable } = decodeUntilUndecodable(event.Records);
  const first = decoded[0];
  if (first) {
    try {
      await producerFor().send(decoded.map(({ envelope }) => orderStreamRecord(envelope)));
    } catch (error) {
      logger.warn('order events not streamed', {
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        records: decoded.length,
      });
      return failureAt(first.record);
    }
    logger.info('order events streamed', {
      streamed: decoded.length,
      orderIds: [...new Set(decoded.map((d) => d.envelope.metadata.orderId))],
    });
  }
  if (undecodable) return failureAt(undecodable);
  return { batchItemFailures: [] };
}

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(observability())
  .handler((event) => publishOrderStream(streamProducer, event));
