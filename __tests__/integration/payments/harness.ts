import { PaymentSimulator, type PaymentSimulatorOptions } from '../../../src/local/payments/simulator';

export const FIXED_NOW = new Date('2026-11-26T12:00:00.000Z');

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Headers;
}

export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly param?: string;
  readonly declineCode?: string;
}

export const errorOf = (answer: Answer): ErrorBody => answer.body.error as ErrorBody;

/** A simulator on a free port with a fixed clock, and a thin raw-HTTP client for it. */
export async function startSimulator(options: Partial<PaymentSimulatorOptions> = {}) {
  const simulator = await PaymentSimulator.start({ port: 0, clock: () => FIXED_NOW, ...options });

  const request = async (
    method: string,
    path: string,
    init: { body?: unknown; rawBody?: string; key?: string; timeoutMs?: number } = {},
  ): Promise<Answer> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (init.key !== undefined) headers['idempotency-key'] = init.key;
    const response = await fetch(`${simulator.url}${path}`, {
      method,
      headers,
      body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
      signal: init.timeoutMs === undefined ? undefined : AbortSignal.timeout(init.timeoutMs),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>,
      headers: response.headers,
    };
  };

  return {
    simulator,
    url: simulator.url,
    request,
    post: (path: string, body?: unknown, key?: string) => request('POST', path, { body, key }),
    get: (path: string) => request('GET', path),
    authorize: (body: Record<string, unknown>, key: string) =>
      request('POST', '/v1/authorizations', { body, key }),
    close: () => simulator.close(),
  };
}

export type SimulatorHarness = Awaited<ReturnType<typeof startSimulator>>;

/** Polls until `condition` holds; the test's own timeout bounds the wait. */
export async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}
