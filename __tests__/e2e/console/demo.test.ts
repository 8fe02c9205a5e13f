/*
 * `npm run demo` against the shared stack: every story ends as the system promises and the run
 * says so, with a console link per order, and shows what analytics counted (issue 16).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../../src/local/template';
import { api } from '../../support/api';
import { stackUrls } from '../../support/stack';

const run = promisify(execFile);

describe('npm run demo', () => {
  it('places one order of each kind, redrives a DLQ message, shows the analytics and ends with a table of promised outcomes', async () => {
    const http = new URL(stackUrls().http);
    const { stdout } = await run(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/demo.ts'], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        ORDERFLOW_HTTP_PORT: http.port,
        ORDERFLOW_AWS_PORT: new URL(stackUrls().aws).port,
        AWS_ENDPOINT_URL: '',
      },
      timeout: 240_000,
    });
    expect(stdout).toContain('demo: all 9 stories ended as promised');
    const rows = stdout.split('\n').filter((line) => /^(ok|WRONG)\s/.test(line));
    expect(rows.map((row) => row.split(/\s{2,}/)[2])).toEqual([
      'CONFIRMED',
      'CANCELLED PAYMENT_DECLINED',
      'CANCELLED OUT_OF_STOCK',
      'CONFIRMED',
      'CONFIRMED',
      'CANCELLED REVIEW_REJECTED',
      'CANCELLED CUSTOMER_CANCELLED',
      'notification recorded',
      'counted',
    ]);
    // The analytics step: the last minutes' metrics, the alerts (or that the stack has none), the page.
    const metrics = /^ {2}(\d+) placed, (\d+) confirmed, (\d+) cancelled.*, conversion [\d.]+ %$/m.exec(
      stdout,
    );
    expect(metrics).not.toBeNull();
    const [placed, confirmed, cancelled] = (metrics ?? []).slice(1).map(Number) as [number, number, number];
    expect(placed).toBeGreaterThanOrEqual(7);
    expect(confirmed).toBeGreaterThanOrEqual(3);
    expect(cancelled).toBeGreaterThanOrEqual(4);
    const alerts = await api('GET', '/analytics/alerts?status=all&limit=1');
    expect(stdout).toMatch(
      alerts.status === 404
        ? /alerts: not available on this stack/
        : /alerts: none raised|alerts raised in the last/,
    );
    expect(stdout).toContain(`${http.origin}/console#/analytics`);
    // Each link opens an order the API knows, with the outcome the table gives it.
    const links = [...stdout.matchAll(/\/console#\/orders\/([0-9A-Z]{26})/g)].map((m) => m[1] as string);
    expect(links).toHaveLength(7);
    expect(stdout).toContain(`${http.origin}/console#/orders/`);
    const declined = rows
      .find((row) => row.includes('PAYMENT_DECLINED'))
      ?.trim()
      .split(/\s+/)
      .pop() as string;
    const { body } = await api<{ status: string; cancellationReason?: string }>('GET', `/orders/${declined}`);
    expect(body).toMatchObject({ status: 'CANCELLED', cancellationReason: 'PAYMENT_DECLINED' });
  }, 300_000);
});
