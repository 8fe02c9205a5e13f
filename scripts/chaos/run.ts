/**
 * `npm run chaos -- --orders N --seed S [--concurrency C] [--no-throttle] [--no-analytics]`: drives the running offline
 * stack (the one `npm start` serves; ORDERFLOW_CHAOS_*_URL point elsewhere) with a seeded mix of orders
 * while the runtime injects faults: functions crashing after their work, throttled DynamoDB requests,
 * duplicated stream records, SQS messages and EventBridge events, delayed deliveries, and a payment
 * provider that fails (5xx) or answers too late. Before its orders it plays a small alert scenario; after
 * they settle it re-produces a sample of the published order events onto the order-events topic (a relay's
 * retry). Then it checks the saga's invariants and the analytics ones (scripts/chaos/analytics-invariants.ts).
 * Last line: `chaos: N orders, F faults injected, V invariant violations`.
 */
import { parseArgs } from 'node:util';
import {
  api,
  assertStackRunning,
  control,
  customerAuthorization,
  mapPool,
  provider,
  sleep,
  stackUrls,
  StackNotRunningError,
  type ChaosUrls,
} from './client';
import { isTransientServerAnswer } from '../../src/local/offline-answers';
import { collectOutcomes, deadLettersSince } from './collect';
import { CHAOS_FAULT_KINDS, planFault, type ChaosFaultKind, type PlannedFault } from './fault-mix';
import { checkInvariants, INVARIANTS, type Violation } from './invariants';
import {
  ALERT_SCENARIO_PRICE,
  ALERT_SCENARIO_SKU,
  ALERT_SCENARIO_STOCK,
  DECLINE_WINDOW_MS,
  planAlertScenario,
  velocityExpectations,
  type AlertScenario,
} from './alert-scenario';
import {
  ANALYTICS_GROUPS,
  alertsSince,
  awaitConsumersCaughtUp,
  readOrderStreams,
  reproduce,
  servedMinuteViews,
} from './analytics';
import {
  checkExpectedAlerts,
  checkMinuteCounts,
  declineSpikeExpectation,
  foldMinuteViews,
} from './analytics-invariants';
import { bucketStartOf, BUCKET_MS } from '../../src/domain/analytics';
import { seededRandom } from './random';
import { CHAOS_CATALOGUE, CHAOS_CURRENCY, CHAOS_SKUS, planOrders, type PlannedOrder } from './scenario';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The re-produced events go through the relay's own producer (same partitioner): its v2 notice is noise.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

/** Stock per SKU: about three quarters of what the run's orders would take, so it runs out late in the run. */
const initialStock = (orders: number) => Math.max(60, Math.ceil(orders * 0.35));
const CUSTOMERS = 25;
const TERMINAL = new Set(['CONFIRMED', 'CANCELLED']);
/** How long one order may take to reach a terminal status before the run stops waiting for it. */
const ORDER_PATIENCE_MS = 180_000;

export interface ChaosOptions {
  /**
   * Orders in flight at once: each of C clients places an order and waits for its outcome before the
   * next. Unset: one client places an order every 200 ms without waiting, then the run settles.
   */
  readonly concurrency?: number;
  /** Arm DynamoDB throttling too (default true). */
  readonly throttle?: boolean;
  /**
   * Play the alert scenario, re-produce published events and check the analytics invariants (default
   * true). They compare what the whole stack counted with the whole event store: see docs/chaos.md.
   */
  readonly analytics?: boolean;
}

export interface ChaosResult {
  readonly orders: number;
  readonly faults: number;
  readonly faultsByKind: Readonly<Partial<Record<ChaosFaultKind, number>>>;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly violations: Violation[];
  readonly seconds: number;
  /** What the analytics checks did, when they ran. */
  readonly analytics?: AnalyticsReport;
}

export interface AnalyticsReport {
  readonly minutes: number;
  readonly eventsFolded: number;
  /** Totals of the compared minutes, as folded (and served, when there is no violation). */
  readonly placed: number;
  readonly confirmed: number;
  readonly reproduced: number;
  readonly alertsExpected: number;
  /** Why the decline-spike expectation was left out, when it was. */
  readonly declineSpikeSkipped?: string;
  readonly seconds: number;
}

class OrderNotAcceptedError extends Error {
  override readonly name = 'OrderNotAcceptedError';
}

async function arm(urls: ChaosUrls, fault: PlannedFault): Promise<void> {
  if (fault.kind === 'provider-5xx') {
    await provider(urls, 'POST', '/__faults', { failNext: fault.count, status: fault.status });
  } else if (fault.kind === 'provider-timeout') {
    await provider(urls, 'POST', '/__faults', { delayNext: fault.count, delayMs: fault.delayMs });
  } else {
    await control(urls, 'InjectFault', fault);
  }
}

/** A client that retries a busy answer with the same Idempotency-Key, as the API asks. */
async function placeOrder(
  urls: ChaosUrls,
  order: PlannedOrder,
  customerId: string,
  key: string,
): Promise<string> {
  let answer: { status: number; body: unknown } = { status: 0, body: undefined };
  for (let attempt = 1; attempt <= 6 && answer.status !== 202; attempt += 1) {
    answer = await api(
      urls,
      'POST',
      '/orders',
      {
        customerId,
        items: order.lines,
        currency: CHAOS_CURRENCY,
        paymentToken: order.token,
        shippingAddress: {
          line1: '1 Chaos Street',
          city: 'Berlin',
          postalCode: '10115',
          country: order.country,
        },
      },
      { 'idempotency-key': key },
    ).catch((error: unknown) => ({ status: 0, body: String(error) }));
    // Retried like any transient failure: a 5xx or a dropped connection.
    if (answer.status !== 0 && !isTransientServerAnswer(answer)) break;
    await sleep(250 * attempt);
  }
  const orderId = (answer.body as { orderId?: string } | undefined)?.orderId;
  if (answer.status !== 202 || !orderId) {
    throw new OrderNotAcceptedError(`POST /orders answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  return orderId;
}

/** Polls one order until it is terminal (or the run's patience for it runs out). */
async function awaitOutcome(urls: ChaosUrls, orderId: string): Promise<void> {
  const deadline = performance.now() + ORDER_PATIENCE_MS;
  for (let wait = 100; performance.now() < deadline; wait = Math.min(1_000, wait * 1.5)) {
    await sleep(wait);
    const { status, body } = await api<{ status: string }>(urls, 'GET', `/orders/${orderId}`).catch(() => ({
      status: 0,
      body: { status: '' },
    }));
    if (status === 200 && TERMINAL.has(body.status)) return;
  }
}

/** Polls the orders not yet terminal until none is left or the deadline passes; each terminal order is read once more at most. */
async function settle(urls: ChaosUrls, orderIds: readonly string[], deadline: number): Promise<void> {
  let pending = [...orderIds];
  while (pending.length > 0 && performance.now() < deadline) {
    const terminal = await mapPool(pending, 8, async (orderId) => {
      const { status, body } = await api<{ status: string }>(urls, 'GET', `/orders/${orderId}`).catch(() => ({
        status: 0,
        body: { status: '' },
      }));
      return status === 200 && TERMINAL.has(body.status);
    });
    pending = pending.filter((_, i) => !terminal[i]);
    if (pending.length > 0) await sleep(1_000);
  }
}

export async function runChaos(
  urls: ChaosUrls,
  orders: number,
  seed: number,
  log: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  options: ChaosOptions = {},
): Promise<ChaosResult> {
  const random = seededRandom(seed);
  const started = performance.now();
  const startedAt = Date.now();
  // Customers of this run only, so the list endpoint returns exactly this run's orders.
  const runTag = `${seed}-${startedAt.toString(36)}`;
  const customers = Array.from({ length: CUSTOMERS }, (_, i) => `chaos-${runTag}-${i}`);
  const stockPerSku = initialStock(orders);
  for (const sku of CHAOS_SKUS) {
    const { status } = await api(urls, 'PUT', `/inventory/${sku}`, {
      available: stockPerSku,
      unitPrice: CHAOS_CATALOGUE[sku],
      currency: CHAOS_CURRENCY,
    });
    if (status !== 200) throw new OrderNotAcceptedError(`PUT /inventory/${sku} answered ${status}`);
  }
  await control(urls, 'ClearFaults');
  await provider(urls, 'DELETE', '/__faults');
  const faultsBefore = await firedFaults(urls);

  const analytics = options.analytics !== false;
  const scenario = planAlertScenario(runTag);
  const scenarioOrderIds = analytics ? await playAlertScenario(urls, scenario, runTag) : [];
  if (analytics) {
    const took = ((performance.now() - started) / 1000).toFixed(1);
    log(`alert scenario: ${scenarioOrderIds.length} orders placed and settled (${took} s into the run)`);
  }

  const kinds = CHAOS_FAULT_KINDS.filter(
    (kind) => options.throttle !== false || kind !== 'throttle-dynamodb',
  );
  const plan = planOrders(orders, random).map((order) => ({ order, fault: planFault(random, kinds) }));
  const placed = new Map<string, PlannedOrder>();
  const answered = new Set<string>();
  let settled = false;
  // A reviewer answers every review that opens, as planned, until the run has settled.
  const reviewer = (async () => {
    while (!settled) {
      try {
        const { body } = await api<{ items?: { orderId: string }[] }>(urls, 'GET', '/reviews');
        for (const { orderId } of body?.items ?? []) {
          const planned = placed.get(orderId);
          if (!planned?.review || answered.has(orderId)) continue;
          answered.add(orderId);
          // The reviewer is the caller: the chaos client's operator token.
          await api(urls, 'POST', `/orders/${orderId}/review`, { decision: planned.review });
        }
      } catch {
        // A busy stack: try again on the next round (the run ends the loop).
      }
      await sleep(300);
    }
  })();

  const place = async ({ order, fault }: (typeof plan)[number]): Promise<string> => {
    if (fault) await arm(urls, fault);
    const key = `chaos-${runTag}-${order.index}`;
    const customerId = customers[order.index % CUSTOMERS] ?? 'chaos';
    const orderId = await placeOrder(urls, order, customerId, key);
    placed.set(orderId, order);
    if (order.customerCancels) {
      // With the customer's own token, so the cancellation is recorded as theirs (CUSTOMER_CANCELLED).
      const authorization = customerAuthorization(customerId);
      setTimeout(
        () =>
          void api(urls, 'POST', `/orders/${orderId}/cancel`, undefined, { authorization }).catch(
            () => undefined,
          ),
        200,
      );
    }
    return orderId;
  };
  let progress = performance.now();
  const report = () => {
    if (performance.now() - progress < 30_000) return;
    progress = performance.now();
    log(`… ${placed.size}/${orders} orders placed after ${((progress - started) / 1000).toFixed(0)} s`);
  };
  try {
    if (options.concurrency === undefined) {
      for (const entry of plan) {
        await place(entry);
        report();
        await sleep(200);
      }
      await settle(urls, [...placed.keys()], performance.now() + Math.max(120_000, orders * 1_500));
    } else {
      await mapPool(plan, options.concurrency, async (entry) => {
        await awaitOutcome(urls, await place(entry));
        report();
      });
      // Orders that outlasted their client's patience get the settle phase's.
      await settle(urls, [...placed.keys()], performance.now() + 120_000);
    }
  } finally {
    settled = true;
    await reviewer;
  }
  const placingSeconds = (performance.now() - started) / 1000;

  const { outcomes, stock } = await collectOutcomes(urls, placed, customers, CHAOS_SKUS, stockPerSku);
  const deadLetters = await deadLettersSince(urls, startedAt);
  const fired = await firedFaults(urls);
  // Faults that never fired are disarmed, so they cannot land on whatever uses the stack next.
  await control(urls, 'ClearFaults');
  await provider(urls, 'DELETE', '/__faults');
  const faultsByKind: Partial<Record<ChaosFaultKind, number>> = {};
  for (const [kind, count] of Object.entries(fired) as [ChaosFaultKind, number][]) {
    const delta = count - (faultsBefore[kind] ?? 0);
    if (delta > 0) faultsByKind[kind] = delta;
  }
  const faults = Object.values(faultsByKind).reduce((sum, n) => sum + (n ?? 0), 0);

  const violations = checkInvariants(outcomes, stock, deadLetters, new Map(Object.entries(CHAOS_CATALOGUE)));
  let analyticsReport: AnalyticsReport | undefined;
  if (analytics) {
    const checked = await checkAnalytics(urls, {
      startedAt,
      seed,
      runOrderIds: [...placed.keys(), ...scenarioOrderIds],
      scenario,
      scenarioOrderIds,
      log,
    });
    violations.push(...checked.violations);
    analyticsReport = checked.report;
  }
  const byStatus: Record<string, number> = {};
  const reasons: Record<string, number> = {};
  for (const o of outcomes) {
    byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
    const reason = o.view.cancellationReason;
    if (typeof reason === 'string') reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  const seconds = (performance.now() - started) / 1000;
  log(
    `outcomes: ${JSON.stringify(byStatus)} (cancelled: ${JSON.stringify(reasons)}); orders settled in ${placingSeconds.toFixed(1)} s, checked in ${seconds.toFixed(1)} s`,
  );
  log(`faults fired by kind: ${JSON.stringify(faultsByKind)}`);
  log(`dead letters this run: ${deadLetters.length}`);
  if (analyticsReport) {
    const a = analyticsReport;
    log(
      `analytics: ${a.minutes} minutes compared (${a.eventsFolded} events folded from the event store: ` +
        `${a.placed} placed, ${a.confirmed} confirmed), ` +
        `${a.reproduced} published events produced again, ${a.alertsExpected} scenario alerts checked ` +
        `in ${a.seconds.toFixed(1)} s${a.declineSpikeSkipped ? `; decline spike not expected: ${a.declineSpikeSkipped}` : ''}`,
    );
  }
  for (const invariant of INVARIANTS) {
    const broken = violations.filter((v) => v.invariant === invariant);
    const details = broken
      .slice(0, 5)
      .map((v) => v.detail)
      .join('; ');
    log(
      `${broken.length === 0 ? 'ok  ' : 'FAIL'} ${invariant}${broken.length ? ` (${broken.length}): ${details}` : ''}`,
    );
  }
  log(
    `chaos: ${outcomes.length} orders, ${faults} faults injected, ${violations.length} invariant violations`,
  );
  return {
    orders: outcomes.length,
    faults,
    faultsByKind,
    outcomes: byStatus,
    violations,
    seconds,
    analytics: analyticsReport,
  };
}

/**
 * Places the alert scenario's orders (faults are disarmed: this is before the run arms any) and waits
 * until each is terminal, so the burst of payment attempts ends before the run's own begin.
 */
async function playAlertScenario(
  urls: ChaosUrls,
  scenario: AlertScenario,
  runTag: string,
): Promise<string[]> {
  const { status } = await api(urls, 'PUT', `/inventory/${ALERT_SCENARIO_SKU}`, {
    available: ALERT_SCENARIO_STOCK,
    unitPrice: ALERT_SCENARIO_PRICE,
    currency: CHAOS_CURRENCY,
  });
  if (status !== 200)
    throw new OrderNotAcceptedError(`PUT /inventory/${ALERT_SCENARIO_SKU} answered ${status}`);
  const indexed = scenario.orders.map((order, index) => ({ ...order, index }));
  return mapPool(indexed, indexed.length, async ({ customerId, token, index }) => {
    const order: PlannedOrder = {
      index,
      lines: [{ sku: ALERT_SCENARIO_SKU, quantity: 1 }],
      token,
      country: 'DE',
      customerCancels: false,
    };
    const orderId = await placeOrder(urls, order, customerId, `chaos-${runTag}-alerts-${index}`);
    await awaitOutcome(urls, orderId);
    return orderId;
  });
}

/** How long the analytics consumers may take to count what the run (and its re-produced events) wrote. */
const CONSUMER_PATIENCE_MS = 120_000;
/** The share of the run's events produced a second time, at least MIN_REPRODUCED of them. */
const REPRODUCED_SHARE = 0.1;
const MIN_REPRODUCED = 20;

/**
 * The analytics invariants: a sample of the run's published events is produced again (a relay's retry),
 * the consumers are waited for, and the served 1-minute views of the run's minutes are compared with the
 * fold of the whole event store; the scenario's alerts are looked up. The comparison covers every order
 * of the stack, not only the run's, so traffic that flows through the event store and the topic as
 * orders do is counted on both sides; anything producing to the topic otherwise would break it (run the
 * chaos harness on a stack of its own).
 */
async function checkAnalytics(
  urls: ChaosUrls,
  run: {
    readonly startedAt: number;
    readonly seed: number;
    readonly runOrderIds: readonly string[];
    readonly scenario: AlertScenario;
    readonly scenarioOrderIds: readonly string[];
    readonly log: (line: string) => void;
  },
): Promise<{ violations: Violation[]; report: AnalyticsReport }> {
  const started = performance.now();
  const warn = (line: string) => run.log(`analytics: ${line}`);
  const runOrders = new Set(run.runOrderIds);
  const published = (await readOrderStreams(urls, warn))
    .filter((stream) => runOrders.has(stream[0]?.metadata.orderId ?? ''))
    .flat();
  // Seeded apart from the run's generator, so a seed places the same orders and faults as before.
  const random = seededRandom(run.seed ^ 0x5eed);
  const share = Math.min(1, Math.max(REPRODUCED_SHARE, MIN_REPRODUCED / Math.max(1, published.length)));
  const sample = published.filter(() => random() < share);
  await reproduce(urls, sample);

  const violations: Violation[] = [];
  const behind = await awaitConsumersCaughtUp(urls, ANALYTICS_GROUPS, CONSUMER_PATIENCE_MS);
  if (behind.size > 0) {
    violations.push({
      invariant: 'analytics counts',
      detail: `consumers not caught up after ${CONSUMER_PATIENCE_MS / 1000} s: ${[...behind]
        .map(([partition, lag]) => `${partition} ${lag} behind`)
        .join(', ')}`,
    });
  }
  const fromMs = bucketStartOf(run.startedAt);
  const toMs = bucketStartOf(Date.now()) + BUCKET_MS;
  // The served views first, then the store: an event appended in between would be in the fold only.
  const served = await servedMinuteViews(urls, fromMs, toMs);
  const listed = await alertsSince(urls, run.startedAt - BUCKET_MS);
  const streams = await readOrderStreams(urls, warn);
  const folded = foldMinuteViews(streams, fromMs, toMs);
  violations.push(...checkMinuteCounts(folded, served));

  const expected = velocityExpectations(run.scenario);
  const spike = declineSpikeExpectation(streams, new Set(run.scenarioOrderIds), DECLINE_WINDOW_MS);
  if (!('skipped' in spike)) expected.push(spike);
  violations.push(...checkExpectedAlerts(expected, listed));
  return {
    violations,
    report: {
      minutes: folded.length,
      eventsFolded: streams
        .flat()
        .filter(
          (e) => Date.parse(e.metadata.occurredAt) >= fromMs && Date.parse(e.metadata.occurredAt) < toMs,
        ).length,
      placed: folded.reduce((n, view) => n + view.placed, 0),
      confirmed: folded.reduce((n, view) => n + view.confirmed, 0),
      reproduced: sample.length,
      alertsExpected: expected.length,
      declineSpikeSkipped: 'skipped' in spike ? spike.skipped : undefined,
      seconds: (performance.now() - started) / 1000,
    },
  };
}

/** Faults fired so far, runtime and provider together, by kind. */
async function firedFaults(urls: ChaosUrls): Promise<Partial<Record<ChaosFaultKind, number>>> {
  const runtime = await control<{ injectedByKind?: Partial<Record<ChaosFaultKind, number>> }>(
    urls,
    'ListFaults',
  );
  const payments = await provider<{ injected?: { failed: number; delayed: number } }>(
    urls,
    'GET',
    '/__faults',
  );
  return {
    ...runtime.body.injectedByKind,
    'provider-5xx': payments.body.injected?.failed ?? 0,
    'provider-timeout': payments.body.injected?.delayed ?? 0,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      orders: { type: 'string', default: '100' },
      seed: { type: 'string', default: '1' },
      concurrency: { type: 'string' },
      'no-throttle': { type: 'boolean', default: false },
      'no-analytics': { type: 'boolean', default: false },
    },
  });
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw new RangeError('--concurrency must be a positive whole number');
  }
  const urls = stackUrls(process.env);
  await assertStackRunning(urls);
  const result = await runChaos(urls, Number(values.orders), Number(values.seed), undefined, {
    concurrency,
    throttle: !values['no-throttle'],
    analytics: !values['no-analytics'],
  });
  process.exitCode = result.violations.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      error instanceof StackNotRunningError
        ? `chaos: ${error.message}\n`
        : `chaos failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(error instanceof StackNotRunningError ? 2 : 1);
  });
}
