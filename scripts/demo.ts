/**
 * `npm run demo`: a narrated run of the whole system against a running `npm start`, for a
 * presentation. It stocks a few SKUs, places one order of each kind, prints each outcome with a link
 * to the order's page in the ops console, shows a DLQ redrive, then what analytics counted (the last
 * minutes' metrics and any alerts, with a link to the console's Analytics page), and ends with a summary table. It
 * exits non-zero when an outcome is not the one the system promises, so it doubles as a smoke test.
 *
 *   npm start                 # in one terminal
 *   npm run demo              # in another (ORDERFLOW_HTTP_PORT / ORDERFLOW_AWS_PORT if moved)
 */
import {
  GetQueueUrlCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { ulid } from 'ulid';
import { issueDevToken } from '../src/local/auth/dev-token';
import { scriptTarget } from './aws-env';

class DemoError extends Error {
  override readonly name = 'DemoError';
}

const httpUrl = `http://127.0.0.1:${process.env.ORDERFLOW_HTTP_PORT ?? '3000'}`;
const consoleUrl = `${httpUrl}/console`;
const target = scriptTarget({});
const stage = target.stage;
const run = Date.now().toString(36).toUpperCase();
const customerId = `demo-${run.toLowerCase()}`;
const operator = `Bearer ${issueDevToken({ role: 'admin', subject: 'demo-operator' })}`;
const customer = `Bearer ${issueDevToken({ role: 'customer', subject: customerId })}`;
const SKU = { red: `DEMO-RED-${run}`, last: `DEMO-LAST-${run}`, big: `DEMO-BIG-${run}` };
/** Over the review threshold (100,000 minor units), so the order waits for a reviewer. */
const BIG_PRICE = 150_000;

const say = (line = '') => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function call<T>(
  method: string,
  path: string,
  authorization: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${httpUrl}${path}`, {
    method,
    headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function until<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new DemoError(`${what}: not within ${timeoutMs / 1000} s (last: ${JSON.stringify(value)})`);
    await sleep(250);
  }
}

interface OrderView {
  status: string;
  cancellationReason?: string;
}

const view = async (orderId: string) => (await call<OrderView>('GET', `/orders/${orderId}`, customer)).body;
const reaches = (orderId: string, statuses: string[]) =>
  until(
    `order ${orderId} to reach ${statuses.join(' or ')}`,
    () => view(orderId).catch(() => ({ status: '?' }) as OrderView),
    (v) => statuses.includes(v.status),
  );

async function place(sku: string, quantity: number, paymentToken: string): Promise<string> {
  const { status, body } = await call<{ orderId?: string; error?: unknown }>('POST', '/orders', customer, {
    customerId,
    currency: 'EUR',
    paymentToken,
    items: [{ sku, quantity }],
    shippingAddress: { line1: '1 Main Street', city: 'Berlin', postalCode: '10115', country: 'DE' },
  });
  if (status !== 202 || !body.orderId)
    throw new DemoError(`POST /orders answered ${status}: ${JSON.stringify(body)}`);
  return body.orderId;
}

interface MetricsView {
  readonly end: string;
  readonly placed: number;
  readonly confirmed: number;
  readonly cancelled: { readonly total: number; readonly byReason: Record<string, number> };
}

interface Alert {
  readonly severity: string;
  readonly ruleId: string;
  readonly subject: string;
  readonly summary: string;
  readonly raisedAt: string;
  readonly clearedAt: string | null;
}

const ANALYTICS_MINUTES = 15;

/** The 1-minute (tumbling) views ending after `from`: summing them counts each event once. */
async function minuteViews(from: number): Promise<MetricsView[]> {
  const query = new URLSearchParams({
    window: '1m',
    from: new Date(from).toISOString(),
    to: new Date().toISOString(),
  });
  const { status, body } = await call<{ views: MetricsView[] }>(
    'GET',
    `/analytics/metrics?${query}`,
    operator,
  );
  if (status !== 200)
    throw new DemoError(`GET /analytics/metrics answered ${status}: ${JSON.stringify(body)}`);
  return body.views;
}

const totalsOf = (views: readonly MetricsView[]) => {
  const byReason: Record<string, number> = {};
  for (const view of views) {
    for (const [reason, n] of Object.entries(view.cancelled.byReason))
      byReason[reason] = (byReason[reason] ?? 0) + n;
  }
  const sum = (read: (view: MetricsView) => number) => views.reduce((total, view) => total + read(view), 0);
  return {
    placed: sum((v) => v.placed),
    confirmed: sum((v) => v.confirmed),
    cancelled: sum((v) => v.cancelled.total),
    byReason,
  };
};

const conversionOf = (t: { placed: number; confirmed: number }) =>
  t.placed === 0 ? '–' : `${((100 * t.confirmed) / t.placed).toFixed(1)} %`;

/**
 * What analytics made of the demo: it waits until the demo's own orders are counted (the consumer
 * reads the order-events topic a moment behind), prints the last minutes' metrics and any alerts.
 */
async function analytics(
  startedAt: number,
  expected: { confirmed: number; cancelled: number },
): Promise<string> {
  const placed = expected.confirmed + expected.cancelled;
  let counted = 'counted';
  try {
    await until(
      "the demo's orders in GET /analytics/metrics",
      async () => totalsOf(await minuteViews(startedAt)),
      (t) => t.placed >= placed && t.confirmed >= expected.confirmed && t.cancelled >= expected.cancelled,
    );
  } catch (error) {
    counted = `not counted: ${error instanceof Error ? error.message : String(error)}`;
  }
  const views = await minuteViews(Date.now() - ANALYTICS_MINUTES * 60_000);
  const totals = totalsOf(views);
  const reasons = Object.entries(totals.byReason)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  say(`  last ${ANALYTICS_MINUTES} min (GET /analytics/metrics, 1-minute windows):`);
  say(
    `  ${totals.placed} placed, ${totals.confirmed} confirmed, ${totals.cancelled} cancelled${reasons ? ` (${reasons})` : ''}, conversion ${conversionOf(totals)}`,
  );
  for (const view of views.filter((v) => v.placed + v.confirmed + v.cancelled.total > 0)) {
    const minute = new Date(Date.parse(view.end) - 60_000).toISOString().slice(11, 16);
    say(
      `    ${minute} UTC  placed ${view.placed}  confirmed ${view.confirmed}  cancelled ${view.cancelled.total}  conversion ${conversionOf(view)}`,
    );
  }
  const since = new Date(Date.now() - ANALYTICS_MINUTES * 60_000).toISOString();
  const alerts = await call<{ alerts: Alert[] }>(
    'GET',
    `/analytics/alerts?${new URLSearchParams({ status: 'all', since, limit: '20' })}`,
    operator,
  );
  if (alerts.status === 404)
    say('  alerts: not available on this stack (GET /analytics/alerts answered 404)');
  else if (alerts.status !== 200) say(`  alerts: GET /analytics/alerts answered ${alerts.status}`);
  else if (alerts.body.alerts.length === 0) say(`  alerts: none raised in the last ${ANALYTICS_MINUTES} min`);
  else {
    say(`  alerts raised in the last ${ANALYTICS_MINUTES} min (newest first):`);
    for (const a of alerts.body.alerts) {
      say(
        `    [${a.severity}] ${a.ruleId} ${a.subject}: ${a.summary} (raised ${a.raisedAt}, ${a.clearedAt ? `cleared ${a.clearedAt}` : 'open'})`,
      );
    }
  }
  say(`  charts and alerts: ${consoleUrl}#/analytics`);
  return counted;
}

interface Story {
  readonly title: string;
  readonly expected: string;
  readonly play: () => Promise<string>;
}

const outcome = (v: OrderView) => (v.cancellationReason ? `${v.status} ${v.cancellationReason}` : v.status);

const awaitingReview = async (paymentToken = 'tok_visa') => {
  const orderId = await place(SKU.big, 1, paymentToken);
  await reaches(orderId, ['AWAITING_REVIEW']);
  return orderId;
};

const stories: Story[] = [
  {
    title: 'a card that pays',
    expected: 'CONFIRMED',
    play: async () => place(SKU.red, 2, 'tok_visa'),
  },
  {
    title: 'a declined card',
    expected: 'CANCELLED PAYMENT_DECLINED',
    play: async () => place(SKU.red, 1, 'tok_decline'),
  },
  {
    title: 'the last unit, already gone',
    expected: 'CANCELLED OUT_OF_STOCK',
    play: async () => place(SKU.last, 1, 'tok_visa'),
  },
  {
    title: 'a flaky payment provider (two 503s, retried)',
    expected: 'CONFIRMED',
    play: async () => place(SKU.red, 1, 'tok_flaky'),
  },
  {
    title: 'a large order a reviewer approves',
    expected: 'CONFIRMED',
    play: async () => {
      const orderId = await awaitingReview();
      await call('POST', `/orders/${orderId}/review`, operator, { decision: 'approve' });
      return orderId;
    },
  },
  {
    title: 'a large order a reviewer rejects',
    expected: 'CANCELLED REVIEW_REJECTED',
    play: async () => {
      const orderId = await awaitingReview();
      await call('POST', `/orders/${orderId}/review`, operator, { decision: 'reject' });
      return orderId;
    },
  },
  {
    title: 'the customer cancels while the order waits for review',
    expected: 'CANCELLED CUSTOMER_CANCELLED',
    play: async () => {
      const orderId = await awaitingReview();
      const { status } = await call('POST', `/orders/${orderId}/cancel`, customer);
      if (status !== 202 && status !== 200) throw new DemoError(`cancel answered ${status}`);
      return orderId;
    },
  },
];

async function redrive(orderId: string): Promise<string> {
  const sqs = new SQSClient(target.clientConfig);
  try {
    const url = async (name: string) =>
      (await sqs.send(new GetQueueUrlCommand({ QueueName: `orderflow-${stage}-${name}` })))
        .QueueUrl as string;
    const arn = async (queueUrl: string) =>
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] })))
        .Attributes?.QueueArn as string;
    const [dlqUrl, queueUrl] = [await url('customer-notifications-dlq'), await url('customer-notifications')];
    const eventId = ulid();
    // As if the notifier had been down: a good outcome message that ran out of receives.
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: dlqUrl,
        MessageBody: JSON.stringify({
          eventId,
          eventType: 'OrderConfirmed',
          orderId,
          customerId,
          total: 2500,
          currency: 'EUR',
          occurredAt: new Date().toISOString(),
        }),
      }),
    );
    say(
      `  a customer notification sits in orderflow-${stage}-customer-notifications-dlq (see ${consoleUrl}#/queues)`,
    );
    await sqs.send(
      new StartMessageMoveTaskCommand({ SourceArn: await arn(dlqUrl), DestinationArn: await arn(queueUrl) }),
    );
    say('  redrive started (SQS StartMessageMoveTask), waiting for the notifier to handle it …');
    await until(
      'the redriven notification',
      async () =>
        (
          await call<{ notifications: { eventId: string }[] }>(
            'GET',
            `/orders/${orderId}/notifications`,
            customer,
          )
        ).body.notifications,
      (rows) => rows.some((row) => row.eventId === eventId),
    );
    return 'notification recorded';
  } finally {
    sqs.destroy();
  }
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const health = await fetch(`${httpUrl}/health`).catch(() => undefined);
  if (!health?.ok)
    throw new DemoError(`nothing answers at ${httpUrl}: start the system with \`npm start\` first`);
  say(
    `orderflow demo against ${httpUrl} (console: ${consoleUrl}; sign in with \`npm run -s token -- --admin\`)`,
  );
  say();
  say(
    `Stocking ${SKU.red} (50 at 12.50 EUR), ${SKU.last} (none left) and ${SKU.big} (1,500.00 EUR, needs a review) …`,
  );
  for (const [sku, available, unitPrice] of [
    [SKU.red, 50, 1250],
    [SKU.last, 0, 990],
    [SKU.big, 10, BIG_PRICE],
  ] as const) {
    const { status } = await call('PUT', `/inventory/${sku}`, operator, {
      available,
      unitPrice,
      currency: 'EUR',
    });
    if (status !== 200) throw new DemoError(`PUT /inventory/${sku} answered ${status}`);
  }
  say(`Placing one order of each kind for customer ${customerId} …`);
  say();
  const results = await Promise.all(
    stories.map(async (story) => {
      const orderId = await story.play();
      const final = outcome(await reaches(orderId, ['CONFIRMED', 'CANCELLED']));
      const ok = final === story.expected;
      say(`${ok ? '✔' : '✘'} ${story.title}: ${final}`);
      say(`    ${consoleUrl}#/orders/${orderId}`);
      return { title: story.title, orderId, expected: story.expected, final, ok };
    }),
  );
  say();
  say('A dead-lettered message, redriven:');
  const confirmed = results.find((r) => r.final === 'CONFIRMED');
  const redriven = confirmed ? await redrive(confirmed.orderId) : 'skipped (no confirmed order)';
  say(`✔ redrive: ${redriven}`);
  say();
  say('What analytics counted:');
  const counted = await analytics(startedAt, {
    confirmed: results.filter((r) => r.final === 'CONFIRMED').length,
    cancelled: results.filter((r) => r.final.startsWith('CANCELLED')).length,
  });
  say(`${counted === 'counted' ? '✔' : '✘'} analytics: the demo's ${results.length} orders ${counted}`);
  say();
  const rows = [
    ...results.map((r) => [r.ok ? 'ok' : 'WRONG', r.title, r.final, r.orderId]),
    [redriven === 'notification recorded' ? 'ok' : 'WRONG', 'DLQ redrive', redriven, ''],
    [counted === 'counted' ? 'ok' : 'WRONG', "analytics counts the demo's orders", counted, ''],
  ];
  const headers = ['', 'story', 'outcome', 'order'];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  say(line(headers));
  say(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) say(line(row));
  const wrong = rows.filter((row) => row[0] !== 'ok').length;
  say();
  say(
    wrong === 0
      ? `demo: all ${rows.length} stories ended as promised`
      : `demo: ${wrong} of ${rows.length} stories did not`,
  );
  if (wrong > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
