import {
  chartData,
  formatMoney,
  formatMs,
  formatPercent,
  mergeAlerts,
  metricsQuery,
  rangeTotals,
  selectionOf,
  selectionQuery,
  type Alert,
  type MetricsView,
} from '../../../src/local/console/app/analytics-data';
import { alertsHtml, summaryHtml, topSkusHtml } from '../../../src/local/console/app/analytics-view';

const view = (end: string, over: Partial<MetricsView> = {}): MetricsView => ({
  window: '1m',
  start: new Date(Date.parse(end) - 60_000).toISOString(),
  end,
  placed: 0,
  confirmed: 0,
  cancelled: { total: 0, byReason: {} },
  conversion: null,
  revenue: {},
  topSkus: [],
  sagaDuration: { count: 0, p50Ms: null, p95Ms: null, p99Ms: null },
  late: 0,
  ...over,
});

const alert = (alertId: string, raisedAt: string, over: Partial<Alert> = {}): Alert => ({
  alertId,
  ruleId: 'payment-decline-burst',
  severity: 'warning',
  subject: 'payments',
  summary: 'many declines',
  evidence: [],
  window: { start: raisedAt, end: raisedAt },
  raisedAt,
  clearedAt: null,
  ...over,
});

describe('the Analytics page shapes the metrics', () => {
  const views = [
    view('2025-01-01T10:01:00.000Z', {
      placed: 4,
      confirmed: 2,
      cancelled: { total: 1, byReason: { PAYMENT_DECLINED: 1 } },
      conversion: 0.5,
      revenue: { EUR: 2500, JPY: 1200 },
      topSkus: [
        { sku: 'SKU-A', quantity: 3 },
        { sku: 'SKU-B', quantity: 1 },
      ],
      sagaDuration: { count: 3, p50Ms: 800, p95Ms: 1500, p99Ms: 1900 },
      late: 1,
    }),
    view('2025-01-01T10:02:00.000Z'),
    view('2025-01-01T10:03:00.000Z', {
      placed: 2,
      confirmed: 1,
      cancelled: { total: 2, byReason: { OUT_OF_STOCK: 1, PAYMENT_DECLINED: 1 } },
      conversion: 0.5,
      revenue: { EUR: 1000 },
      topSkus: [
        { sku: 'SKU-B', quantity: 4 },
        { sku: 'SKU-C', quantity: 3 },
      ],
    }),
  ];

  it('totals a range from its tumbling minutes: counts, reasons, conversion, revenue and top SKUs', () => {
    expect(rangeTotals(views)).toEqual({
      placed: 6,
      confirmed: 3,
      cancelled: 3,
      cancelledByReason: [
        { reason: 'PAYMENT_DECLINED', count: 2 },
        { reason: 'OUT_OF_STOCK', count: 1 },
      ],
      conversion: 0.5,
      revenue: [
        { currency: 'EUR', minor: 3500 },
        { currency: 'JPY', minor: 1200 },
      ],
      topSkus: [
        { sku: 'SKU-B', quantity: 5 },
        { sku: 'SKU-A', quantity: 3 },
        { sku: 'SKU-C', quantity: 3 },
      ],
      late: 1,
    });
    expect(rangeTotals(views, 1).topSkus).toEqual([{ sku: 'SKU-B', quantity: 5 }]);
    expect(rangeTotals([]).conversion).toBeNull();
  });

  it('gives uPlot one x per view (seconds) and aligned series, null where a window has nothing', () => {
    const data = chartData(views);
    const x = [1735725660, 1735725720, 1735725780];
    expect(data.orders).toEqual([x, [4, 0, 2], [2, 0, 1], [1, 0, 2]]);
    expect(data.conversion).toEqual([x, [50, null, 50]]);
    // Revenue in major units: JPY has no minor unit.
    expect(data.revenue).toEqual({ currencies: ['EUR', 'JPY'], data: [x, [25, 0, 10], [1200, 0, 0]] });
    expect(data.sagaDuration).toEqual([x, [800, null, null], [1500, null, null], [1900, null, null]]);
  });

  it('formats money by the currency, ratios as percent and durations in ms or s', () => {
    expect(formatMoney(123456, 'EUR')).toBe('1234.56 EUR');
    expect(formatMoney(1200, 'JPY')).toBe('1200 JPY');
    expect(formatMoney(1234, 'not a currency')).toBe('12.34 not a currency');
    expect(formatPercent(0.6667)).toBe('66.7 %');
    expect(formatPercent(null)).toBe('–');
    expect(formatMs(840.4)).toBe('840 ms');
    expect(formatMs(12_345)).toBe('12.3 s');
    expect(formatMs(null)).toBe('–');
  });

  it('reads the selection from the location, falling back to 1-minute views of the last hour', () => {
    expect(selectionOf(new URLSearchParams('window=5m&range=6h&refresh=off'))).toEqual({
      window: '5m',
      range: '6h',
      autoRefresh: false,
    });
    expect(selectionOf(new URLSearchParams('window=2m&range=<x>'))).toEqual({
      window: '1m',
      range: '1h',
      autoRefresh: true,
    });
    expect(selectionQuery({ window: '15m', range: '15m', autoRefresh: false })).toBe(
      'window=15m&range=15m&refresh=off',
    );
    expect(metricsQuery('5m', '15m', Date.parse('2025-01-01T10:15:00.000Z'))).toBe(
      'window=5m&from=2025-01-01T10%3A00%3A00.000Z&to=2025-01-01T10%3A15%3A00.000Z',
    );
  });

  it('lists open and recent alerts once each, newest first, a cleared copy winning over an open one', () => {
    const open = [alert('a1', '2025-01-01T09:00:00Z'), alert('a3', '2025-01-01T10:05:00Z')];
    const recent = [
      alert('a3', '2025-01-01T10:05:00Z', { clearedAt: '2025-01-01T10:07:00Z' }),
      alert('a2', '2025-01-01T10:01:00Z', { clearedAt: '2025-01-01T10:02:00Z' }),
    ];
    const merged = mergeAlerts(open, recent);
    expect(merged.map((a) => [a.alertId, a.clearedAt])).toEqual([
      ['a3', '2025-01-01T10:07:00Z'],
      ['a2', '2025-01-01T10:02:00Z'],
      ['a1', null],
    ]);
  });
});

describe('the Analytics page markup', () => {
  const markup = '<img id=x src=x onerror=alert(1)>';

  it('escapes every alert field and highlights the open ones', () => {
    const { markup: out } = alertsHtml({
      kind: 'list',
      more: false,
      alerts: [
        alert('a1', '2025-01-01T10:00:00Z', {
          subject: markup,
          summary: markup,
          ruleId: markup,
          severity: `critical" onclick="x`,
          evidence: [markup],
        }),
        alert('a2', '2025-01-01T09:00:00Z', { clearedAt: '2025-01-01T09:30:00Z' }),
      ],
    });
    expect(out).not.toContain('<img');
    expect(out).not.toContain('" onclick="');
    expect(out).toContain('&lt;img id=x src=x onerror=alert(1)&gt;');
    expect(out).toContain('data-open="1"');
    expect(out).toMatch(/<tr data-alert-id="a1" class="open">/);
    expect(out).toMatch(/<tr data-alert-id="a2" class="cleared">/);
    expect(out).toContain('<th scope="col">severity</th>');
  });

  it('says when the stack has no alerts route, and when nothing is open', () => {
    expect(alertsHtml({ kind: 'unavailable' }).markup).toContain('Alerts are not available on this stack.');
    expect(alertsHtml({ kind: 'list', alerts: [], more: false }).markup).toContain('data-alerts="none"');
    expect(alertsHtml({ kind: 'error', message: markup }).markup).toContain('&lt;img');
  });

  it('shows the placed count as text and as a data attribute, and SKUs escaped', () => {
    const totals = rangeTotals([
      view('2025-01-01T10:01:00.000Z', { placed: 7, topSkus: [{ sku: markup, quantity: 2 }] }),
    ]);
    const summary = summaryHtml(totals, '2025-01-01T09:01:00.000Z', '2025-01-01T10:01:00.000Z').markup;
    expect(summary).toContain('data-placed="7"');
    expect(summary).toMatch(/orders placed in range<\/dt>\s*<dd id="placed-in-range">7<\/dd>/);
    const skus = topSkusHtml(totals.topSkus).markup;
    expect(skus).not.toContain('<img');
    expect(skus).toContain('&lt;img');
  });
});
