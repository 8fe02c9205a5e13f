/**
 * The Analytics page's data: what GET /analytics/metrics and GET /analytics/alerts answer, and the
 * pure shaping of it into chart series, range totals and table rows. No DOM here, so it is unit-tested.
 */

export const WINDOW_NAMES = ['1m', '5m', '15m'] as const;
export type WindowName = (typeof WINDOW_NAMES)[number];

/** The ranges the page offers, newest data last; the query asks for the views ending in (from, to]. */
export const RANGES = { '15m': 15 * 60_000, '1h': 3600_000, '6h': 6 * 3600_000 } as const;
export type RangeName = keyof typeof RANGES;
export const RANGE_LABELS: Record<RangeName, string> = {
  '15m': 'last 15 min',
  '1h': 'last 1 h',
  '6h': 'last 6 h',
};

/** One view of GET /analytics/metrics (docs/openapi.yaml, AnalyticsMetrics). */
export interface MetricsView {
  readonly window: string;
  readonly start: string;
  readonly end: string;
  readonly placed: number;
  readonly confirmed: number;
  readonly cancelled: { readonly total: number; readonly byReason: Readonly<Record<string, number>> };
  readonly conversion: number | null;
  /** Confirmed orders' totals, in minor units, per currency. */
  readonly revenue: Readonly<Record<string, number>>;
  readonly topSkus: readonly { readonly sku: string; readonly quantity: number }[];
  readonly sagaDuration: {
    readonly count: number;
    readonly p50Ms: number | null;
    readonly p95Ms: number | null;
    readonly p99Ms: number | null;
  };
  readonly late: number;
}

export interface MetricsResponse {
  readonly window: string;
  readonly from: string;
  readonly to: string;
  readonly views: readonly MetricsView[];
}

/** One alert of GET /analytics/alerts, newest first. */
export interface Alert {
  readonly alertId: string;
  readonly ruleId: string;
  readonly severity: string;
  readonly subject: string;
  readonly summary: string;
  readonly evidence: readonly string[];
  readonly window: { readonly start: string; readonly end: string };
  readonly raisedAt: string;
  readonly clearedAt: string | null;
}

export interface AlertsResponse {
  readonly alerts: readonly Alert[];
  readonly nextToken?: string;
}

/** What the page was asked to show, read from (and written to) the location's hash query. */
export interface AnalyticsSelection {
  readonly window: WindowName;
  readonly range: RangeName;
  readonly autoRefresh: boolean;
}

const isWindow = (value: string | null): value is WindowName =>
  value !== null && (WINDOW_NAMES as readonly string[]).includes(value);
const isRange = (value: string | null): value is RangeName => value !== null && Object.hasOwn(RANGES, value);

/** Unknown or missing values fall back to the defaults: 1-minute views over the last hour, refreshing. */
export function selectionOf(params: URLSearchParams): AnalyticsSelection {
  const window = params.get('window');
  const range = params.get('range');
  return {
    window: isWindow(window) ? window : '1m',
    range: isRange(range) ? range : '1h',
    autoRefresh: params.get('refresh') !== 'off',
  };
}

export function selectionQuery(selection: AnalyticsSelection): string {
  const query = new URLSearchParams({ window: selection.window, range: selection.range });
  if (!selection.autoRefresh) query.set('refresh', 'off');
  return query.toString();
}

/** The query string of GET /analytics/metrics for a range ending now. */
export function metricsQuery(window: WindowName, range: RangeName, nowMs: number): string {
  return new URLSearchParams({
    window,
    from: new Date(nowMs - RANGES[range]).toISOString(),
    to: new Date(nowMs).toISOString(),
  }).toString();
}

/** Digits after the decimal point of a currency's minor unit (JPY 0, EUR 2); 2 for a code Intl does not know. */
export function minorDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

export const majorUnits = (minor: number, currency: string): number => minor / 10 ** minorDigits(currency);

export const formatMoney = (minor: number, currency: string): string =>
  `${majorUnits(minor, currency).toFixed(minorDigits(currency))} ${currency}`;

export const formatPercent = (ratio: number | null): string =>
  ratio === null ? '–' : `${(ratio * 100).toFixed(1)} %`;

export const formatMs = (ms: number | null): string =>
  ms === null ? '–' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;

/** Every currency that has revenue in any view, sorted, so a chart's series keep their colours. */
export const currenciesOf = (views: readonly MetricsView[]): string[] =>
  [...new Set(views.flatMap((view) => Object.keys(view.revenue)))].sort();

/** uPlot's aligned data: x (seconds, a view's end) then one array per series, null where there is nothing. */
export type Series = [number[], ...(number | null)[][]];

export interface ChartData {
  readonly orders: Series;
  readonly conversion: Series;
  readonly revenue: { readonly currencies: readonly string[]; readonly data: Series };
  readonly sagaDuration: Series;
}

/** The four charts' series: orders placed, confirmed, cancelled; conversion in %; revenue in major units; p50/p95/p99. */
export function chartData(views: readonly MetricsView[]): ChartData {
  const x = views.map((view) => Date.parse(view.end) / 1000);
  const column = <T>(read: (view: MetricsView) => T) => views.map(read);
  const currencies = currenciesOf(views);
  return {
    orders: [x, column((v) => v.placed), column((v) => v.confirmed), column((v) => v.cancelled.total)],
    conversion: [x, column((v) => (v.conversion === null ? null : v.conversion * 100))],
    revenue: {
      currencies,
      data: [
        x,
        ...currencies.map((currency) =>
          column((v) => {
            const minor = v.revenue[currency];
            return minor === undefined ? 0 : majorUnits(minor, currency);
          }),
        ),
      ],
    },
    sagaDuration: [
      x,
      column((v) => v.sagaDuration.p50Ms),
      column((v) => v.sagaDuration.p95Ms),
      column((v) => v.sagaDuration.p99Ms),
    ],
  };
}

export interface RangeTotals {
  readonly placed: number;
  readonly confirmed: number;
  readonly cancelled: number;
  readonly cancelledByReason: readonly { readonly reason: string; readonly count: number }[];
  readonly conversion: number | null;
  readonly revenue: readonly { readonly currency: string; readonly minor: number }[];
  readonly topSkus: readonly { readonly sku: string; readonly quantity: number }[];
  readonly late: number;
}

const sumInto = (into: Map<string, number>, entries: Iterable<[string, number]>) => {
  for (const [key, n] of entries) into.set(key, (into.get(key) ?? 0) + n);
};

/** Largest count first; ties by name, so the order is stable between refreshes. */
const largestFirst = (map: Map<string, number>): [string, number][] =>
  [...map.entries()].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));

/**
 * Totals over a range from its 1-minute views, which tumble (each event is in exactly one of them).
 * Sliding 5- and 15-minute views overlap, so they must not be summed: the page always totals the 1m views.
 * Top SKUs are summed from each minute's own top list, so a SKU that was never in a minute's top is missed.
 */
export function rangeTotals(oneMinuteViews: readonly MetricsView[], topCount = 10): RangeTotals {
  const reasons = new Map<string, number>();
  const revenue = new Map<string, number>();
  const skus = new Map<string, number>();
  let placed = 0;
  let confirmed = 0;
  let cancelled = 0;
  let late = 0;
  for (const view of oneMinuteViews) {
    placed += view.placed;
    confirmed += view.confirmed;
    cancelled += view.cancelled.total;
    late += view.late;
    sumInto(reasons, Object.entries(view.cancelled.byReason));
    sumInto(revenue, Object.entries(view.revenue));
    sumInto(
      skus,
      view.topSkus.map((top) => [top.sku, top.quantity]),
    );
  }
  return {
    placed,
    confirmed,
    cancelled,
    cancelledByReason: largestFirst(reasons).map(([reason, count]) => ({ reason, count })),
    conversion: placed === 0 ? null : confirmed / placed,
    revenue: [...revenue.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, minor]) => ({ currency, minor })),
    topSkus: largestFirst(skus)
      .slice(0, topCount)
      .map(([sku, quantity]) => ({ sku, quantity })),
    late,
  };
}

/**
 * The alerts to list: every open alert (however old) and every alert raised in the range, once each
 * (cleared wins when two answers disagree: clearing is the later state), newest first by the time raised.
 */
export function mergeAlerts(...lists: readonly (readonly Alert[])[]): Alert[] {
  const byId = new Map<string, Alert>();
  for (const alert of lists.flat()) {
    const seen = byId.get(alert.alertId);
    if (!seen || (seen.clearedAt === null && alert.clearedAt !== null)) byId.set(alert.alertId, alert);
  }
  return [...byId.values()].sort(
    (a, b) => b.raisedAt.localeCompare(a.raisedAt) || b.alertId.localeCompare(a.alertId),
  );
}

export const isOpen = (alert: Alert): boolean => alert.clearedAt === null;
