import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import type { AlertStatus } from '../../application/analytics/alerts-store';
import { ValidationError, type FieldIssue } from '../../domain/shared/errors';
import { jsonApi } from '../http/json-api';
import { alertsStore } from '../composition-root/stores';

/** `since` when none is given: the last 24 hours. */
export const ALERTS_DEFAULT_SINCE_MS = 24 * 3600_000;
export const ALERTS_LIMIT = { min: 1, max: 500, default: 100 } as const;

export interface AlertsQueryParams {
  readonly since: string;
  readonly status: AlertStatus;
  readonly limit: number;
  readonly after?: string;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
/** The sort key a nextToken carries: `<raisedAt as toISOString>#<alertId>`. */
const ALERT_SORT_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[^\s]{1,512}$/;

/** One query parameter's codec, with the rule a structured 400 names when it fails. */
interface Param<A> {
  readonly codec: t.Type<A, unknown, unknown>;
  readonly rule: string;
  readonly message: string;
}

const dateTime: Param<number> = {
  codec: new t.Type<number, unknown, unknown>(
    'IsoDateTime',
    (u): u is number => typeof u === 'number',
    (u, c) => {
      const ms = typeof u === 'string' && ISO_DATE_TIME.test(u) ? Date.parse(u) : NaN;
      return Number.isNaN(ms) ? t.failure(u, c) : t.success(ms);
    },
    (ms) => new Date(ms).toISOString(),
  ),
  rule: 'format',
  message: 'must be an ISO 8601 date-time with an offset, e.g. 2026-01-01T00:00:00Z',
};

const status: Param<AlertStatus> = {
  codec: t.keyof({ open: null, cleared: null, all: null }),
  rule: 'oneOf',
  message: 'must be one of open, cleared, all',
};

const limit: Param<number> = {
  codec: new t.Type<number, unknown, unknown>(
    'Limit',
    (u): u is number => typeof u === 'number',
    (u, c) => {
      const n = typeof u === 'string' && /^\d{1,4}$/.test(u) ? Number(u) : NaN;
      return n >= ALERTS_LIMIT.min && n <= ALERTS_LIMIT.max ? t.success(n) : t.failure(u, c);
    },
    String,
  ),
  rule: 'range',
  message: `must be an integer from ${ALERTS_LIMIT.min} to ${ALERTS_LIMIT.max}`,
};

const nextToken: Param<string> = {
  codec: new t.Type<string, unknown, unknown>(
    'NextToken',
    (u): u is string => typeof u === 'string',
    (u, c) => {
      const key =
        typeof u === 'string' && u.length <= 1024 && /^[A-Za-z0-9_-]+$/.test(u)
          ? Buffer.from(u, 'base64url').toString('utf8')
          : '';
      return ALERT_SORT_KEY.test(key) ? t.success(key) : t.failure(u, c);
    },
    (key) => Buffer.from(key).toString('base64url'),
  ),
  rule: 'format',
  message: 'is not a nextToken this API issued',
};

/** The page token of the alert a page ended with (its sort key; it only says where to go on from). */
export const nextTokenOf = (after: string): string => nextToken.codec.encode(after) as string;

/**
 * `since` (ISO date-time, default 24 h ago), `status` open|cleared|all (default all), `limit` 1..500
 * (default 100), `nextToken`; every bad parameter is reported at once, by name.
 */
export function parseAlertsQuery(
  query: Readonly<Record<string, string | undefined>>,
  now = Date.now(),
): AlertsQueryParams {
  const issues: FieldIssue[] = [];
  const decode = <A, F>(name: string, param: Param<A>, fallback: F): A | F => {
    const raw = query[name];
    if (raw === undefined) return fallback;
    const decoded = param.codec.decode(raw);
    if (E.isRight(decoded)) return decoded.right;
    issues.push({ path: name, rule: param.rule, message: param.message });
    return fallback;
  };
  const sinceMs = decode('since', dateTime, now - ALERTS_DEFAULT_SINCE_MS);
  const parsed = {
    since: new Date(sinceMs).toISOString(),
    status: decode('status', status, 'all' as const),
    limit: decode('limit', limit, ALERTS_LIMIT.default),
    after: decode('nextToken', nextToken, undefined),
  };
  if (issues.length > 0) throw new ValidationError(issues);
  return parsed;
}

/** GET /analytics/alerts: the alerts raised since a time, newest first (admin scope). */
export const handler = jsonApi(
  async ({ query }) => {
    const { after, ...params } = parseAlertsQuery(query);
    const page = await alertsStore().alerts({ ...params, ...(after === undefined ? {} : { after }) });
    return {
      status: 200,
      body: {
        alerts: page.alerts,
        ...(page.after === undefined ? {} : { nextToken: nextTokenOf(page.after) }),
      },
    };
  },
  { withBody: false },
);
