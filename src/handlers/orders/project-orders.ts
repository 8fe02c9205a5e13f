import middy from '@middy/core';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type {
  AttributeValue as StreamAttributeValue,
  DynamoDBBatchResponse,
  DynamoDBStreamEvent,
} from 'aws-lambda';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { foldOrderStream } from '../../application';
import { toView } from '../../domain/orders';
import { unwrap } from '../../domain/shared/unwrap';
import type { EventStore } from '../../adapters/dynamodb/event-store';
import type { ReadModel } from '../../adapters/dynamodb/read-model';
import { mapWithConcurrency } from '../shared/concurrency';
import { orderEventStore, orderReadModel } from '../composition-root/stores';
import { forOrder, logger, observability } from '../shared/observability';

export interface ProjectorDeps {
  readonly store: EventStore;
  readonly readModel: ReadModel;
}

/** The order each record belongs to, in the order orders first appear in the batch. */
function ordersInBatch(event: DynamoDBStreamEvent): Map<string, string> {
  const firstSequenceByOrder = new Map<string, string>();
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage;
    const sequence = record.dynamodb?.SequenceNumber;
    if (!image || !sequence) continue;
    const item = unmarshall(image as Record<string, AttributeValue & StreamAttributeValue>);
    const orderId = (item.metadata as { orderId?: unknown } | undefined)?.orderId;
    if (typeof orderId === 'string' && !firstSequenceByOrder.has(orderId))
      firstSequenceByOrder.set(orderId, sequence);
  }
  return firstSequenceByOrder;
}

/**
 * Rebuilds each touched order's view from its whole stream rather than patching the old view with
 * one event: a redelivered, reordered or skipped-over record then cannot produce a wrong view, and
 * the read model's version condition turns every stale write into a no-op.
 */
export async function projectOrder(deps: ProjectorDeps, orderId: string): Promise<boolean> {
  const state = unwrap(foldOrderStream(await deps.store.load(orderId)));
  if (!state) return false;
  return deps.readModel.put(toView(state));
}

/** Orders in one batch are independent streams, so they are projected side by side. */
const ORDERS_IN_PARALLEL = 8;

export async function projectOrders(
  deps: ProjectorDeps,
  event: DynamoDBStreamEvent,
): Promise<DynamoDBBatchResponse> {
  const outcomes = await mapWithConcurrency(
    [...ordersInBatch(event)],
    ORDERS_IN_PARALLEL,
    ([orderId, sequence]) =>
      forOrder(orderId, async () => {
        try {
          await projectOrder(deps, orderId);
          return undefined;
        } catch (error) {
          logger.error('projection failed', { sequenceNumber: sequence, error: error as Error });
          return { itemIdentifier: sequence };
        }
      }),
  );
  const batchItemFailures = outcomes.filter((failure) => failure !== undefined);
  logger.info('orders projected', {
    records: event.Records.length,
    orders: outcomes.length,
    failed: batchItemFailures.length,
  });
  return { batchItemFailures };
}

export const handler = middy<DynamoDBStreamEvent, DynamoDBBatchResponse>()
  .use(observability())
  .handler((event) => projectOrders({ store: orderEventStore(), readModel: orderReadModel() }, event));
