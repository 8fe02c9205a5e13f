/** Where the offline stack listens; every port can be moved with an environment variable. */
export interface StackConfig {
  readonly host: '127.0.0.1';
  readonly httpPort: number;
  readonly awsPort: number;
  readonly lambdaPort: number;
  /** The payment provider simulator. */
  readonly paymentsPort: number;
  /** The Kafka-protocol broker (src/local/kafka); when absent, any free port. */
  readonly kafkaPort?: number;
  readonly region: string;
  readonly stage: string;
  readonly dataDir?: string;
  /** Execution environments one function may run at once, unless its template reserves concurrency. */
  readonly functionConcurrency: number;
  /** ORDERFLOW_NO_AUTH=true: HTTP requests without a token run as the local operator. */
  readonly noAuth: boolean;
  /** ORDERFLOW_CONSOLE_ORIGINS: browser origins allowed to call the HTTP API besides its own. */
  readonly consoleOrigins: readonly string[];
  /**
   * ORDERFLOW_REVIEW_TIMEOUT_SECONDS: how long the saga waits for a reviewer; unset, the local stage's
   * default (minutes, for a person). Tests set seconds.
   */
  readonly reviewTimeoutSeconds?: number;
  /**
   * How many times faster than real time EventBridge schedule rules run (default 1, what `npm start` uses).
   * Set only by test stacks, so that `rate(1 minute)` ticks every second; never read from the environment.
   */
  readonly scheduleTimeScale?: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const port = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new ConfigError(`${name} must be a port number (0-65535), got "${raw}"`);
  }
  return value;
};

/**
 * Enough for the saga's steps to overlap on a two-core machine without every function holding
 * a dozen initialised workers (each is a V8 isolate of its own); see docs/performance.md.
 */
export const DEFAULT_FUNCTION_CONCURRENCY = 4;

const positiveInteger = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(`${name} must be a whole number of at least 1, got "${raw}"`);
  }
  return value;
};

const flag = (env: NodeJS.ProcessEnv, name: string): boolean => {
  const raw = env[name] ?? '';
  if (raw !== '' && raw !== 'true' && raw !== 'false') {
    throw new ConfigError(`${name} must be true or false, got "${raw}"`);
  }
  return raw === 'true';
};

/** A comma-separated list of exact web origins (`http://localhost:5173`): scheme, host and port only. */
const origins = (env: NodeJS.ProcessEnv, name: string): string[] =>
  (env[name] ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '')
    .map((origin) => {
      let parsed: URL | undefined;
      try {
        parsed = new URL(origin);
      } catch {
        // reported below
      }
      if (!parsed || parsed.origin !== origin || !/^https?:$/.test(parsed.protocol)) {
        throw new ConfigError(`${name} must list web origins like http://localhost:5173, got "${origin}"`);
      }
      return origin;
    });

export function stackConfigFromEnv(env: NodeJS.ProcessEnv, dataDir?: string): StackConfig {
  return {
    host: '127.0.0.1',
    httpPort: port(env, 'ORDERFLOW_HTTP_PORT', 3000),
    awsPort: port(env, 'ORDERFLOW_AWS_PORT', 4566),
    lambdaPort: port(env, 'ORDERFLOW_LAMBDA_PORT', 3002),
    paymentsPort: port(env, 'ORDERFLOW_PAYMENTS_PORT', 4010),
    kafkaPort: port(env, 'ORDERFLOW_KAFKA_PORT', 9092),
    region: env.AWS_REGION ?? 'us-east-1',
    stage: env.ORDERFLOW_STAGE ?? 'local',
    dataDir,
    functionConcurrency: positiveInteger(env, 'ORDERFLOW_FUNCTION_CONCURRENCY', DEFAULT_FUNCTION_CONCURRENCY),
    noAuth: flag(env, 'ORDERFLOW_NO_AUTH'),
    consoleOrigins: origins(env, 'ORDERFLOW_CONSOLE_ORIGINS'),
    ...(env.ORDERFLOW_REVIEW_TIMEOUT_SECONDS
      ? { reviewTimeoutSeconds: positiveInteger(env, 'ORDERFLOW_REVIEW_TIMEOUT_SECONDS', 1) }
      : {}),
  };
}
