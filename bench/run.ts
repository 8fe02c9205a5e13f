/**
 * `npm run bench`: starts its own offline stack on free ports (or uses the one named by
 * ORDERFLOW_BENCH_HTTP_URL / ORDERFLOW_BENCH_AWS_URL), runs every suite, prints a table and writes
 * the figures as JSON under bench/results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stackConfigOnFreePorts } from '../src/local/free-ports';
import { startStack, type RunningStack } from '../src/local/stack';
import { PROJECT_ROOT } from '../src/local/template';
import { benchMessaging } from './messaging';
import { benchOrders } from './orders';
import { benchSaga } from './saga';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      operations: { type: 'string', default: '300' },
      concurrency: { type: 'string', default: '8' },
      'saga-rate': { type: 'string', default: '5' },
      'saga-seconds': { type: 'string', default: '10' },
    },
  });
  let stack: RunningStack | undefined;
  let httpUrl = process.env.ORDERFLOW_BENCH_HTTP_URL;
  let awsUrl = process.env.ORDERFLOW_BENCH_AWS_URL;
  if (!httpUrl || !awsUrl) {
    stack = await startStack(await stackConfigOnFreePorts());
    httpUrl = stack.httpUrl;
    awsUrl = stack.awsUrl;
  }
  try {
    // The saga suite runs first, on an idle system: the orders suite leaves every order's saga running behind it.
    const saga = await benchSaga({
      httpUrl,
      awsUrl,
      ratePerSecond: Number(values['saga-rate']),
      seconds: Number(values['saga-seconds']),
    });
    const orders = await benchOrders({
      httpUrl,
      awsUrl,
      operations: Number(values.operations),
      concurrency: Number(values.concurrency),
    });
    const messaging = await benchMessaging({
      awsUrl,
      operations: Number(values.operations),
      concurrency: Number(values.concurrency),
    });
    const results = {
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
      settings: { operations: Number(values.operations), concurrency: Number(values.concurrency) },
      stackStartupMs: stack?.startupMs,
      orders,
      messaging,
      saga,
    };
    const rows: [string, string][] = [
      [
        'floor: PutItem/s (conditional)',
        `${orders.floor.putItem.perSecond} (p50 ${orders.floor.putItem.p50Ms} ms, p99 ${orders.floor.putItem.p99Ms} ms)`,
      ],
      [
        'floor: GetItem/s',
        `${orders.floor.getItem.perSecond} (p50 ${orders.floor.getItem.p50Ms} ms, p99 ${orders.floor.getItem.p99Ms} ms)`,
      ],
      [
        'POST /orders/s',
        `${orders.postOrders.perSecond} (p50 ${orders.postOrders.p50Ms} ms, p99 ${orders.postOrders.p99Ms} ms, errors ${orders.postOrders.errors})`,
      ],
      ['POST /orders ÷ PutItem', `${orders.postOrdersToPutItemRatio}`],
      [
        'projection lag (202 → view)',
        `p50 ${orders.projectionLagMs.p50} ms, p99 ${orders.projectionLagMs.p99} ms`,
      ],
      [
        'burst → every order terminal',
        `${orders.burstToTerminal.orders} orders in ${orders.burstToTerminal.seconds} s = ${orders.burstToTerminal.ordersPerSecond} orders/s (${orders.burstToTerminal.notTerminalAfter5Min} not terminal)`,
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
        `saga at ${saga.offered.ratePerSecond} orders/s for ${saga.offered.seconds} s`,
        `${JSON.stringify(saga.outcomes)}, ${saga.confirmedPerSecond} confirmed/s`,
      ],
      [
        'request → CONFIRMED',
        `p50 ${saga.requestToConfirmedMs.p50} ms, p95 ${saga.requestToConfirmedMs.p95} ms, p99 ${saga.requestToConfirmedMs.p99} ms`,
      ],
      [
        'state transitions per happy-path order',
        `${saga.transitionsPerHappyPathOrder.min}–${saga.transitionsPerHappyPathOrder.max} (goal ≤ 12)`,
      ],
      ...(stack ? ([['stack startup', `${stack.startupMs} ms`]] as [string, string][]) : []),
    ];
    const width = Math.max(...rows.map(([name]) => name.length));
    for (const [name, value] of rows) process.stdout.write(`${name.padEnd(width)}  ${value}\n`);
    const dir = join(PROJECT_ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`results: bench/results/latest.json\n`);
  } finally {
    await stack?.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
