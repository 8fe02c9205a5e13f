import { queryMetrics } from '../../application/analytics/query-metrics';
import { WINDOWS, type WindowName } from '../../domain/analytics';
import { ValidationError, type FieldIssue } from '../../domain/shared/errors';
import { jsonApi } from '../http/json-api';
import { analyticsStore, analyticsWindowing } from '../composition-root/stores';

/** The longest range one request may ask for, and the range when none is given. */
export const METRICS_RANGE = { maxMs: 24 * 3600_000, defaultMs: 3600_000 } as const;

interface MetricsQuery {
  readonly window: WindowName;
  readonly fromMs: number;
  readonly toMs: number;
}

const isWindow = (value: string): value is WindowName => Object.hasOwn(WINDOWS, value);

/** `window=1m|5m|15m` (default 1m), `from` and `to` as ISO 8601 times (default: the last hour). */
export function parseMetricsQuery(
  query: Readonly<Record<string, string | undefined>>,
  now = Date.now(),
): MetricsQuery {
  const issues: FieldIssue[] = [];
  const window = query.window ?? '1m';
  if (!isWindow(window)) {
    issues.push({
      path: 'window',
      rule: 'oneOf',
      message: `must be one of ${Object.keys(WINDOWS).join(', ')}`,
    });
  }
  const time = (name: 'from' | 'to', fallback: number): number => {
    const raw = query[name];
    if (raw === undefined) return fallback;
    const ms = Date.parse(raw);
    if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(raw)) {
      issues.push({ path: name, rule: 'format', message: 'must be an ISO 8601 date-time' });
      return NaN;
    }
    return ms;
  };
  const toMs = time('to', now);
  const fromMs = time('from', (Number.isNaN(toMs) ? now : toMs) - METRICS_RANGE.defaultMs);
  if (!Number.isNaN(fromMs) && !Number.isNaN(toMs)) {
    if (fromMs >= toMs) issues.push({ path: 'from', rule: 'range', message: 'must be before to' });
    else if (toMs - fromMs > METRICS_RANGE.maxMs) {
      issues.push({ path: 'to', rule: 'range', message: 'must be at most 24 hours after from' });
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return { window: window as WindowName, fromMs, toMs };
}

/** GET /analytics/metrics: order metrics per event-time window, one view per minute boundary. */
export const handler = jsonApi(
  async ({ query }) => {
    const { window, fromMs, toMs } = parseMetricsQuery(query);
    const views = await queryMetrics(analyticsStore(), window, fromMs, toMs, analyticsWindowing());
    return {
      status: 200,
      body: {
        window,
        from: new Date(fromMs).toISOString(),
        to: new Date(toMs).toISOString(),
        views: views.map((view) => ({
          ...view,
          start: new Date(view.start).toISOString(),
          end: new Date(view.end).toISOString(),
        })),
      },
    };
  },
  { withBody: false },
);
