/*
 * The ops console (issue 16) in a real browser: Debian's chromium driven by playwright-core against
 * the shared stack. Orders are placed and DLQ messages planted through the API and SQS, as any
 * client would; everything else is done by clicking in the page, and every outcome is checked both
 * on the page and through the API.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { ulid } from 'ulid';
import { issueDevToken } from '../../../src/local/auth/dev-token';
import { api, eventually, placeOrder, setStock, uniqueCustomer, validOrder } from '../../support/api';
import { openBrowser, screenshot, type TestBrowser } from '../../support/browser';
import { notificationsOf, sqsClient } from '../../support/messaging';
import { orderReaches, placeSagaOrder, stockedSku } from '../../support/saga';
import { stackUrls } from '../../support/stack';
import { PROJECT_ROOT } from '../../../src/local/template';

const SAGA_ASL = JSON.parse(
  readFileSync(join(PROJECT_ROOT, 'statemachines', 'orderSaga.asl.json'), 'utf8'),
) as {
  States: Record<string, unknown>;
};

/** Generous: a cold function on a busy two-core machine takes seconds, and the page polls every 2 s. */
const SEEN = { timeout: 60_000 };
/** Over the review threshold (100,000 minor units) on every stage. */
const LARGE = 150_000;

let browser: TestBrowser;

interface MetricsBody {
  readonly views: readonly { readonly placed: number }[];
}

/** Orders placed in [from, to] as the API counts them: the sum of the 1-minute (tumbling) views. */
async function placedBetween(from: string, to: string): Promise<number> {
  const { status, body } = await api<MetricsBody>(
    'GET',
    `/analytics/metrics?${new URLSearchParams({ window: '1m', from, to })}`,
  );
  expect(status).toBe(200);
  return body.views.reduce((sum, view) => sum + view.placed, 0);
}

const consoleUrl = (hash = '') => `${stackUrls().http}/console${hash}`;

beforeAll(async () => {
  browser = await openBrowser();
}, 90_000);

afterAll(async () => {
  await browser?.close();
});

afterEach(() => {
  expect(browser.pageErrors).toEqual([]);
});

describe('the ops console', () => {
  it("refuses a customer's token and signs in with an operator's", async () => {
    const { page } = browser;
    await page.goto(consoleUrl('#/orders'));
    await page.fill('#token', issueDevToken({ role: 'customer', subject: 'cust-console' }));
    await page.click('#sign-in-form button[type=submit]');
    await page.getByRole('alert').filter({ hasText: 'no operator scope' }).waitFor(SEEN);

    await page.fill('#token', `Bearer ${issueDevToken({ role: 'admin', subject: 'console-operator' })}`);
    await page.click('#sign-in-form button[type=submit]');
    await page.locator('table.orders').waitFor(SEEN);
    expect(await page.locator('header .who').textContent()).toContain('console-operator');
    // The page carries no token: the operator's stays in the browser's storage.
    const html = await (await fetch(consoleUrl())).text();
    expect(html).not.toMatch(/eyJ/);
  }, 90_000);

  it('shows an order placed through the API reach CONFIRMED, and colours its saga path', async () => {
    const { page } = browser;
    const customerId = uniqueCustomer('console');
    const sku = await stockedSku(5, 1250);
    const orderId = await placeSagaOrder([{ sku, quantity: 2 }], { customerId });

    await page.goto(consoleUrl(`#/orders?customer=${customerId}`));
    const row = page.locator(`tr[data-order-id="${orderId}"]`);
    await row.and(page.locator('[data-status="CONFIRMED"]')).waitFor(SEEN);
    expect(await page.locator('table.orders tbody tr').count()).toBe(1);
    expect((await orderReaches(orderId, ['CONFIRMED'])).status).toBe('CONFIRMED');

    await row.getByRole('link', { name: orderId }).click();
    const state = (name: string) => page.locator(`svg.saga-graph g.state[data-state="${name}"]`);
    await state('Confirmed').and(page.locator('[data-status="succeeded"]')).waitFor(SEEN);
    // Every state of the ASL is drawn; the happy path is coloured, the compensation is not run.
    const drawn = await page
      .locator('svg.saga-graph g.state')
      .evaluateAll((gs) =>
        Object.fromEntries(gs.map((g) => [g.getAttribute('data-state'), g.getAttribute('data-status')])),
      );
    expect(Object.keys(drawn).sort()).toEqual(Object.keys(SAGA_ASL.States).sort());
    for (const name of [
      'ReserveInventory',
      'AuthorizePayment',
      'NeedsReview',
      'ScheduleShipment',
      'ConfirmOrder',
    ]) {
      expect({ name, status: drawn[name] }).toEqual({ name, status: 'succeeded' });
    }
    for (const name of ['ManualReview', 'RefundPayment', 'CancelOrder', 'Cancelled']) {
      expect({ name, status: drawn[name] }).toEqual({ name, status: 'not-run' });
    }
    expect(await page.locator('path.edge.taken').count()).toBe(5);

    // A state's details: its input (the saga's, with the order id) and its duration.
    await state('ScheduleShipment').click();
    const detail = page.locator('#step-detail');
    await detail.getByText('ScheduleShipment').first().waitFor(SEEN);
    expect(await detail.textContent()).toContain(orderId);
    expect(await detail.textContent()).toMatch(/\d+ ms/);
    // The order's events and notifications are on the page too.
    await page.locator('li[data-event-type="OrderConfirmed"]').waitFor(SEEN);
    await page.locator('li[data-channel="customer-email"]').waitFor(SEEN);

    const path = await screenshot(page, 'console-confirmed-order');
    expect(statSync(path).size).toBeGreaterThan(10_000);
  }, 120_000);

  it('approves an order waiting for a reviewer, which then confirms', async () => {
    const { page } = browser;
    const sku = await stockedSku(1, LARGE);
    const orderId = await placeSagaOrder([{ sku, quantity: 1, unitPrice: LARGE }]);
    // The test stack's reviewer has 20 s: the page is opened once the review is there.
    await eventually(
      () => api<{ items: { orderId: string }[] }>('GET', '/reviews'),
      (r) => r.status === 200 && r.body.items.some((item) => item.orderId === orderId),
      45_000,
    );
    await page.goto(consoleUrl('#/reviews'));
    await page.locator(`button[data-decide="approve"][data-order="${orderId}"]`).click(SEEN);
    await page.locator(`[data-decided="${orderId}"]`).waitFor(SEEN);
    expect(await page.locator(`[data-decided="${orderId}"]`).textContent()).toContain('Approved');

    expect((await orderReaches(orderId, ['CONFIRMED', 'CANCELLED'], 60_000)).status).toBe('CONFIRMED');
    await page.goto(consoleUrl(`#/orders/${orderId}`));
    await page
      .locator('svg.saga-graph g.state[data-state="ManualReview"]')
      .and(page.locator('[data-status="succeeded"]'))
      .waitFor(SEEN);
  }, 120_000);

  it('shows a dead-lettered message, escaped, and redrives it to its queue, where it is handled', async () => {
    const { page } = browser;
    const orderId = await placeSagaOrder([{ sku: await stockedSku(5, 1000), quantity: 1 }]);
    const eventId = ulid();
    // A well-formed outcome that dead-lettered while its consumer was down; its customer id is markup.
    const markup = `<img id=injected src=x>${eventId}`;
    const client = sqsClient();
    try {
      const { QueueUrl } = await client.send(
        new GetQueueUrlCommand({ QueueName: 'orderflow-local-customer-notifications-dlq' }),
      );
      await client.send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: JSON.stringify({
            eventId,
            eventType: 'OrderConfirmed',
            orderId,
            customerId: markup,
            total: 1000,
            currency: 'EUR',
            occurredAt: new Date().toISOString(),
          }),
        }),
      );
    } finally {
      client.destroy();
    }

    await page.goto(consoleUrl('#/queues?dlq=orderflow-local-customer-notifications-dlq'));
    await page.locator('li[data-message-id]').filter({ hasText: eventId }).waitFor(SEEN);
    expect(await page.locator('#injected').count()).toBe(0);
    expect(await page.locator('#dlq-messages').textContent()).toContain(markup);

    await page.locator('button[data-redrive="orderflow-local-customer-notifications-dlq"]').click(SEEN);
    await page.locator('[data-redriven="orderflow-local-customer-notifications-dlq"]').waitFor(SEEN);
    // Back in customer-notifications, the notifier handles it: the notification is recorded.
    const rows = await eventually(
      () => notificationsOf(orderId),
      (r) => r.some((row) => row.eventId === eventId),
      60_000,
    );
    expect(rows.filter((row) => row.eventId === eventId).map((row) => row.channel)).toEqual([
      'customer-email',
    ]);

    // The order's page shows that notification, its recipient as text.
    await page.goto(consoleUrl(`#/orders/${orderId}`));
    await page.locator('ul.notifications').getByText(markup).waitFor(SEEN);
    expect(await page.locator('#injected').count()).toBe(0);
    const path = await screenshot(page, 'console-redriven-notification');
    expect(existsSync(path)).toBe(true);
  }, 120_000);

  it('charts orders placed through the API on the Analytics page, and lists the alerts or says there are none to list', async () => {
    const { page } = browser;
    const sku = `SKU-CON${Date.now().toString(36).toUpperCase()}`;
    await setStock(sku, { available: 1000, unitPrice: 700, currency: 'EUR' });
    const sixHours = () => ({
      from: new Date(Date.now() - 6 * 3600_000).toISOString(),
      to: new Date().toISOString(),
    });
    const window = sixHours();
    const before = await placedBetween(window.from, window.to);
    for (let i = 0; i < 3; i += 1) {
      await placeOrder(validOrder({ items: [{ sku, quantity: 20, unitPrice: 700 }] }));
    }

    await page.goto(consoleUrl());
    await page.evaluate(
      (token) => localStorage.setItem('orderflow-console-token', token),
      issueDevToken({ role: 'admin', subject: 'console-operator' }),
    );
    await page.goto(consoleUrl('#/analytics?window=5m&range=6h'));
    await page.locator('header nav a.active', { hasText: 'Analytics' }).waitFor(SEEN);
    // The page refreshes every 5 s: it shows the three orders once the consumer has counted them.
    await page.waitForFunction(
      (least) =>
        Number(
          document.querySelector('#analytics-summary [data-placed]')?.getAttribute('data-placed') ?? -1,
        ) >= least,
      before + 3,
      { timeout: 120_000, polling: 500 },
    );
    await page.locator(`table.top-skus tr[data-sku="${sku}"] td.num`, { hasText: /^60$/ }).waitFor(SEEN);
    // The range's count is the API's for the same range, as text and as the data attribute.
    const shown = await eventually(
      async () => {
        const onPage = await page.locator('#analytics-summary [data-placed]').evaluate((dl) => ({
          placed: Number(dl.getAttribute('data-placed')),
          text: dl.querySelector('#placed-in-range')?.textContent,
          from: dl.getAttribute('data-from') ?? '',
          to: dl.getAttribute('data-to') ?? '',
        }));
        return { ...onPage, api: await placedBetween(onPage.from, onPage.to) };
      },
      (r) => r.placed === r.api,
      60_000,
    );
    expect(shown.text).toBe(String(shown.placed));
    expect(shown.placed).toBeGreaterThanOrEqual(before + 3);
    expect(await page.locator('#analytics-summary').textContent()).toContain('orders placed in range');
    // Four charts, drawn by uPlot, and the 5-minute window the location asked for.
    expect(await page.locator('#analytics-charts .uplot canvas').count()).toBe(4);
    expect(await page.locator('#analytics-window').inputValue()).toBe('5m');
    expect(await page.locator('#chart-orders-caption').textContent()).toContain('per 5m window');

    // Alerts: the list when the stack has GET /analytics/alerts, the notice when it answers 404.
    const alerts = await api<{ alerts: { alertId: string }[] }>(
      'GET',
      '/analytics/alerts?status=open&limit=50',
    );
    const section = page.locator('#analytics-alerts [data-alerts]');
    await section.waitFor(SEEN);
    if (alerts.status === 404) {
      expect(await section.getAttribute('data-alerts')).toBe('unavailable');
      expect(await section.textContent()).toContain('Alerts are not available on this stack.');
    } else {
      // The page lists every open alert (and those cleared in the range), its open ones highlighted.
      expect(alerts.status).toBe(200);
      const seen = await eventually(
        async () => {
          const open = await api<{ alerts: { alertId: string }[] }>(
            'GET',
            '/analytics/alerts?status=open&limit=50',
          );
          const rows = await page
            .locator('table.alerts tr.open[data-alert-id]')
            .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-alert-id')).sort());
          return { api: open.body.alerts.map((a) => a.alertId).sort(), rows };
        },
        (r) => JSON.stringify(r.api) === JSON.stringify(r.rows),
        60_000,
      );
      expect(seen.rows).toEqual(seen.api);
      expect(await section.first().getAttribute('data-alerts')).not.toBe('unavailable');
    }

    const path = await screenshot(page, 'console-analytics');
    expect(statSync(path).size).toBeGreaterThan(10_000);
  }, 240_000);
});
