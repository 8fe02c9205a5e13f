/**
 * `npm run chaos -- --orders N --seed S`: drives the offline stack with a seeded mix of orders while the
 * runtime injects faults (functions crashing after their work, which also redelivers stream records and
 * queue messages; payment provider 5xx), waits for everything to settle, then checks the saga's
 * invariants. Last line: `chaos: N orders, F faults injected, V invariant violations`.
 */
import { parseArgs } from 'node:util';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { stackConfigOnFreePorts } from '../../src/local/free-ports';
import { startStack, type RunningStack } from '../../src/local/stack';
import { checkInvariants, type OrderOutcome } from './invariants';
import { seededRandom, pick } from './random';
import { CHAOS_SKUS, planOrders, type PlannedOrder } from './scenario';
import { bearer } from '../../src/local/auth/dev-token';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const INITIAL_STOCK = 60;
const CRASHING_FUNCTIONS = [
  'reserveInventory',
  'authorizePayment',
  'confirmOrder',
  'refundPayment',
  'releaseInventory',
  'cancelOrder',
  'projectOrders',
  'publishOutbox',
  'startSaga',
  'publishOutcome',
  'notifyCustomer',
  'shipOrder',
];

// The chaos client acts as an operator: it places orders and also answers reviews.
const AUTHORIZATION = bearer({ role: 'admin', subject: 'chaos-operator' });

async function json<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    ...init,
    headers: { authorization: AUTHORIZATION, ...(init?.headers as Record<string, string> | undefined) },
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

class UnexpectedAnswerError extends Error {
  override readonly name = 'UnexpectedAnswerError';
}

/** A GET that must answer 200; a busy stack gets a few more tries before the run gives up. */
async function getOk<T>(url: string): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const { status, body } = await json<T>(url);
    if (status === 200) return body;
    if (attempt >= 5) throw new UnexpectedAnswerError(`GET ${url} answered ${status}`);
    await sleep(500 * attempt);
  }
}

const post = (url: string, body?: unknown, headers: Record<string, string> = {}) =>
  json(url, {
    method: 'POST',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

export interface ChaosResult {
  readonly orders: number;
  readonly faults: number;
  readonly violations: ReturnType<typeof checkInvariants>;
  readonly seconds: number;
}

export async function runChaos(
  urls: { http: string; aws: string; payments: string },
  orders: number,
  seed: number,
  log: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<ChaosResult> {
  const random = seededRandom(seed);
  const started = performance.now();
  for (const sku of CHAOS_SKUS) {
    await json(`${urls.http}/inventory/${sku}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ available: INITIAL_STOCK }),
    });
  }
  const control = (operation: string, body: unknown) =>
    post(urls.aws, body, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `OrderflowLocal.${operation}`,
    });
  await control('ClearFaults', {});
  let providerFaults = 0;
  const crashes = Math.max(1, Math.floor(orders / 15));
  for (let i = 0; i < crashes; i += 1) {
    await control('InjectFault', {
      kind: 'crash-after-invoke',
      functionName: `orderflow-local-${pick(random, CRASHING_FUNCTIONS)}`,
      count: 1,
    });
  }

  const plan = planOrders(orders, random);
  const placed = new Map<string, PlannedOrder>();
  const answered = new Set<string>();
  let settled = false;
  // A reviewer answers every review that opens, as planned, until the run has settled.
  const reviewer = (async () => {
    while (!settled) {
      try {
        const { body } = await json<{ items: { orderId: string }[] }>(`${urls.http}/reviews`);
        for (const { orderId } of body?.items ?? []) {
          const planned = placed.get(orderId);
          if (!planned?.review || answered.has(orderId)) continue;
          answered.add(orderId);
          await post(`${urls.http}/orders/${orderId}/review`, {
            decision: planned.review,
            reviewer: 'chaos',
          });
        }
      } catch {
        // A busy or stopping stack: try again on the next round (the run ends the loop).
      }
      await sleep(300);
    }
  })().catch(() => undefined);

  for (const order of plan) {
    if (random() < 0.05) {
      await post(`${urls.payments}/__faults`, { failNext: 1, status: 503 });
      providerFaults += 1;
    }
    // A client that retries a busy answer with the same Idempotency-Key, as the API asks.
    const key = `chaos-${seed}-${order.index}-${Date.now().toString(36)}`;
    let answer: { status: number; body: unknown } = { status: 0, body: undefined };
    for (let attempt = 1; attempt <= 5 && answer.status !== 202; attempt += 1) {
      answer = await post(
        `${urls.http}/orders`,
        {
          customerId: `chaos-${order.index % 25}`,
          items: order.lines,
          currency: 'EUR',
          paymentToken: order.token,
          shippingAddress: {
            line1: '1 Chaos Street',
            city: 'Berlin',
            postalCode: '10115',
            country: order.country,
          },
        },
        { 'idempotency-key': key },
      );
      // Retried like any transient server failure: 5xx, or serverless-offline's Lambda timeout (a 200 with an error body).
      const offlineTimeout =
        answer.status === 200 &&
        typeof (answer.body as { errorMessage?: unknown })?.errorMessage === 'string';
      if (answer.status < 500 && !offlineTimeout) break;
    }
    const orderId = (answer.body as { orderId?: string } | undefined)?.orderId;
    if (answer.status !== 202 || !orderId) {
      settled = true;
      throw new RangeError(`POST /orders answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    placed.set(orderId, order);
    if (order.customerCancels) {
      setTimeout(() => void post(`${urls.http}/orders/${orderId}/cancel`).catch(() => undefined), 200);
    }
    await sleep(200);
  }

  // Settle: every order terminal, then every outcome notified.
  const deadline = performance.now() + Math.max(120_000, orders * 1_500);
  const views = new Map<string, { status: string; total: number; version: number }>();
  while (performance.now() < deadline) {
    for (const orderId of placed.keys()) {
      const { status, body } = await json<{ status: string; total: number; version: number }>(
        `${urls.http}/orders/${orderId}`,
      );
      if (status === 200) views.set(orderId, body);
    }
    if (
      [...views.values()].filter((v) => v.status === 'CONFIRMED' || v.status === 'CANCELLED').length ===
      placed.size
    )
      break;
    await sleep(1000);
  }
  settled = true;
  await reviewer;
  // Outcome notifications trail the outcomes by a queue and a topic.
  await sleep(5000);

  const sfn = new SFNClient({
    endpoint: urls.aws,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const executions = new Map<string, number>();
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:orderflow-local-order-saga',
        maxResults: 1000,
        nextToken,
      }),
    );
    for (const execution of page.executions ?? [])
      executions.set(execution.name ?? '', (executions.get(execution.name ?? '') ?? 0) + 1);
    nextToken = page.nextToken;
  } while (nextToken);
  sfn.destroy();

  const outcomes: OrderOutcome[] = [];
  for (const [orderId, order] of placed) {
    const view = await getOk<{ status: string; total: number; version: number }>(
      `${urls.http}/orders/${orderId}`,
    );
    const { events } = await getOk<{ events: { metadata: { version: number } }[] }>(
      `${urls.http}/orders/${orderId}/events`,
    );
    const { totals: ledger } = await getOk<{ totals: { captured: number; refunded: number } }>(
      `${urls.payments}/v1/ledger?orderId=${orderId}`,
    );
    const { notifications: notes } = await getOk<{ notifications: { channel: string }[] }>(
      `${urls.http}/orders/${orderId}/notifications`,
    );
    outcomes.push({
      orderId,
      status: view.status,
      total: view.total,
      lines: order.lines,
      executions: executions.get(orderId) ?? 0,
      ledger,
      versions: events.map((e) => e.metadata.version),
      viewVersion: view.version,
      customerNotifications: notes.filter((n) => n.channel === 'customer-email').length,
    });
  }
  const stock = new Map<string, { initial: number; available: number; reserved: number }>();
  for (const sku of CHAOS_SKUS) {
    const level = await getOk<{ available: number; reserved: number }>(`${urls.http}/inventory/${sku}`);
    stock.set(sku, { initial: INITIAL_STOCK, ...level });
  }
  const injected = (await control('ListFaults', {})).body as { injected: number };
  // Faults that never fired are disarmed, so they cannot land on whatever uses the stack next.
  await control('ClearFaults', {});
  const violations = checkInvariants(outcomes, stock);
  const byStatus = outcomes.reduce<Record<string, number>>(
    (acc, o) => ({ ...acc, [o.status]: (acc[o.status] ?? 0) + 1 }),
    {},
  );
  const seconds = (performance.now() - started) / 1000;
  log(`outcomes: ${JSON.stringify(byStatus)} in ${seconds.toFixed(1)} s`);
  for (const invariant of [
    'terminal',
    'one saga',
    'stock',
    'money',
    'gapless',
    'read model',
    'notified once',
  ]) {
    const broken = violations.filter((v) => v.invariant === invariant);
    log(
      `${broken.length === 0 ? 'ok  ' : 'FAIL'} ${invariant}${
        broken.length
          ? `: ${broken
              .slice(0, 5)
              .map((v) => v.detail)
              .join('; ')}`
          : ''
      }`,
    );
  }
  const faults = injected.injected + providerFaults;
  log(
    `chaos: ${outcomes.length} orders, ${faults} faults injected, ${violations.length} invariant violations`,
  );
  return { orders: outcomes.length, faults, violations, seconds };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { orders: { type: 'string', default: '100' }, seed: { type: 'string', default: '1' } },
  });
  let stack: RunningStack | undefined;
  const http = process.env.ORDERFLOW_CHAOS_HTTP_URL;
  const aws = process.env.ORDERFLOW_CHAOS_AWS_URL;
  const payments = process.env.ORDERFLOW_CHAOS_PAYMENTS_URL;
  let urls = http && aws && payments ? { http, aws, payments } : undefined;
  if (!urls) {
    stack = await startStack(await stackConfigOnFreePorts());
    urls = {
      http: stack.httpUrl,
      aws: stack.awsUrl,
      payments: `http://127.0.0.1:${stack.config.paymentsPort}`,
    };
  }
  try {
    const result = await runChaos(urls, Number(values.orders), Number(values.seed));
    process.exitCode = result.violations.length > 0 ? 1 : 0;
  } finally {
    await stack?.stop();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `chaos failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
