import { bearer } from '../../../src/local/auth/dev-token';
import { isTransientServerAnswer } from '../../../src/local/offline-answers';
import { eventually, validOrder } from '../../support/api';
import { startCli } from '../../support/cli';
import { freePort } from '../../support/ports';

/**
 * One request to the stack's HTTP API, sent again while it answers a transient 5xx: a cold function on a
 * busy machine can time out (504) or be unavailable (503). Only for requests that are safe to repeat.
 */
async function sendRetrying(url: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
  for (let attempt = 1; ; attempt += 1) {
    const response = await fetch(url, init);
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // left as text so a failure can show what came back
    }
    const answer = { status: response.status, body };
    if (!isTransientServerAnswer(answer) || attempt >= 5) return answer;
    await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
  }
}

const jsonLines = (chunks: readonly string[]): Record<string, unknown>[] =>
  chunks
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });

describe('npm start shows the functions’ structured logs', () => {
  it('POST /orders prints, on standard error, JSON log lines and an EMF blob carrying the new order id', async () => {
    const httpPort = await freePort();
    const cli = await startCli({
      ORDERFLOW_HTTP_PORT: String(httpPort),
      ORDERFLOW_AWS_PORT: String(await freePort()),
      ORDERFLOW_LAMBDA_PORT: String(await freePort()),
      ORDERFLOW_PAYMENTS_PORT: String(await freePort()),
      // Kafka too: a running `npm start` (or another test's stack) may hold 9092.
      ORDERFLOW_KAFKA_PORT: String(await freePort()),
    });
    try {
      // Orders are priced from the catalogue: this stack's SKUs get their prices first.
      const order = validOrder();
      const orderLines = order.items as { sku: string; unitPrice: number }[];
      for (const line of orderLines) {
        // PUT is absolute: sending it again is safe
        const stocked = await sendRetrying(`http://127.0.0.1:${httpPort}/inventory/${line.sku}`, {
          method: 'PUT',
          headers: {
            'content-type': 'application/json',
            authorization: bearer({ role: 'admin', subject: 'observability-test' }),
          },
          body: JSON.stringify({ available: 10, unitPrice: line.unitPrice, currency: order.currency }),
        });
        expect(stocked).toMatchObject({ status: 200 });
      }
      // the Idempotency-Key makes a retry answer with the order the first attempt placed, if it did
      const response = await sendRetrying(`http://127.0.0.1:${httpPort}/orders`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: bearer({ role: 'admin', subject: 'observability-test' }),
          'idempotency-key': `observability-${process.pid}-${Date.now().toString(36)}`,
        },
        body: JSON.stringify(order),
      });
      expect(response).toMatchObject({ status: 202, body: { orderId: expect.any(String) } });
      const { orderId } = response.body as { orderId: string };

      const lines = await eventually(
        async () => jsonLines(cli.stderr),
        (found) =>
          found.some((line) => line.message === 'request handled' && line.correlation_id === orderId) &&
          found.some((line) => '_aws' in line && line.OrdersPlaced === 1 && line.orderId === orderId),
        60_000,
      );
      expect(lines.find((line) => line.message === 'order placed')).toMatchObject({
        level: 'INFO',
        service: 'orderflow',
        correlation_id: orderId,
        function_name: 'orderflow-local-placeOrder',
      });
      // Standard output stays the one ready line.
      expect(cli.stdoutLines.filter((line) => line.trim() !== '')).toEqual([cli.readyLine]);
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exit;
    }
  }, 240_000);
});
