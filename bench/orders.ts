import { apiFetch } from './api-fetch';
import { throughputSummary } from './floor';
import { measure, percentiles, round } from './stats';

export interface OrdersBenchOptions {
  readonly httpUrl: string;
  readonly operations: number;
  readonly concurrency: number;
}

const SKUS = 7;
const UNIT_PRICE = 1999;

const orderBody = (i: number) =>
  JSON.stringify({
    customerId: `bench-${i % 50}`,
    items: [{ sku: `SKU-${i % SKUS}`, quantity: 1 + (i % 3), unitPrice: UNIT_PRICE }],
    currency: 'EUR',
    paymentToken: 'tok_visa',
    shippingAddress: { line1: '1 Bench Street', city: 'Berlin', postalCode: '10115', country: 'DE' },
  });

/**
 * A burst of orders as fast as `concurrency` clients can place them (POST /orders throughput and
 * latency), the lag until each is readable, and the rate at which the whole burst reaches a terminal
 * state. These SKUs have no stock: every order is cancelled and compensated, so no payment timeout
 * under load decides the outcome.
 */
export async function benchOrders(options: OrdersBenchOptions) {
  const { operations: n, concurrency: c } = options;
  // Orders are priced from the catalogue: price the SKUs (with no stock) before the burst, uncounted.
  for (let i = 0; i < SKUS; i += 1) {
    await apiFetch(`${options.httpUrl}/inventory/SKU-${i}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ available: 0, unitPrice: UNIT_PRICE, currency: 'EUR' }),
    });
  }
  const placed: { id: string; at: number }[] = [];
  const burstStarted = performance.now();
  const postOrders = await measure(n, c, async (i) => {
    const response = await apiFetch(`${options.httpUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: orderBody(i),
    });
    const body = (await response.json()) as { orderId?: string };
    if (response.status === 202 && body.orderId) placed.push({ id: body.orderId, at: performance.now() });
    return response.status === 202;
  });

  // Projection lag: from the 202 until GET /orders/{id} serves the view, on a sample of the orders.
  const lags: number[] = [];
  let unprojected = 0;
  for (const { id, at } of placed.slice(-50)) {
    const deadline = performance.now() + 60_000;
    let seen = false;
    while (!seen && performance.now() < deadline) {
      seen = (await apiFetch(`${options.httpUrl}/orders/${id}`)).status === 200;
      if (!seen) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (seen) lags.push(performance.now() - at);
    else unprojected += 1;
  }

  // Every order also runs its saga (these SKUs have no stock, so each is cancelled and compensated):
  // the pipeline's throughput is the rate at which the whole burst reaches a terminal state.
  const terminalBy = performance.now() + 300_000;
  let pending = placed.map((p) => p.id);
  while (pending.length > 0 && performance.now() < terminalBy) {
    const still: string[] = [];
    for (const id of pending) {
      const response = await apiFetch(`${options.httpUrl}/orders/${id}`);
      const status = response.status === 200 ? ((await response.json()) as { status: string }).status : '';
      if (status !== 'CONFIRMED' && status !== 'CANCELLED') still.push(id);
    }
    pending = still;
    if (pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const burstSeconds = (performance.now() - burstStarted) / 1000;

  return {
    orderIds: placed.map((p) => p.id),
    postOrders: throughputSummary(postOrders),
    projectionLagMs: percentiles(lags.map((lag) => round(lag))),
    unprojectedWithin60s: unprojected,
    burstToTerminal: {
      orders: placed.length,
      notTerminalAfter5Min: pending.length,
      seconds: round(burstSeconds),
      ordersPerSecond: round((placed.length - pending.length) / burstSeconds),
    },
  };
}
