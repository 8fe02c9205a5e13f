import { api, eventually, placeOrder, setStock, validOrder } from '../../support/api';
import { stackUrls } from '../../support/stack';
import { groupCaughtUp } from '../../support/kafka';

/**
 * Orders placed through the HTTP API reach the analytics consumer through the whole path (event store
 * stream -> publishOrderStream -> the order-events topic -> the msk event source -> analyzeOrderEvents)
 * and show in GET /analytics/metrics, counted exactly once even when the event source delivers a batch
 * twice.
 */

const CONSUMER = 'orderflow-local-analyzeOrderEvents';

interface MetricsBody {
  readonly views: { readonly topSkus: { readonly sku: string; readonly quantity: number }[] }[];
}

const control = async (operation: string, body: unknown) => {
  const response = await fetch(stackUrls().aws, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `OrderflowLocal.${operation}` },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
};

/** The quantity of `sku` over the 1-minute views of [from, now + 1 min). */
async function quantityOf(sku: string, from: Date): Promise<number> {
  const to = new Date(Date.now() + 60_000).toISOString();
  const result = await api<MetricsBody>(
    'GET',
    `/analytics/metrics?window=1m&from=${from.toISOString()}&to=${to}`,
  );
  expect(result.status).toBe(200);
  return result.body.views
    .flatMap((view) => view.topSkus)
    .filter((top) => top.sku === sku)
    .reduce((sum, top) => sum + top.quantity, 0);
}

const consumerCaughtUp = (): Promise<boolean> => groupCaughtUp('orderflow-local-analytics');

describe('analytics: order metrics from the order-events topic', () => {
  afterEach(() => control('ClearFaults', {}));

  it('counts orders placed through the API once each, even when batches are delivered twice', async () => {
    const sku = `SKU-AN${Date.now().toString(36).toUpperCase()}`;
    await setStock(sku, { available: 1000, unitPrice: 100, currency: 'EUR' });
    const from = new Date(Date.now() - 120_000);
    await control('InjectFault', { kind: 'duplicate-kafka-record', functionName: CONSUMER, count: 3 });
    for (let i = 0; i < 3; i += 1) {
      await placeOrder(validOrder({ items: [{ sku, quantity: 40, unitPrice: 100 }] }));
    }
    await eventually(
      () => quantityOf(sku, from),
      (quantity) => quantity >= 120,
      120_000,
    );
    // Once the group has committed everything, nothing more can be added: the count stays exact.
    await eventually(consumerCaughtUp, (done) => done, 120_000);
    expect(await quantityOf(sku, from)).toBe(120);
  });

  it('refuses a bad window or range with a structured 400 naming the field', async () => {
    const bad = await api<{ error: { code: string; details: { path: string; rule: string }[] } }>(
      'GET',
      '/analytics/metrics?window=2m&from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    expect(bad.body.error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'window', rule: 'oneOf' }),
        expect.objectContaining({ path: 'from', rule: 'range' }),
      ]),
    );
    const customer = await api('GET', '/analytics/metrics', { authorization: null });
    expect(customer.status).toBe(401);
  });
});
