/**
 * Event → alert: order events produced straight onto the stack's order-events topic (as publishOrderStream
 * writes them) make the velocity rule fire for fresh customers, through the real detectAlerts function (its
 * own consumer group, the msk event source, the CEP state item in DynamoDB). Each customer is first given
 * exactly the stage's threshold of orders (`alertVelocityMaxOrders`), which the alerts group evaluates and
 * commits; then one more order per customer is sent, spaced 400–1000 ms apart so that the sends fall at
 * every phase of the mapping's batching window. A sample runs from just before `producer.send` of that
 * crossing order until the AlertRaised about the customer is observed:
 *
 * - in `GET /analytics/alerts?since=` (the goal figure): the alert item is written in the same transaction
 *   as the CEP state, so this is the moment the alert is committed and queryable. Polled every POLL_MS
 *   with one request in flight; the sighting is stamped when the response has arrived and nothing is
 *   subtracted, so a sample overstates the commit by up to one poll period plus one request.
 * - in the ops-alerts SQS queue (what an operator's subscription receives: the bus, the alerts rule, the
 *   alerts topic, raw delivery), read with the real SQS client by long polling, as a subscriber would.
 *
 * The run is done twice: on an otherwise idle topic, and with background order traffic (OrderPlaced +
 * OrderConfirmed pairs of customers of their own, which trip nothing) at a fixed rate.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Producer } from 'kafkajs';
import type { CfnTemplate } from '../src/local/template';
import { AlertSamples, type SeenAlert } from './alert-samples';
import { apiFetch } from './api-fetch';
import { BenchError } from './errors';
import {
  ALERTS_GROUP_OF,
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

export const ALERT_LATENCY_GOAL_P99_MS = 2000;
/** `alertVelocityMaxOrders` in serverless.yml, for a stack whose template the bench has not got. */
const DEFAULT_VELOCITY_MAX_ORDERS = 5;
const POLL_MS = 25;
const SETTLE_LIMIT_MS = 60_000;
const LAG_EVERY_MS = 500;
/**
 * The full run reaches this suite after thousands of orders of other suites: a group still behind then
 * would make every sample its backlog, so the runs are skipped (and said so) rather than fail the bench.
 */
const CATCH_UP_LIMIT_MS = 600_000;

export interface LatencySummary {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly samples: number;
  /** Customers sent over the threshold whose alert was not seen within SETTLE_LIMIT_MS. */
  readonly missed: number;
}

export interface AlertRun {
  /** Background order events per second during the run (0: the idle run). */
  readonly backgroundEventsPerSecond: number;
  /** Send → visible in GET /analytics/alerts (committed). */
  readonly api: LatencySummary;
  /** Send → received from the ops-alerts SQS queue. */
  readonly opsQueue: LatencySummary;
  /** The most records the alerts group was behind the topic (all partitions), sampled every LAG_EVERY_MS. */
  readonly maxAlertsGroupLag: number;
}

export interface AlertLatencyFigures {
  readonly rule: 'velocity';
  readonly velocityMaxOrders: number;
  readonly pollMs: number;
  /** How long the alerts group took to catch up with the topic before the runs. */
  readonly catchUpMs: number;
  /** Absent when the runs were skipped: the alerts group had not caught up within CATCH_UP_LIMIT_MS. */
  readonly idle?: AlertRun;
  readonly underLoad?: AlertRun;
  readonly skipped?: string;
}

interface Options {
  readonly producer: Producer;
  readonly admin: Admin;
  readonly httpUrl: string;
  readonly awsUrl: string;
  readonly stage: string;
  readonly velocityMaxOrders: number;
  readonly samples: number;
  readonly backgroundRate: number;
  readonly log: (line: string) => void;
}

/** The velocity threshold the stack's detectAlerts runs with, read from its compiled template when there is one. */
export function velocityMaxOrdersOf(template: CfnTemplate | undefined): number {
  for (const resource of Object.values(template?.Resources ?? {})) {
    const variables = (
      resource.Properties as { Environment?: { Variables?: Record<string, unknown> } } | undefined
    )?.Environment?.Variables;
    const value = Number(variables?.ALERT_VELOCITY_MAX_ORDERS);
    if (Number.isInteger(value) && value >= 0) return value;
  }
  return DEFAULT_VELOCITY_MAX_ORDERS;
}

const summary = (samples: AlertSamples): LatencySummary => {
  const latencies = samples.latencies();
  const { p50, p99, max } = percentiles(latencies);
  return {
    p50: round(p50),
    p99: round(p99),
    max: round(max),
    samples: latencies.length,
    missed: samples.pending,
  };
};

/** Polls GET /analytics/alerts tightly until stopped, one request in flight. */
async function watchApi(httpUrl: string, since: Date, samples: AlertSamples, running: () => boolean) {
  const url = `${httpUrl}/analytics/alerts?since=${since.toISOString()}&status=all&limit=500`;
  while (running()) {
    const asked = Date.now();
    const response = await apiFetch(url);
    if (response.status !== 200) throw new BenchError(`GET /analytics/alerts answered ${response.status}`);
    const { alerts } = (await response.json()) as { alerts: SeenAlert[] };
    const at = Date.now();
    samples.observe(alerts, at);
    const rest = POLL_MS - (at - asked);
    if (rest > 0) await sleep(rest);
  }
}

/** Long-polls the ops-alerts queue until stopped, deleting only the bench's own alerts. */
async function watchOpsQueue(
  sqs: SQSClient,
  queueUrl: string,
  samples: AlertSamples,
  running: () => boolean,
) {
  while (running()) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const at = Date.now();
    const ours = Messages.filter((message) => {
      const alert = JSON.parse(message.Body ?? '{}') as Partial<SeenAlert>;
      return alert.ruleId === samples.ruleId && alert.subject?.startsWith('bench-alert-');
    });
    samples.observe(
      ours.map((message) => JSON.parse(message.Body ?? '{}') as SeenAlert),
      at,
    );
    if (ours.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: ours.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle })),
        }),
      );
    }
  }
}

/** Samples how far the alerts group is behind the topic until stopped; answers the most it was. */
async function watchLag(admin: Admin, stage: string, running: () => boolean): Promise<number> {
  let most = 0;
  while (running()) {
    const [ends, committed] = await Promise.all([
      endOffsets(admin, stage),
      committedOffsets(admin, ALERTS_GROUP_OF(stage), stage),
    ]);
    const lag = [...ends].reduce((sum, [p, end]) => sum + end - Math.max(0, committed.get(p) ?? 0), 0);
    most = Math.max(most, lag);
    await sleep(LAG_EVERY_MS);
  }
  return most;
}

/** OrderPlaced + OrderConfirmed pairs at `rate` events/s until stopped (customers of their own: no alert). */
async function background(
  producer: Producer,
  stage: string,
  rate: number,
  tag: string,
  running: () => boolean,
) {
  const started = Date.now();
  for (let i = 0; running(); i += 1) {
    const due = started + (i * 2000) / rate;
    if (due > Date.now()) await sleep(due - Date.now());
    const orderId = `bench-alert-load-${tag}-${i}`;
    await producer.send({
      topic: TOPIC_OF(stage),
      acks: -1,
      messages: [toMessage(placed(orderId, 'BENCH-ALERT-LOAD')), toMessage(confirmed(orderId))],
    });
  }
}

/** 400–1000 ms, spread evenly over the batching window's phases (deterministic). */
const spacingMs = (i: number): number => 400 + ((i * 337) % 600);

async function run(options: Options, backgroundRate: number): Promise<AlertRun> {
  const { producer, admin, stage } = options;
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  const customers = Array.from({ length: options.samples }, (_, i) => `bench-alert-${tag}-${i}`);
  const since = new Date(Date.now() - 5_000);
  // Each customer at exactly the threshold: evaluated and committed before any crossing order is sent.
  await producer.send({
    topic: TOPIC_OF(stage),
    acks: -1,
    messages: customers.flatMap((customer) =>
      Array.from({ length: options.velocityMaxOrders }, (_, n) =>
        toMessage(placed(`${customer}-o${n}`, 'BENCH-ALERT', customer)),
      ),
    ),
  });
  await waitUntilCommitted(admin, ALERTS_GROUP_OF(stage), stage, await endOffsets(admin, stage), 300_000);

  const viaApi = new AlertSamples('velocity', customers);
  const viaQueue = new AlertSamples('velocity', customers);
  const sqs = new SQSClient({
    endpoint: options.awsUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  let watching = true;
  let loading = backgroundRate > 0;
  let maxAlertsGroupLag = 0;
  try {
    const { QueueUrl } = await sqs.send(
      new GetQueueUrlCommand({ QueueName: `orderflow-${stage}-ops-alerts` }),
    );
    if (!QueueUrl) throw new BenchError('no ops-alerts queue');
    const watchers = Promise.all([
      watchApi(options.httpUrl, since, viaApi, () => watching),
      watchOpsQueue(sqs, QueueUrl, viaQueue, () => watching),
    ]);
    const load = loading
      ? background(producer, stage, backgroundRate, tag, () => loading)
      : Promise.resolve();
    const lag = watchLag(admin, stage, () => watching);
    // Awaited below; a failure meanwhile must not go unhandled.
    lag.catch(() => undefined);
    watchers.catch(() => undefined);
    load.catch(() => undefined);
    // The load reaches a steady state before the first sample.
    if (loading) await sleep(3_000);
    for (const [i, customer] of customers.entries()) {
      await sleep(spacingMs(i));
      const at = Date.now();
      viaApi.sent(customer, at);
      viaQueue.sent(customer, at);
      await producer.send({
        topic: TOPIC_OF(stage),
        acks: -1,
        messages: [toMessage(placed(`${customer}-o${options.velocityMaxOrders}`, 'BENCH-ALERT', customer))],
      });
    }
    const deadline = Date.now() + SETTLE_LIMIT_MS;
    while ((viaApi.pending > 0 || viaQueue.pending > 0) && Date.now() < deadline) await sleep(50);
    loading = false;
    watching = false;
    await Promise.all([watchers, load]);
    maxAlertsGroupLag = await lag;
  } finally {
    watching = false;
    loading = false;
    sqs.destroy();
  }
  const early = new Set([...viaApi.early, ...viaQueue.early]);
  if (early.size > 0) {
    throw new BenchError(
      `${early.size} velocity alert(s) were raised before the crossing order was sent: is the threshold ${options.velocityMaxOrders}?`,
    );
  }
  return {
    backgroundEventsPerSecond: backgroundRate,
    api: summary(viaApi),
    opsQueue: summary(viaQueue),
    maxAlertsGroupLag,
  };
}

export async function alertLatency(options: Options): Promise<AlertLatencyFigures> {
  const started = Date.now();
  const base = { rule: 'velocity', velocityMaxOrders: options.velocityMaxOrders, pollMs: POLL_MS } as const;
  // Whatever the stack carried before (other suites' orders) is evaluated first.
  try {
    await waitUntilCommitted(
      options.admin,
      ALERTS_GROUP_OF(options.stage),
      options.stage,
      await endOffsets(options.admin, options.stage),
      CATCH_UP_LIMIT_MS,
    );
  } catch (error) {
    if (!(error instanceof BenchError)) throw error;
    options.log(`event → alert skipped: ${error.message}`);
    return { ...base, catchUpMs: Date.now() - started, skipped: error.message };
  }
  const catchUpMs = Date.now() - started;
  options.log(`event → alert: ${options.samples} customers over the velocity threshold, idle topic`);
  const idle = await run(options, 0);
  let underLoad: AlertRun | undefined;
  if (options.backgroundRate > 0) {
    options.log(`event → alert: ${options.samples} more, with ${options.backgroundRate} background events/s`);
    underLoad = await run(options, options.backgroundRate);
  }
  return { ...base, catchUpMs, idle, ...(underLoad ? { underLoad } : {}) };
}

const mark = (met: boolean): string => (met ? 'ok' : 'OVER GOAL');

const latencyText = (l: LatencySummary, goalMs: number): string =>
  `p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms, ${l.samples} samples${l.missed > 0 ? `, ${l.missed} MISSED` : ''} ` +
  `(p99 ÷ goal ${round(l.p99 / goalMs, 2)}) [${mark(l.missed === 0 && l.samples > 0 && l.p99 <= goalMs)}]`;

export const alertLatencyRows = (figures: AlertLatencyFigures, goalMs: number): [string, string][] =>
  figures.skipped !== undefined
    ? [['event → alert', `not measured [OVER GOAL]: ${figures.skipped}`]]
    : alertRunRows(figures, goalMs);

const alertRunRows = (figures: AlertLatencyFigures, goalMs: number): [string, string][] =>
  [figures.idle, figures.underLoad].flatMap((r): [string, string][] => {
    if (r === undefined) return [];
    const load =
      r.backgroundEventsPerSecond > 0 ? `, ${r.backgroundEventsPerSecond} events/s beside` : ', idle topic';
    return [
      [`event → alert (GET /analytics/alerts${load})`, latencyText(r.api, goalMs)],
      [
        `event → alert (ops-alerts queue${load})`,
        `${latencyText(r.opsQueue, goalMs)}; alerts group at most ${r.maxAlertsGroupLag} records behind`,
      ],
    ];
  });
