import { apiFetch } from './api-fetch';
import { readHistories, stepLatencies, transitionSummary } from './histories';
import { percentiles, round } from './stats';

export interface SagaBenchOptions {
  readonly httpUrl: string;
  readonly awsUrl: string;
  /** Orders offered per second, and for how long. */
  readonly ratePerSecond: number;
  readonly seconds: number;
  /** Called once the SKU is stocked, just before the first order: where the bench starts counting. */
  readonly beforeOrders?: () => Promise<unknown>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Orders offered at a fixed rate, each followed from its 202 to CONFIRMED (request → terminal state),
 * and, from their execution histories, the state transitions per order and the latency of each step.
 */
export async function benchSaga(options: SagaBenchOptions) {
  const sku = `BENCH-SAGA-${Date.now().toString(36)}`.toUpperCase();
  await apiFetch(`${options.httpUrl}/inventory/${sku}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    // Priced at what the orders quote: orders are priced from the catalogue.
    body: JSON.stringify({ available: 1_000_000, unitPrice: 2500, currency: 'EUR' }),
  });
  await options.beforeOrders?.();
  const total = options.ratePerSecond * options.seconds;
  const latencies: number[] = [];
  const postLatencies: number[] = [];
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
    postLatencies.push(performance.now() - t0);
    const { orderId } = (await response.json()) as { orderId?: string };
    if (response.status !== 202 || !orderId) {
      outcomes[`HTTP_${response.status}`] = (outcomes[`HTTP_${response.status}`] ?? 0) + 1;
      return;
    }
    orderIds.push(orderId);
    const deadline = Date.now() + 120_000;
    let pollMs = 25;
    while (Date.now() < deadline) {
      const view = await apiFetch(`${options.httpUrl}/orders/${orderId}`);
      const status = view.status === 200 ? ((await view.json()) as { status: string }).status : 'PENDING';
      if (status === 'CONFIRMED' || status === 'CANCELLED') {
        outcomes[status] = (outcomes[status] ?? 0) + 1;
        if (status === 'CONFIRMED') latencies.push(performance.now() - t0);
        return;
      }
      // Backing off from 25 ms to 500 ms: a fixed fast poll of every pending order would become the
      // load itself once orders slow down (each GET is a Lambda invocation).
      await sleep(pollMs);
      pollMs = Math.min(500, pollMs * 1.5);
    }
    outcomes.TIMED_OUT = (outcomes.TIMED_OUT ?? 0) + 1;
  };
  await Promise.all(Array.from({ length: total }, (_, i) => follow(i)));
  const seconds = (performance.now() - started) / 1000;

  // Every execution's history, read after the suite so reading it takes nothing from the load.
  const histories = await readHistories(options.awsUrl, orderIds);
  return {
    orderIds,
    offered: { ratePerSecond: options.ratePerSecond, seconds: options.seconds, orders: total },
    outcomes,
    confirmedPerSecond: round((outcomes.CONFIRMED ?? 0) / seconds),
    requestToConfirmedMs: percentiles(latencies.map((ms) => round(ms))),
    postOrderMeanMs: round(postLatencies.reduce((a, b) => a + b, 0) / Math.max(1, postLatencies.length)),
    transitionsPerOrder: transitionSummary(histories),
    stepLatencyMs: stepLatencies(histories),
  };
}
