import { bearer } from '../../src/local/auth/dev-token';
import { stackConfigFromEnv } from '../../src/local/config';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ChaosUrls {
  readonly http: string;
  readonly aws: string;
  readonly payments: string;
  /** The Kafka-protocol broker(s), `host:port[,host:port]`: the analytics invariants read and write the topic. */
  readonly kafka: string;
}

export interface Answer<T> {
  readonly status: number;
  readonly body: T;
}

export class UnexpectedAnswerError extends Error {
  override readonly name = 'UnexpectedAnswerError';
}

export class StackNotRunningError extends Error {
  override readonly name = 'StackNotRunningError';
}

async function json<T>(url: string, init: RequestInit = {}): Promise<Answer<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = { unparsed: text };
  }
  return { status: response.status, body: body as T };
}

const TOKEN_LIFETIME_MS = 30 * 60_000;
let token: { value: string; issuedAt: number } | undefined;
/** The chaos client acts as an operator: it places orders and also stocks SKUs and answers reviews. */
const authorization = (): string => {
  if (!token || Date.now() - token.issuedAt > TOKEN_LIFETIME_MS) {
    token = { value: bearer({ role: 'admin', subject: 'chaos-operator' }), issuedAt: Date.now() };
  }
  return token.value;
};

const customerTokens = new Map<string, { value: string; issuedAt: number }>();
/** A customer's own bearer token, for what only the customer does (cancelling their order). */
export const customerAuthorization = (customerId: string): string => {
  const cached = customerTokens.get(customerId);
  if (cached && Date.now() - cached.issuedAt <= TOKEN_LIFETIME_MS) return cached.value;
  const value = bearer({ role: 'customer', subject: customerId });
  customerTokens.set(customerId, { value, issuedAt: Date.now() });
  return value;
};

/**
 * Every call to the orderflow HTTP API goes through here (so authorization lives in one place): as an
 * operator, unless `headers.authorization` is a customer's (customerAuthorization).
 */
export function api<T>(
  urls: ChaosUrls,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  return json<T>(`${urls.http}${path}`, {
    method,
    headers: {
      authorization: authorization(),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A GET that must answer 200; a busy stack gets a few more tries before the run gives up. */
export async function apiOk<T>(urls: ChaosUrls, path: string): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const { status, body } = await api<T>(urls, 'GET', path).catch(() => ({
      status: 0,
      body: undefined as T,
    }));
    if (status === 200) return body;
    if (attempt >= 6) throw new UnexpectedAnswerError(`GET ${path} answered ${status}`);
    await sleep(500 * attempt);
  }
}

/** The runtime's control API (`OrderflowLocal.<operation>`) on the local AWS endpoint. */
export const control = <T>(urls: ChaosUrls, operation: string, body: unknown = {}): Promise<Answer<T>> =>
  json<T>(urls.aws, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `OrderflowLocal.${operation}` },
    body: JSON.stringify(body),
  });

/** The payment provider simulator's own API (ledger, `/__faults`). */
export const provider = <T>(
  urls: ChaosUrls,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer<T>> =>
  json<T>(`${urls.payments}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/**
 * Where the stack is: the ORDERFLOW_CHAOS_{HTTP,AWS,PAYMENTS}_URL and ORDERFLOW_CHAOS_KAFKA_BROKERS overrides,
 * else the ports `npm start` listens on (src/local/config.ts, including its ORDERFLOW_*_PORT variables).
 */
export function stackUrls(env: NodeJS.ProcessEnv): ChaosUrls {
  const config = stackConfigFromEnv(env);
  const local = (port: number) => `http://${config.host}:${port}`;
  return {
    http: env.ORDERFLOW_CHAOS_HTTP_URL || local(config.httpPort),
    aws: env.ORDERFLOW_CHAOS_AWS_URL || local(config.awsPort),
    payments: env.ORDERFLOW_CHAOS_PAYMENTS_URL || local(config.paymentsPort),
    kafka: env.ORDERFLOW_CHAOS_KAFKA_BROKERS || `${config.host}:${config.kafkaPort ?? 9092}`,
  };
}

/** Fails with a message that says what to do when nothing answers where the stack should be. */
export async function assertStackRunning(urls: ChaosUrls): Promise<void> {
  const probes: [string, () => Promise<unknown>][] = [
    [urls.http, () => fetch(`${urls.http}/health`, { signal: AbortSignal.timeout(5_000) })],
    [urls.aws, () => control(urls, 'ListFaults')],
    [urls.payments, () => fetch(`${urls.payments}/health`, { signal: AbortSignal.timeout(5_000) })],
  ];
  const down: string[] = [];
  for (const [url, probe] of probes) await probe().catch(() => down.push(url));
  if (down.length > 0) {
    throw new StackNotRunningError(
      `nothing answers at ${down.join(', ')}: start the stack first with \`npm start\` (in another terminal), ` +
        'or point ORDERFLOW_CHAOS_HTTP_URL, ORDERFLOW_CHAOS_AWS_URL and ORDERFLOW_CHAOS_PAYMENTS_URL at a running one',
    );
  }
}

/** The bounded-concurrency map the handlers use, so the harness drives the stack with the same one. */
export { mapWithConcurrency as mapPool } from '../../src/handlers/shared/concurrency';
