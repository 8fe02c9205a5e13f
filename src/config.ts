import * as t from 'io-ts';
import * as E from 'fp-ts/Either';

/*
 * Every setting a function reads from its environment, decoded once with io-ts. The values (and their
 * defaults, per stage) live in serverless.yml and functions/*.yml; none is repeated here. A function
 * gets only the settings its own definition names, so each is decoded on its first use in a container
 * (the cold start) and a missing or malformed one fails there with its name.
 */

const text = (name: string, ok: (s: string) => boolean) =>
  new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && ok(u),
    (u, c) => (typeof u === 'string' && ok(u) ? t.success(u) : t.failure(u, c)),
    t.identity,
  );

const integerFromString = (name: string, min: number) =>
  new t.Type<number, string, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isSafeInteger(u) && u >= min,
    (u, c) => {
      const n = typeof u === 'string' && /^\d+$/.test(u.trim()) ? Number(u) : NaN;
      return Number.isSafeInteger(n) && n >= min ? t.success(n) : t.failure(u, c);
    },
    String,
  );

/** A comma-separated list (blanks dropped); an empty string is the empty list. */
const listFromString = new t.Type<readonly string[], string, unknown>(
  'comma-separated list',
  (u): u is readonly string[] => Array.isArray(u) && u.every((s) => typeof s === 'string'),
  (u, c) =>
    typeof u === 'string'
      ? t.success(
          u
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        )
      : t.failure(u, c),
  (list) => list.join(','),
);

/** A whole percentage, 0 to 100. */
const percent = new t.Type<number, string, unknown>(
  'an integer percentage from 0 to 100',
  (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= 0 && u <= 100,
  (u, c) => {
    const n = typeof u === 'string' && /^\d+$/.test(u.trim()) ? Number(u) : NaN;
    return Number.isInteger(n) && n <= 100 ? t.success(n) : t.failure(u, c);
  },
  String,
);

const name = text('a non-empty name', (s) => s.trim().length > 0);
const url = text('an http(s) URL', (s) => /^https?:\/\/[^\s]+$/.test(s));
const arn = text('an ARN', (s) => s.startsWith('arn:'));

/** The shortest stack secret accepted: 32 characters, enough entropy for HMAC-SHA256 and AES-256 keys. */
export const MIN_APP_SECRET_LENGTH = 32;

export const SETTINGS = {
  EVENT_STORE_TABLE: name,
  READ_MODEL_TABLE: name,
  IDEMPOTENCY_TABLE: name,
  INVENTORY_TABLE: name,
  NOTIFICATIONS_TABLE: name,
  REVIEWS_TABLE: name,
  EVENT_BUS_NAME: name,
  NOTIFICATIONS_TOPIC_ARN: arn,
  STATE_MACHINE_ARN: arn,
  NOTIFICATION_CHANNEL: t.keyof({ 'customer-email': null, 'ops-alert': null }, 'customer-email or ops-alert'),
  /** The stack's secret (`appSecret` parameter): page tokens and payment-method references derive keys from it. */
  APP_SECRET: text(`at least ${MIN_APP_SECRET_LENGTH} characters`, (s) => s.length >= MIN_APP_SECRET_LENGTH),
  PAYMENT_PROVIDER_URL: url,
  PAYMENT_TIMEOUT_MS: integerFromString('a positive integer (milliseconds)', 1),
  REVIEW_THRESHOLD_MINOR: integerFromString('a non-negative integer (minor units)', 0),
  REVIEW_TIMEOUT_SECONDS: integerFromString('a positive integer (seconds)', 1),
  SHIPPING_TIMEOUT_SECONDS: integerFromString('a positive integer (seconds)', 1),
  UNSERVED_COUNTRIES: listFromString,
  ANALYTICS_TABLE: name,
  /** Events this much later than the newest one seen still land in their minute; later ones count as late. */
  ANALYTICS_ALLOWED_LATENESS_SECONDS: integerFromString('a non-negative integer (seconds)', 0),
  /** The anomaly scorer's SageMaker endpoint (serverless.yml `anomalyEndpointName`, per stage). */
  ANOMALY_ENDPOINT_NAME: text('a SageMaker endpoint name (letters, digits, hyphens; at most 63)', (s) =>
    /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/.test(s),
  ),
  /** The currency the anomaly model scores revenue in (serverless.yml `anomalyCurrency`, per stage). */
  ANOMALY_CURRENCY: text('an ISO 4217 currency code (three capital letters)', (s) => /^[A-Z]{3}$/.test(s)),
  // The alert rules' thresholds (src/domain/analytics/rules, docs/analytics.md "Alerts"), per stage.
  ALERT_VELOCITY_WINDOW_SECONDS: integerFromString('a positive integer (seconds)', 1),
  ALERT_VELOCITY_MAX_ORDERS: integerFromString('a non-negative integer (orders)', 0),
  ALERT_VELOCITY_MAX_TOTAL_MINOR: integerFromString('a non-negative integer (minor units)', 0),
  ALERT_DECLINE_WINDOW_SECONDS: integerFromString('a positive integer (seconds)', 1),
  ALERT_DECLINE_MAX_RATE_PERCENT: percent,
  ALERT_DECLINE_MIN_ATTEMPTS: integerFromString('a positive integer (attempts)', 1),
  ALERT_STUCK_ORDER_SECONDS: integerFromString('a positive integer (seconds)', 1),
  ALERT_REVIEW_MAX_WAITING: integerFromString('a non-negative integer (orders)', 0),
  ALERT_REVIEW_SLA_SECONDS: integerFromString('a positive integer (seconds)', 1),
} as const;

export type SettingName = keyof typeof SETTINGS;
export type Settings = { readonly [K in SettingName]: t.TypeOf<(typeof SETTINGS)[K]> };

/** Settings missing or malformed, each named with what it should be: thrown at the function's cold start. */
export class InvalidSettingsError extends Error {
  override readonly name = 'InvalidSettingsError';

  constructor(readonly problems: readonly { readonly setting: SettingName; readonly problem: string }[]) {
    super(
      `Invalid configuration: ${problems.map(({ setting, problem }) => `${setting} ${problem}`).join('; ')}`,
    );
  }
}

/** Decodes the named settings from `env`, reporting every missing or malformed one at once. */
export function decodeSettings<K extends SettingName>(
  names: readonly K[],
  env: Readonly<Record<string, string | undefined>>,
): Pick<Settings, K> {
  const problems: { setting: SettingName; problem: string }[] = [];
  const values: Partial<Record<K, unknown>> = {};
  for (const setting of names) {
    const raw = env[setting];
    if (raw === undefined) {
      problems.push({ setting, problem: 'is not set' });
      continue;
    }
    const codec = SETTINGS[setting] as t.Type<unknown, unknown, unknown>;
    const decoded = codec.decode(raw);
    if (E.isLeft(decoded)) {
      // A secret's value is never echoed; other settings show what was given.
      const given = setting === 'APP_SECRET' ? '' : ` (got ${JSON.stringify(raw)})`;
      problems.push({ setting, problem: `must be ${codec.name}${given}` });
    } else {
      values[setting] = decoded.right;
    }
  }
  if (problems.length > 0) throw new InvalidSettingsError(problems);
  return values as Pick<Settings, K>;
}

const decoded = new Map<SettingName, unknown>();

/** One setting of this function's environment, decoded on first use and kept for the container's life. */
export function setting<K extends SettingName>(key: K): Settings[K] {
  if (!decoded.has(key)) decoded.set(key, decodeSettings([key], process.env)[key]);
  return decoded.get(key) as Settings[K];
}
