import middy from '@middy/core';
import type { MSKEvent, MSKRecord } from 'aws-lambda';
import * as E from 'fp-ts/Either';
import type { AnalyticsStore } from '../../application/analytics/analytics-store';
import {
  countOrderEvents,
  type CountOutcome,
  type PartitionRecord,
} from '../../application/analytics/count-order-events';
import type { WindowingConfig } from '../../domain/analytics';
import { decodeOrderEnvelope } from '../../domain/orders/order-envelopes';
import { logger, observability } from '../shared/observability';
import { analyticsStore, analyticsWindowing } from '../composition-root/stores';

/** A record whose value is not an order event envelope: the batch fails so the runtime can set it aside. */
export class UndecodableOrderRecord extends Error {
  override readonly name = 'UndecodableOrderRecord';
}

export function decodeRecord(record: MSKRecord): PartitionRecord {
  const where = `${record.topic}-${record.partition}@${record.offset}`;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(record.value ?? '', 'base64').toString('utf8'));
  } catch {
    throw new UndecodableOrderRecord(`${where}: the value is not JSON`);
  }
  const envelope = decodeOrderEnvelope(value);
  if (E.isLeft(envelope)) throw new UndecodableOrderRecord(`${where}: ${envelope.left.message}`);
  return { offset: record.offset, envelope: envelope.right };
}

/**
 * The analytics consumer of the order-events topic (an `msk` event source): counts each partition's
 * records into event-time minute buckets, exactly once over redelivery (see countOrderEvents). A record
 * that is not an order event fails the invocation before anything of its partition is written; the
 * mapping retries, bisects down to that record and sends it to its on-failure destination, and the
 * records around it are counted.
 */
export async function analyzeOrderEvents(
  store: AnalyticsStore,
  config: WindowingConfig,
  event: MSKEvent,
): Promise<{ counted: (CountOutcome & { partition: string })[] }> {
  const counted: (CountOutcome & { partition: string })[] = [];
  for (const [partition, records] of Object.entries(event.records)) {
    const decoded = records.map(decodeRecord);
    const outcome = await countOrderEvents(store, partition, decoded, config);
    logger.info('order events counted', { partition, records: records.length, ...outcome });
    counted.push({ partition, ...outcome });
  }
  // Lambda ignores what an MSK consumer returns; it is there for `sls invoke local` and the logs' readers.
  return { counted };
}

export const handler = middy<MSKEvent, Awaited<ReturnType<typeof analyzeOrderEvents>>>()
  .use(observability())
  .handler((event) => analyzeOrderEvents(analyticsStore(), analyticsWindowing(), event));
