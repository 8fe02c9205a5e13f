import { apiFetch } from './api-fetch';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { percentiles, round } from './stats';

export interface SagaBenchOptions {
  readonly httpUrl: string;
  readonly awsUrl: string;
  /** Orders offered per second, and for how long. */
  readonly ratePerSecond: number;
  readonly seconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Orders offered at a fixed rate, each followed from its 202 to CONFIRMED (request → terminal state),
 * and the state transitions of happy-path executions counted from their histories.
 */
export async function benchSaga(options: SagaBenchOptions) {
  const sku = `BENCH-SAGA-${Date.now().toString(36)}`.toUpperCase();
  await apiFetch(`${options.httpUrl}/inventory/${sku}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ available: 1_000_000 }),
  });
  const total = options.ratePerSecond * options.seconds;
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  const orderIds: string[] = [];
  const started = performance.now();

  const follow = async (i: number) => {
    await sleep((i * 1000) / options.ratePerSecond);
    const t0 = performance.now();
    const response = await apiFetch(`${options.httpUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        customerId: `bench-saga-${i % 20}`,
        items: [{ sku, quantity: 1, unitPrice: 2500 }],
        currency: 'EUR',
        paymentToken: 'tok_visa',
        shippingAddress: { line1: '1 Bench Street', city: 'Berlin', postalCode: '10115', country: 'DE' },
      }),
    });
    const { orderId } = (await response.json()) as { orderId: string };
    orderIds.push(orderId);
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const view = await apiFetch(`${options.httpUrl}/orders/${orderId}`);
      const status = view.status === 200 ? ((await view.json()) as { status: string }).status : 'PENDING';
      if (status === 'CONFIRMED' || status === 'CANCELLED') {
        outcomes[status] = (outcomes[status] ?? 0) + 1;
        if (status === 'CONFIRMED') latencies.push(performance.now() - t0);
        return;
      }
      await sleep(25);
    }
    outcomes.TIMED_OUT = (outcomes.TIMED_OUT ?? 0) + 1;
  };
  await Promise.all(Array.from({ length: total }, (_, i) => follow(i)));
  const seconds = (performance.now() - started) / 1000;

  const sfn = new SFNClient({
    endpoint: options.awsUrl,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const transitions: number[] = [];
  for (const orderId of orderIds.slice(0, 20)) {
    const { events = [] } = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn: `arn:aws:states:us-east-1:000000000000:execution:orderflow-local-order-saga:${orderId}`,
        maxResults: 1000,
      }),
    );
    transitions.push(events.filter((event) => event.type?.endsWith('StateEntered')).length);
  }
  sfn.destroy();
  return {
    offered: { ratePerSecond: options.ratePerSecond, seconds: options.seconds, orders: total },
    outcomes,
    confirmedPerSecond: round((outcomes.CONFIRMED ?? 0) / seconds),
    requestToConfirmedMs: percentiles(latencies.map((ms) => round(ms))),
    transitionsPerHappyPathOrder: { max: Math.max(...transitions), min: Math.min(...transitions) },
  };
}
