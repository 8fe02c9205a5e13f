/**
 * The analytics consumer under load: order event envelopes produced straight onto the stack's order-events
 * topic (as publishOrderStream writes them) and counted by the real analyzeOrderEvents function through
 * the runtime's MSK event source and DynamoDB. A record counts as visible in the aggregates once the
 * consumer group has committed past it: the event source commits only after the function's transaction
 * (buckets and cursor together) has succeeded.
 *
 *   npm run bench -- --only analytics
 */
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { OrderEventEnvelope } from '../src/domain/orders';
import {
  alertLatency,
  alertLatencyRows,
  ALERT_LATENCY_GOAL_P99_MS,
  type AlertLatencyFigures,
} from './alert-latency';
import { apiFetch } from './api-fetch';
import { BenchError } from './errors';
import {
  ANALYTICS_GROUP_OF,
  committedOffsets,
  confirmed,
  endOffsets,
  placed,
  sleep,
  toMessage,
  TOPIC_OF,
  waitUntilCommitted,
  type Admin,
} from './order-events';
import { percentiles, round } from './stats';

export interface AnalyticsFigures {
  readonly events: number;
  /** From the first send until the analytics group has committed every record. */
  readonly throughConsumerPerSecond: number;
  readonly visibleLatencyMs: { p50: number; p99: number; samples: number; ratePerSecond: number };
  /** The bench's orders as GET /analytics/metrics counts them, against how many it produced. */
  readonly counted: { readonly produced: number; readonly counted: number };
  /** Send of the order that trips the velocity rule → its AlertRaised observable (bench/alert-latency.ts). */
  readonly alertLatency: AlertLatencyFigures;
  readonly goals: {
    readonly throughConsumerPerSecond: number;
    readonly visibleLatencyP99Ms: number;
    readonly alertLatencyP99Ms: number;
  };
}

interface Options {
  readonly kafkaBootstrap: string;
  readonly httpUrl: string;
  readonly awsUrl: string;
  readonly stage: string;
  /** Events in the throughput run (half OrderPlaced, half OrderConfirmed). */
  readonly events?: number;
  readonly latencyRate?: number;
  readonly latencySeconds?: number;
  /** Customers (= samples) per event → alert run. */
  readonly alertSamples?: number;
  /** Background events/s (OrderPlaced + OrderConfirmed pairs) during the loaded event → alert run; 0: none. */
  readonly alertBackgroundRate?: number;
  /** The stage's velocity threshold (`alertVelocityMaxOrders`). */
  readonly velocityMaxOrders: number;
  readonly log?: (line: string) => void;
}

const SEND_BATCH = 500;

/** How many units of `sku` the 1-minute views since `from` hold (the bench's orders are 1 unit each). */
async function countedUnits(httpUrl: string, sku: string, from: Date): Promise<number> {
  const to = new Date(Date.now() + 120_000).toISOString();
  const response = await apiFetch(
    `${httpUrl}/analytics/metrics?window=1m&from=${from.toISOString()}&to=${to}`,
  );
  if (response.status !== 200) throw new BenchError(`GET /analytics/metrics answered ${response.status}`);
  const body = (await response.json()) as { views: { topSkus: { sku: string; quantity: number }[] }[] };
  return body.views
    .flatMap((view) => view.topSkus)
    .filter((top) => top.sku === sku)
    .reduce((sum, top) => sum + top.quantity, 0);
}

async function sendAll(producer: Producer, topic: string, values: readonly OrderEventEnvelope[]) {
  for (let start = 0; start < values.length; start += SEND_BATCH) {
    await producer.send({
      topic,
      acks: -1,
      messages: values.slice(start, start + SEND_BATCH).map(toMessage),
    });
  }
}

/** Produce → committed by the consumer, one record at a time at a fixed rate. */
async function visibleLatency(
  admin: Admin,
  producer: Producer,
  stage: string,
  sku: string,
  rate: number,
  seconds: number,
): Promise<number[]> {
  const sent: { partition: number; offset: number; at: number }[] = [];
  const latencies: number[] = [];
  let sending = true;
  const watcher = (async () => {
    while (sending || sent.length > 0) {
      const committed = await committedOffsets(admin, ANALYTICS_GROUP_OF(stage), stage);
      const now = Date.now();
      for (let i = sent.length - 1; i >= 0; i -= 1) {
        const record = sent[i] as (typeof sent)[number];
        if ((committed.get(record.partition) ?? -1) > record.offset) {
          latencies.push(now - record.at);
          sent.splice(i, 1);
        }
      }
      await sleep(20);
    }
  })();
  const started = Date.now();
  const total = rate * seconds;
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / rate;
    if (due > Date.now()) await sleep(due - Date.now());
    const at = Date.now();
    const [meta] = await producer.send({
      topic: TOPIC_OF(stage),
      acks: -1,
      messages: [toMessage(placed(`bench-lat-${process.pid}-${i}`, sku))],
    });
    if (meta) sent.push({ partition: meta.partition, offset: Number(meta.baseOffset), at });
  }
  sending = false;
  const limit = Date.now() + 120_000;
  while (sent.length > 0 && Date.now() < limit) await sleep(50);
  if (sent.length > 0) throw new BenchError(`${sent.length} records were never committed by the consumer`);
  await watcher;
  return latencies;
}

export async function benchAnalytics(options: Options): Promise<AnalyticsFigures> {
  const log = options.log ?? (() => undefined);
  const events = options.events ?? 20_000;
  const rate = options.latencyRate ?? 200;
  const seconds = options.latencySeconds ?? 10;
  const kafka = new Kafka({
    clientId: 'bench-analytics',
    brokers: [options.kafkaBootstrap],
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  // One connection for every offset poll: a connection per poll would add its own time to each latency.
  const admin = kafka.admin();
  await admin.connect();
  const sku = `BENCH-AN-${Date.now().toString(36)}`.toUpperCase();
  const from = new Date(Date.now() - 60_000);
  try {
    // First, while the CEP state holds little: the throughput run below leaves thousands of orders in it.
    const alerts = await alertLatency({
      producer,
      admin,
      httpUrl: options.httpUrl,
      awsUrl: options.awsUrl,
      stage: options.stage,
      velocityMaxOrders: options.velocityMaxOrders,
      samples: options.alertSamples ?? 40,
      backgroundRate: options.alertBackgroundRate ?? 100,
      log,
    });
    const orders = Math.floor(events / 2);
    const values: OrderEventEnvelope[] = [];
    for (let i = 0; i < orders; i += 1) {
      const orderId = `bench-an-${process.pid}-${i}`;
      values.push(placed(orderId, sku), confirmed(orderId));
    }
    log(`analytics: ${values.length} events onto ${TOPIC_OF(options.stage)}`);
    const started = Date.now();
    await sendAll(producer, TOPIC_OF(options.stage), values);
    await waitUntilCommitted(
      admin,
      ANALYTICS_GROUP_OF(options.stage),
      options.stage,
      await endOffsets(admin, options.stage),
      600_000,
    );
    const elapsed = Date.now() - started;
    log(`analytics: visibility at ${rate} events/s for ${seconds} s`);
    const latencies = await visibleLatency(admin, producer, options.stage, sku, rate, seconds);
    const { p50, p99 } = percentiles(latencies);
    return {
      events: values.length,
      throughConsumerPerSecond: round((values.length / elapsed) * 1000),
      visibleLatencyMs: { p50: round(p50), p99: round(p99), samples: latencies.length, ratePerSecond: rate },
      counted: {
        produced: orders + latencies.length,
        counted: await countedUnits(options.httpUrl, sku, from),
      },
      alertLatency: alerts,
      goals: {
        throughConsumerPerSecond: 5000,
        visibleLatencyP99Ms: 1000,
        alertLatencyP99Ms: ALERT_LATENCY_GOAL_P99_MS,
      },
    };
  } finally {
    await Promise.all([producer.disconnect(), admin.disconnect()]);
  }
}

const mark = (met: boolean): string => (met ? 'ok' : 'OVER GOAL');

export const analyticsRows = (figures: AnalyticsFigures): [string, string][] => [
  [
    'analytics consumer (analyzeOrderEvents)',
    `${figures.throughConsumerPerSecond} events/s over ${figures.events} [${mark(figures.throughConsumerPerSecond >= figures.goals.throughConsumerPerSecond)}]`,
  ],
  [
    'event → aggregate visible',
    `p50 ${figures.visibleLatencyMs.p50} ms, p99 ${figures.visibleLatencyMs.p99} ms at ${figures.visibleLatencyMs.ratePerSecond} events/s [${mark(figures.visibleLatencyMs.p99 <= figures.goals.visibleLatencyP99Ms)}]`,
  ],
  [
    'analytics counted exactly',
    `${figures.counted.counted} of ${figures.counted.produced} orders [${figures.counted.counted === figures.counted.produced ? 'exact' : 'MISMATCH'}]`,
  ],
  ...alertLatencyRows(figures.alertLatency, figures.goals.alertLatencyP99Ms),
];
