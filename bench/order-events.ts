/**
 * Order event envelopes for the analytics suites, written straight onto the stack's order-events topic as
 * publishOrderStream writes them (kafkajs, `orderStreamRecord`), and the consumer groups' committed offsets.
 */
import type { Kafka } from 'kafkajs';
import { orderStreamRecord } from '../src/adapters/kafka/order-stream-producer';
import { toEnvelopes, type OrderEvent, type OrderEventEnvelope } from '../src/domain/orders';
import { BenchError } from './errors';

export const TOPIC_OF = (stage: string): string => `orderflow.${stage}.order-events`;
/** analyzeOrderEvents' consumer group (the aggregates). */
export const ANALYTICS_GROUP_OF = (stage: string): string => `orderflow-${stage}-analytics`;
/** detectAlerts' consumer group (the alert rules). */
export const ALERTS_GROUP_OF = (stage: string): string => `orderflow-${stage}-alerts`;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let sequence = 0;
const envelope = (orderId: string, event: OrderEvent, version: number): OrderEventEnvelope => {
  const [only] = toEnvelopes([event], {
    orderId,
    currentVersion: version - 1,
    occurredAt: new Date().toISOString(),
    correlationId: `bench-${orderId}`,
    causationId: `bench-${orderId}`,
    newEventId: () => `bench-evt-${process.pid}-${(sequence += 1)}`,
  });
  if (!only) throw new BenchError('toEnvelopes returned nothing');
  return only;
};

/** OrderPlaced of one unit of `sku` at 25.00 EUR, by a customer of its own unless one is named. */
export const placed = (orderId: string, sku: string, customerId = `bench-${orderId}`): OrderEventEnvelope =>
  envelope(
    orderId,
    {
      type: 'OrderPlaced',
      data: {
        orderId,
        customerId,
        items: [{ sku, quantity: 1, unitPrice: 2500 }],
        currency: 'EUR',
        total: 2500,
        shippingAddress: { line1: '1 Bench St', city: 'Springfield', postalCode: '12345', country: 'US' },
        placedAt: new Date().toISOString(),
        paymentMethod: { reference: 'pm1.bench' },
      },
    },
    1,
  );

export const confirmed = (orderId: string): OrderEventEnvelope =>
  envelope(orderId, { type: 'OrderConfirmed', data: { orderId, confirmedAt: new Date().toISOString() } }, 8);

export const toMessage = (value: OrderEventEnvelope) => {
  const record = orderStreamRecord(value);
  return { key: record.key, value: record.value, headers: record.headers };
};

export type Admin = ReturnType<Kafka['admin']>;

/** Committed offset of a group per partition (-1 when nothing is committed). */
export async function committedOffsets(
  admin: Admin,
  groupId: string,
  stage: string,
): Promise<Map<number, number>> {
  const [topic] = await admin.fetchOffsets({ groupId, topics: [TOPIC_OF(stage)] });
  return new Map((topic?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}

export async function endOffsets(admin: Admin, stage: string): Promise<Map<number, number>> {
  const ends = await admin.fetchTopicOffsets(TOPIC_OF(stage));
  return new Map(ends.map((end) => [end.partition, Number(end.high)]));
}

/** Waits until `groupId` has committed every partition up to `ends`. */
export async function waitUntilCommitted(
  admin: Admin,
  groupId: string,
  stage: string,
  ends: Map<number, number>,
  limitMs: number,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const committed = await committedOffsets(admin, groupId, stage);
    if ([...ends].every(([partition, end]) => end === 0 || (committed.get(partition) ?? -1) >= end)) return;
    if (Date.now() > deadline) throw new BenchError(`${groupId} had not caught up after ${limitMs} ms`);
    await sleep(50);
  }
}
