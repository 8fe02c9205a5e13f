/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import {
  chartData,
  mergeAlerts,
  metricsQuery,
  RANGES,
  rangeTotals,
  selectionOf,
  selectionQuery,
  type AlertsResponse,
  type AnalyticsSelection,
  type MetricsResponse,
  type Series,
} from './analytics-data';
import {
  alertsHtml,
  controlsHtml,
  summaryHtml,
  topSkusHtml,
  viewsTableHtml,
  type AlertsState,
} from './analytics-view';
import { api, ApiError } from './api';
import { byId, html, mount, type SafeHtml } from './html';

/** What the page borrows from the console around it. */
export interface PageContext {
  readonly root: HTMLElement;
  readonly shell: (active: string, body: SafeHtml) => SafeHtml;
  readonly wireShell: () => void;
  /** False once the person has navigated away: the page stops refreshing. */
  readonly current: () => boolean;
  readonly errorText: (error: unknown) => string;
}

/** The metrics change by the minute; every 5 s shows a new order soon without loading the API much. */
const AUTO_REFRESH_MS = 5000;
const ALERTS_LIMIT = 50;
const CHART_HEIGHT = 220;

const COLOURS = {
  placed: '#0969da',
  confirmed: '#1a7f37',
  cancelled: '#cf222e',
  conversion: '#8250df',
  p50: '#1a7f37',
  p95: '#bf8700',
  p99: '#cf222e',
  revenue: ['#0969da', '#bf8700', '#8250df', '#1a7f37', '#cf222e', '#57606a'],
};

interface ChartSpec {
  readonly id: string;
  readonly caption: (window: string) => string;
}

const CHARTS: readonly ChartSpec[] = [
  { id: 'orders', caption: (w) => `Orders per ${w} window: placed, confirmed, cancelled` },
  { id: 'conversion', caption: (w) => `Conversion per ${w} window (confirmed ÷ placed, %)` },
  { id: 'revenue', caption: (w) => `Revenue of confirmed orders per ${w} window, per currency` },
  { id: 'saga', caption: () => 'Saga duration, placed to confirmed or cancelled (p50, p95, p99)' },
];

type SeriesOptions = uPlot.Series[];

/** One uPlot chart, redrawn in place while its series stay the same and rebuilt when they change. */
class Chart {
  private plot: uPlot | undefined;
  private signature = '';
  /** The x range shown: the whole selected range, however sparse the data. */
  private xRange: [number, number] = [0, 1];

  constructor(
    private readonly host: HTMLElement,
    private readonly yAxis: uPlot.Axis,
    private readonly yRange?: uPlot.Scale['range'],
  ) {}

  draw(series: SeriesOptions, data: Series, xRange: [number, number]): void {
    this.xRange = xRange;
    const signature = series.map((s) => String(s.label)).join('|');
    if (this.plot && signature === this.signature) {
      this.plot.setData(data as uPlot.AlignedData);
      return;
    }
    this.plot?.destroy();
    this.signature = signature;
    this.plot = new uPlot(
      {
        width: this.width(),
        height: CHART_HEIGHT,
        scales: {
          x: { time: true, range: () => this.xRange },
          y: this.yRange ? { range: this.yRange } : {},
        },
        axes: [{}, this.yAxis],
        series: [{ label: 'window end' }, ...series],
        legend: { live: true },
      },
      data as uPlot.AlignedData,
      this.host,
    );
  }

  resize(): void {
    this.plot?.setSize({ width: this.width(), height: CHART_HEIGHT });
  }

  private width(): number {
    return Math.max(280, this.host.clientWidth || 480);
  }
}

const line = (label: string, stroke: string, unit = ''): uPlot.Series => ({
  label,
  stroke,
  width: 2,
  value: (_u, v) => (v === null || v === undefined ? '–' : `${Number(v.toFixed(2))}${unit}`),
});

/** GET /analytics/alerts for every open alert and every alert raised in the range; 404: not on this stack. */
async function loadAlerts(sinceIso: string, errorText: (error: unknown) => string): Promise<AlertsState> {
  try {
    const [open, recent] = await Promise.all([
      api<AlertsResponse>('GET', `/analytics/alerts?status=open&limit=${ALERTS_LIMIT}`),
      api<AlertsResponse>(
        'GET',
        `/analytics/alerts?${new URLSearchParams({ status: 'all', since: sinceIso, limit: String(ALERTS_LIMIT) })}`,
      ),
    ]);
    return {
      kind: 'list',
      alerts: mergeAlerts(open.alerts, recent.alerts),
      more: Boolean(open.nextToken ?? recent.nextToken),
    };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { kind: 'unavailable' };
    return { kind: 'error', message: errorText(error) };
  }
}

export async function analyticsPage(ctx: PageContext): Promise<void> {
  const selection = selectionOf(new URLSearchParams(location.hash.split('?')[1] ?? ''));
  mount(
    ctx.root,
    ctx.shell(
      'analytics',
      html`<h2>Analytics</h2>
        ${controlsHtml(selection)}
        <section aria-labelledby="analytics-summary-title">
          <h3 id="analytics-summary-title">In range</h3>
          <div id="analytics-summary" aria-live="polite"><p class="muted">Loading…</p></div>
        </section>
        <div class="charts" id="analytics-charts">
          ${CHARTS.map(
            (c) =>
              html`<figure class="chart" aria-labelledby="chart-${c.id}-caption">
                <figcaption id="chart-${c.id}-caption">${c.caption(selection.window)}</figcaption>
                <div
                  id="chart-${c.id}"
                  role="img"
                  aria-label="${c.caption(selection.window)}; the numbers are in the table below the charts"
                ></div>
              </figure>`,
          )}
        </div>
        <details>
          <summary>The charts' numbers, one row per window</summary>
          <div id="analytics-views"></div>
        </details>
        <div class="columns">
          <section class="narrow" aria-labelledby="analytics-skus-title">
            <h3 id="analytics-skus-title">Top SKUs</h3>
            <div id="analytics-top-skus"></div>
          </section>
          <section aria-labelledby="analytics-alerts-title">
            <h3 id="analytics-alerts-title">Alerts</h3>
            <div id="analytics-alerts"><p class="muted">Loading…</p></div>
          </section>
        </div>`,
    ),
  );
  ctx.wireShell();
  wireControls(selection);

  const host = (id: string) => byId(`chart-${id}`) as HTMLElement;
  const charts = {
    orders: new Chart(host('orders'), { label: 'orders' }),
    conversion: new Chart(
      host('conversion'),
      { label: '%', values: (_u, ticks) => ticks.map((t) => `${t} %`) },
      () => [0, 100],
    ),
    revenue: new Chart(host('revenue'), { label: 'major units' }),
    saga: new Chart(host('saga'), { label: 'ms', size: 60 }),
  };
  const resizing = new ResizeObserver(() => {
    if (!ctx.current()) {
      resizing.disconnect();
      return;
    }
    for (const chart of Object.values(charts)) chart.resize();
  });
  resizing.observe(byId('analytics-charts') as HTMLElement);

  const refresh = async () => {
    if (!ctx.current()) return;
    const now = Date.now();
    const query = (window: AnalyticsSelection['window']) =>
      api<MetricsResponse>('GET', `/analytics/metrics?${metricsQuery(window, selection.range, now)}`);
    const sinceIso = new Date(now - RANGES[selection.range]).toISOString();
    const alerts = loadAlerts(sinceIso, ctx.errorText);
    try {
      // Totals always come from the 1-minute views: the sliding 5- and 15-minute views overlap.
      const [chosen, minutes] = await Promise.all([
        query(selection.window),
        selection.window === '1m' ? undefined : query('1m'),
      ]);
      if (!ctx.current()) return;
      const totals = rangeTotals((minutes ?? chosen).views);
      const data = chartData(chosen.views);
      // The current minute's view ends after `to` (it is still filling): the x axis reaches it.
      const xRange: [number, number] = [
        Date.parse(chosen.from) / 1000,
        Math.max(Date.parse(chosen.to) / 1000, ...data.orders[0]),
      ];
      mount(byId('analytics-summary') as HTMLElement, summaryHtml(totals, chosen.from, chosen.to));
      charts.orders.draw(
        [
          line('placed', COLOURS.placed),
          line('confirmed', COLOURS.confirmed),
          line('cancelled', COLOURS.cancelled),
        ],
        data.orders,
        xRange,
      );
      charts.conversion.draw([line('conversion', COLOURS.conversion, ' %')], data.conversion, xRange);
      charts.revenue.draw(
        data.revenue.currencies.map((currency, i) =>
          line(currency, COLOURS.revenue[i % COLOURS.revenue.length] ?? '#000'),
        ),
        data.revenue.data,
        xRange,
      );
      charts.saga.draw(
        [line('p50', COLOURS.p50, ' ms'), line('p95', COLOURS.p95, ' ms'), line('p99', COLOURS.p99, ' ms')],
        data.sagaDuration,
        xRange,
      );
      mount(byId('analytics-views') as HTMLElement, viewsTableHtml(chosen.views, data.revenue.currencies));
      mount(byId('analytics-top-skus') as HTMLElement, topSkusHtml(totals.topSkus));
      mount(
        byId('analytics-updated') as HTMLElement,
        html`updated
        ${new Date(now).toLocaleTimeString()}${selection.autoRefresh ? `; every ${AUTO_REFRESH_MS / 1000} s` : ''}`,
      );
    } catch (error) {
      if (!ctx.current()) return;
      mount(
        byId('analytics-summary') as HTMLElement,
        html`<p class="error" role="alert">${ctx.errorText(error)}</p>`,
      );
    }
    const alertsState = await alerts;
    if (!ctx.current()) return;
    mount(byId('analytics-alerts') as HTMLElement, alertsHtml(alertsState));
    if (selection.autoRefresh) setTimeout(() => void refresh(), AUTO_REFRESH_MS);
  };
  await refresh();
}

/** A change of window, range or auto-refresh goes to the location, so a reload shows the same. */
function wireControls(selection: AnalyticsSelection): void {
  const go = (change: Partial<AnalyticsSelection>) => {
    location.hash = `#/analytics?${selectionQuery({ ...selection, ...change })}`;
  };
  byId<HTMLFormElement>('analytics-controls')?.addEventListener('submit', (event) => event.preventDefault());
  byId<HTMLSelectElement>('analytics-window')?.addEventListener('change', (event) =>
    go({
      window: selectionOf(new URLSearchParams({ window: (event.target as HTMLSelectElement).value })).window,
    }),
  );
  byId<HTMLSelectElement>('analytics-range')?.addEventListener('change', (event) =>
    go({
      range: selectionOf(new URLSearchParams({ range: (event.target as HTMLSelectElement).value })).range,
    }),
  );
  byId<HTMLInputElement>('analytics-refresh')?.addEventListener('change', (event) =>
    go({ autoRefresh: (event.target as HTMLInputElement).checked }),
  );
}
