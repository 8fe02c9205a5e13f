/**
 * `npm run bench`: drives the stack `npm start` runs when its ports answer (or the one named by
 * ORDERFLOW_BENCH_HTTP_URL / ORDERFLOW_BENCH_AWS_URL), else starts its own on free ports; runs every
 * suite, counting what each order costs through the runtime's request counters; packages the
 * functions to measure their bundles; prints one table and writes the figures to bench/results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../src/local/template';
import type { RequestCounts } from '../src/local/metrics/request-counter';
import { anomalyRows, benchAnomaly } from './anomaly';
import { apiCalls, apiFetch } from './api-fetch';
import { BenchError } from './errors';
import { benchBundles, BUNDLE_GOALS, type BundleFigures } from './bundles';
import { CounterControl } from './control';
import { costPerMillionOrders, PRICES_USD } from './cost';
import { benchFloor, floorOpsPerSecond } from './floor';
import { readHistories, transitionSummary } from './histories';
import { benchMessaging } from './messaging';
import { benchStreaming } from './streaming';
import { benchConsumerFunction } from './streaming-function';
import { velocityMaxOrdersOf } from './alert-latency';
import { analyticsRows, benchAnalytics } from './analytics';
import { benchOrders } from './orders';
import { callsSince, perOrder, readCostOf, type PerOrder } from './per-order';
import { benchSaga } from './saga';
import { benchStack } from './stack-target';
import {
  benchSustained,
  withoutIds,
  carried,
  stepUpSustained,
  SUSTAINED_P99_LIMIT_MS,
  type SustainedResult,
} from './sustained';
import { round } from './stats';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const TRANSITIONS_GOAL = 12;
const RATIO_GOAL = 0.5;
const GET_PROBES = 20;

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

const perOrderRow = (order: PerOrder): string =>
  `DynamoDB ${order.dynamodb.reads} reads + ${order.dynamodb.writes} writes (${order.dynamodb.transactionalWrites} transactional) = ${order.dynamodb.storeOps} store ops; ` +
  `${order.lambda.invocations} Lambda invocations (${order.lambda.http} HTTP); ${order.stateTransitions} transitions; ` +
  `${order.eventBridgeEvents} events, ${order.sqsMessages} SQS messages, ${order.snsPublishes} SNS publishes`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      operations: { type: 'string', default: '300' },
      concurrency: { type: 'string', default: '8' },
      'saga-rate': { type: 'string', default: '5' },
      'saga-seconds': { type: 'string', default: '10' },
      'sustained-rate': { type: 'string', default: '10' },
      'sustained-seconds': { type: 'string', default: '60' },
      'step-seconds': { type: 'string', default: '20' },
      'step-max': { type: 'string', default: '60' },
      // Event → alert (bench/alert-latency.ts): customers (samples) per run, background events/s of the loaded run.
      'alert-samples': { type: 'string', default: '40' },
      'alert-load': { type: 'string', default: '100' },
      // Events in the analytics consumer's throughput run (half OrderPlaced, half OrderConfirmed).
      'analytics-events': { type: 'string', default: '20000' },
      // `--only sustained`: the sustained-load suite and its step-up alone (a quicker run);
      // `--only anomaly`: the anomaly model's precision and recall on a synthetic week (no stack).
      only: { type: 'string' },
    },
  });
  const operations = Number(values.operations);
  const concurrency = Number(values.concurrency);
  if (values.only === 'anomaly') {
    const anomaly = benchAnomaly();
    printRows(anomalyRows(anomaly));
    writeResults('anomaly.json', { at: new Date().toISOString(), anomaly });
    return;
  }
  const stack = await benchStack();
  log(`using ${stack.description}`);
  const { httpUrl, awsUrl } = stack;
  const counters = new CounterControl(awsUrl);
  const analyticsOptions = {
    ...stack,
    log,
    alertSamples: Number(values['alert-samples']),
    alertBackgroundRate: Number(values['alert-load']),
    events: Number(values['analytics-events']),
    velocityMaxOrders: velocityMaxOrdersOf(stack.own?.template),
  };
  const runSustained = async () => {
    const sku = await stockedSku(httpUrl, 'SUSTAINED');
    const common = { httpUrl, awsUrl, sku, readModelTable: `orderflow-${stack.stage}-read-model` };
    const rate = Number(values['sustained-rate']);
    log(`sustained load: ${rate} orders/s for ${values['sustained-seconds']} s`);
    await counters.reset();
    const fixedRun = await benchSustained({
      ...common,
      ratePerSecond: rate,
      seconds: Number(values['sustained-seconds']),
    });
    // CPU per order is the figure other work on a shared machine moves least: latency is wall time.
    const { counts } = await counters.waitForQuiet();
    const fixed = { ...fixedRun, runtimeCpu: runtimeCpuPerOrder(counts, fixedRun.confirmed) };
    log('stepping the rate up until an order is cancelled or p99 passes 3 s');
    const stepUp = await stepUpSustained({
      ...common,
      fromRate: rate,
      stepSeconds: Number(values['step-seconds']),
      maxRate: Number(values['step-max']),
      log,
    });
    return { fixed, stepUp };
  };
  if (values.only === 'analytics') {
    try {
      const analytics = await benchAnalytics(analyticsOptions);
      printRows(analyticsRows(analytics));
      writeResults('analytics.json', { at: new Date().toISOString(), stack: stack.description, analytics });
    } finally {
      await stack.own?.stop();
    }
    return;
  }
  if (values.only === 'sustained') {
    try {
      const { fixed, stepUp } = await runSustained();
      const rows = sustainedRows(fixed, stepUp.sustainedPerSecond);
      printRows(rows);
      writeResults('sustained.json', {
        at: new Date().toISOString(),
        stack: stack.description,
        fixed: withoutIds(fixed),
        stepUp,
      });
    } finally {
      await stack.own?.stop();
    }
    return;
  }
  let measured;
  try {
    log('floor (raw PutItem / GetItem)');
    const floor = await benchFloor({ awsUrl, operations, concurrency });

    // The saga suite runs on an idle system: the burst below leaves every order's saga running behind it.
    log('saga at a fixed offered load');
    let callsBefore = new Map(apiCalls);
    const saga = await benchSaga({
      httpUrl,
      awsUrl,
      ratePerSecond: Number(values['saga-rate']),
      seconds: Number(values['saga-seconds']),
      beforeOrders: async () => {
        await counters.reset();
        callsBefore = new Map(apiCalls);
      },
    });
    const sagaCounts = await counters.waitForQuiet();
    const sagaCalls = callsSince(apiCalls, callsBefore);

    const sustained = await runSustained();

    // What one GET /orders/{id} costs, so that the bench's own polling can be taken out of the counts.
    await counters.reset();
    const probes = saga.orderIds.slice(0, GET_PROBES);
    for (const id of probes) await apiFetch(`${httpUrl}/orders/${id}`);
    const readCost = readCostOf((await counters.waitForQuiet(1_000)).counts, probes.length);

    log('burst of orders to a terminal state');
    await counters.reset();
    callsBefore = new Map(apiCalls);
    const orders = await benchOrders({ httpUrl, operations, concurrency });
    const burstCounts = await counters.waitForQuiet();
    const burstCalls = callsSince(apiCalls, callsBefore);
    const burstTransitions = transitionSummary(await readHistories(awsUrl, orders.orderIds.slice(0, 30)));

    log('messaging');
    const messaging = await benchMessaging({ awsUrl, operations, concurrency });

    log('streaming (Kafka)');
    const streaming = {
      broker: await benchStreaming(stack.kafkaBootstrap),
      consumerFunction: await benchConsumerFunction(stack.kafkaBootstrap),
    };
    log('analytics consumer');
    const analytics = await benchAnalytics(analyticsOptions);

    const sagaSuite = perOrder({
      counts: sagaCounts.counts,
      calls: sagaCalls,
      orders: saga.orderIds.length,
      transitionsPerOrder: saga.transitionsPerOrder.mean,
      readCost,
    });
    const burst = perOrder({
      counts: burstCounts.counts,
      calls: burstCalls,
      orders: orders.orderIds.length,
      transitionsPerOrder: burstTransitions.mean,
      readCost,
    });
    const storeOpsPerSecond = floorOpsPerSecond(floor, burst.dynamodb);
    const floorOrdersPerSecond = storeOpsPerSecond / burst.dynamodb.storeOps;
    measured = {
      floor,
      saga: withoutIds(saga),
      sustained: { fixed: withoutIds(sustained.fixed), stepUp: sustained.stepUp },
      orders: withoutIds(orders),
      messaging,
      streaming,
      analytics,
      readCostPerGet: readCost,
      countsSettled: { saga: sagaCounts.quiet, burst: burstCounts.quiet },
      perOrder: { sagaSuite, burstCancelled: { ...burst, transitions: burstTransitions } },
      floorOrders: {
        storeOpsPerSecond: round(storeOpsPerSecond),
        storeOpsPerOrder: burst.dynamodb.storeOps,
        floorOrdersPerSecond: round(floorOrdersPerSecond, 2),
        ordersPerSecond: orders.burstToTerminal.ordersPerSecond,
        ratio: round(orders.burstToTerminal.ordersPerSecond / floorOrdersPerSecond, 3),
      },
      costPerMillionOrdersUsd: {
        sagaSuite: costPerMillionOrders(sagaSuite),
        burstCancelled: costPerMillionOrders(burst),
      },
    };
  } finally {
    await stack.own?.stop();
  }

  // The anomaly model needs no stack: scored in this process, after the stack has stopped.
  log('anomaly scoring (synthetic week, shipped model)');
  const anomaly = benchAnomaly();

  // Packaged after the stack has stopped, so require times are not taken on a loaded machine.
  log('packaging the functions to measure their bundles');
  const bundles = await benchBundles();

  const {
    floor,
    saga,
    sustained,
    orders,
    messaging,
    streaming,
    analytics,
    perOrder: counted,
    floorOrders,
  } = measured;
  const results = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    settings: { operations, concurrency },
    stack: { used: stack.description, startupMs: stack.own?.startupMs },
    goals: { ratio: RATIO_GOAL, transitionsPerHappyPathOrder: TRANSITIONS_GOAL, bundles: BUNDLE_GOALS },
    prices: PRICES_USD,
    ...measured,
    anomaly,
    bundles,
  };
  const mark = (ok: boolean) => (ok ? 'ok' : 'OVER GOAL');
  const bundleRow = (b: BundleFigures): [string, string] => [
    `bundle ${b.function}`,
    `${b.gzipKiB} KiB gzip (${round(b.bytes / 1024)} KiB), require ${b.requireMs ?? `failed: ${b.requireError}`} ms` +
      ` [${mark(b.gzipKiB <= BUNDLE_GOALS.gzipKiB && (b.requireMs ?? Infinity) <= BUNDLE_GOALS.requireMs)}]`,
  ];
  const rows: [string, string][] = [
    ['stack', stack.description],
    [
      'floor: PutItem/s (conditional)',
      `${floor.putItem.perSecond} (p50 ${floor.putItem.p50Ms} ms, p99 ${floor.putItem.p99Ms} ms)`,
    ],
    [
      'floor: GetItem/s',
      `${floor.getItem.perSecond} (p50 ${floor.getItem.p50Ms} ms, p99 ${floor.getItem.p99Ms} ms)`,
    ],
    [
      `saga at ${saga.offered.ratePerSecond} orders/s for ${saga.offered.seconds} s`,
      `${JSON.stringify(saga.outcomes)}, ${saga.confirmedPerSecond} confirmed/s`,
    ],
    [
      'request → CONFIRMED',
      saga.outcomes.CONFIRMED
        ? `p50 ${saga.requestToConfirmedMs.p50} ms, p95 ${saga.requestToConfirmedMs.p95} ms, p99 ${saga.requestToConfirmedMs.p99} ms`
        : 'no order was confirmed',
    ],
    ...Object.entries(saga.stepLatencyMs).map(([step, t]): [string, string] => [
      `  step ${step}`,
      `p50 ${t.p50Ms} ms, p95 ${t.p95Ms} ms, p99 ${t.p99Ms} ms`,
    ]),
    [
      'transitions per order (saga suite)',
      `${saga.transitionsPerOrder.min}–${saga.transitionsPerOrder.max}, mean ${saga.transitionsPerOrder.mean} ` +
        `[${mark(saga.transitionsPerOrder.max <= TRANSITIONS_GOAL)}: ≤ ${TRANSITIONS_GOAL}]`,
    ],
    ['per order (saga suite)', perOrderRow(counted.sagaSuite)],
    ...sustainedRows(sustained.fixed, sustained.stepUp.sustainedPerSecond),
    [
      'POST /orders/s (burst)',
      `${orders.postOrders.perSecond} (p50 ${orders.postOrders.p50Ms} ms, p99 ${orders.postOrders.p99Ms} ms, errors ${orders.postOrders.errors})`,
    ],
    [
      'projection lag (202 → view)',
      `p50 ${orders.projectionLagMs.p50} ms, p99 ${orders.projectionLagMs.p99} ms`,
    ],
    [
      'burst → every order terminal',
      `${orders.burstToTerminal.orders} orders in ${orders.burstToTerminal.seconds} s = ${orders.burstToTerminal.ordersPerSecond} orders/s (${orders.burstToTerminal.notTerminalAfter5Min} not terminal)`,
    ],
    ['per cancelled order (burst)', perOrderRow(counted.burstCancelled)],
    [
      'floor orders/s',
      `${floorOrders.storeOpsPerSecond} store ops/s ÷ ${floorOrders.storeOpsPerOrder} per order = ${floorOrders.floorOrdersPerSecond}`,
    ],
    [
      'orders/s ÷ floor orders/s',
      `${floorOrders.ordersPerSecond} ÷ ${floorOrders.floorOrdersPerSecond} = ${floorOrders.ratio} [${mark(floorOrders.ratio >= RATIO_GOAL)}: ≥ ${RATIO_GOAL}]`,
    ],
    [
      'floor: SQS SendMessage/s',
      `${messaging.floor.sendMessagePerSecond} (p50 ${messaging.floor.p50Ms} ms, p99 ${messaging.floor.p99Ms} ms)`,
    ],
    [
      'PutEvents/s (1 entry)',
      `${messaging.putEvents.perSecond} (p50 ${messaging.putEvents.p50Ms} ms, p99 ${messaging.putEvents.p99Ms} ms)`,
    ],
    ['PutEvents ÷ SendMessage', `${messaging.putEventsToSendMessageRatio}`],
    [
      'PutEvents → rule → SQS → consumer',
      `${messaging.putEventsToConsumer.perSecond}/s, delivered ${messaging.putEventsToConsumer.delivered}, lost ${messaging.putEventsToConsumer.lost}, latency p50 ${messaging.putEventsToConsumer.latencyMs.p50} ms, p99 ${messaging.putEventsToConsumer.latencyMs.p99} ms`,
    ],
    [
      'Kafka produce (kafkajs, batches of 100 x 1 KiB)',
      `${streaming.broker.producedPerSecond} records/s [${mark(streaming.broker.producedPerSecond >= streaming.broker.goals.producedPerSecond)}], consumed ${streaming.broker.consumedPerSecond}/s, produce → consumer p50 ${streaming.broker.latencyMs.p50} ms, p99 ${streaming.broker.latencyMs.p99} ms`,
    ],
    [
      'Kafka produce → msk event source → function',
      `${streaming.consumerFunction.throughFunctionPerSecond} records/s [${mark(streaming.consumerFunction.throughFunctionPerSecond >= streaming.consumerFunction.goals.throughFunctionPerSecond)}], latency p50 ${streaming.consumerFunction.latencyMs.p50} ms, p99 ${streaming.consumerFunction.latencyMs.p99} ms [${mark(streaming.consumerFunction.latencyMs.p99 <= streaming.consumerFunction.goals.latencyP99Ms)}]`,
    ],
    ...analyticsRows(analytics),
    [
      'cost per million orders',
      `$${measured.costPerMillionOrdersUsd.sagaSuite.total} (saga suite), $${measured.costPerMillionOrdersUsd.burstCancelled.total} (burst, cancelled); see docs/cost.md`,
    ],
    ...anomalyRows(anomaly),
    ...bundles.map(bundleRow),
    ...(stack.own ? ([['stack startup', `${stack.own.startupMs} ms`]] as [string, string][]) : []),
  ];
  printRows(rows);
  writeResults('latest.json', results);
}

const printRows = (rows: readonly (readonly [string, string])[]): void => {
  const width = Math.max(...rows.map(([name]) => name.length));
  for (const [name, value] of rows) process.stdout.write(`${name.padEnd(width)}  ${value}\n`);
};

const writeResults = (file: string, results: unknown): void => {
  const dir = join(PROJECT_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`results: bench/results/${file}\n`);
};

/** A SKU with more stock than any suite orders, priced at 25.00 EUR, named for the suite. */
async function stockedSku(httpUrl: string, suite: string): Promise<string> {
  const sku = `BENCH-${suite}-${Date.now().toString(36)}`.toUpperCase();
  const response = await apiFetch(`${httpUrl}/inventory/${sku}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ available: 1_000_000, unitPrice: 2500, currency: 'EUR' }),
  });
  if (response.status !== 200) throw new BenchError(`PUT /inventory/${sku} answered ${response.status}`);
  return sku;
}

/**
 * The runtime's CPU time per confirmed order, and the rate its CPU alone would allow on this machine's
 * cores if nothing else ran (the bench's own client runs in another process and is not counted).
 */
function runtimeCpuPerOrder(counts: RequestCounts, confirmed: number) {
  const cpuMs = (counts.cpuMs?.user ?? 0) + (counts.cpuMs?.system ?? 0);
  const perOrderMs = round(cpuMs / Math.max(1, confirmed), 1);
  const cores = availableParallelism();
  return { perOrderMs, cores, cpuBoundOrdersPerSecond: round((cores * 1000) / Math.max(1, perOrderMs), 1) };
}

const sustainedRows = (
  fixed: Omit<SustainedResult, 'orderIds'> & { runtimeCpu: ReturnType<typeof runtimeCpuPerOrder> },
  sustainedPerSecond: number,
): [string, string][] => [
  [
    `sustained load: ${fixed.ratePerSecond} orders/s for ${fixed.seconds} s`,
    `${fixed.confirmed}/${fixed.offered} confirmed, cancelled ${JSON.stringify(fixed.cancelled)}, ` +
      `refused ${JSON.stringify(fixed.refused)}, not terminal ${fixed.notTerminal}`,
  ],
  [
    '  request → CONFIRMED',
    `p50 ${fixed.requestToConfirmedMs.p50} ms, p95 ${fixed.requestToConfirmedMs.p95} ms, p99 ${fixed.requestToConfirmedMs.p99} ms ` +
      `(p99/p50 ${round(fixed.requestToConfirmedMs.p99 / Math.max(1, fixed.requestToConfirmedMs.p50), 2)}) ` +
      `[${carried(fixed) && fixed.requestToConfirmedMs.p99 <= 1_500 && fixed.requestToConfirmedMs.p99 <= 3 * fixed.requestToConfirmedMs.p50 ? 'ok' : 'OVER GOAL'}: p99 ≤ 1500 ms and ≤ 3 × p50]`,
  ],
  ['  POST /orders', `p50 ${fixed.postOrderMs.p50} ms, p99 ${fixed.postOrderMs.p99} ms`],
  [
    '  runtime CPU per confirmed order',
    `${fixed.runtimeCpu.perOrderMs} ms (all threads) → at most ${fixed.runtimeCpu.cpuBoundOrdersPerSecond} orders/s on ${fixed.runtimeCpu.cores} cores`,
  ],
  [
    'sustained',
    `${sustainedPerSecond} orders/s (highest rate with every order confirmed and p99 ≤ ${SUSTAINED_P99_LIMIT_MS} ms)`,
  ],
];

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
