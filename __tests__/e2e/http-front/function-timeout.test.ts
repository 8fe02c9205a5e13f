import { bearer } from '../../../src/local/auth/dev-token';
import { stackConfigOnFreePorts } from '../../../src/local/free-ports';
import { startStack, type RunningStack } from '../../../src/local/stack';
import { validOrder } from '../../support/api';

/**
 * Issue 11, "A timed-out request is an error": serverless-offline answers a function that ran past its
 * timeout with 200 and Lambda's error payload, so a client takes a failed POST /orders for a success.
 * Offline, the HTTP front answers it as API Gateway does: a 5xx with a JSON message.
 *
 * The trigger is honest and lives outside product code: this file starts its own stack in which
 * placeOrder's offline timeout is 1 ms (StartOptions.functionTimeoutsMs; never in the template), so
 * the real handler really runs past it and serverless-offline really times it out. The shared stack
 * keeps the template's timeouts, so no other test is affected.
 */
describe('a function that runs past its timeout, through the HTTP API', () => {
  let stack: RunningStack;

  beforeAll(async () => {
    stack = await startStack(await stackConfigOnFreePorts(), { functionTimeoutsMs: { placeOrder: 1 } });
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 504 with API Gateway’s JSON message, never 200', async () => {
    const customerId = 'cust-timeout';
    const response = await fetch(`${stack.httpUrl}/orders`, {
      method: 'POST',
      headers: {
        authorization: bearer({ role: 'customer', subject: customerId }),
        'content-type': 'application/json',
        'idempotency-key': 'timeout-1',
      },
      body: JSON.stringify(validOrder({ customerId })),
    });
    expect({ status: response.status, body: await response.json() }).toEqual({
      status: 504,
      body: { message: 'Endpoint request timed out' },
    });
    expect(response.headers.get('content-type')).toBe('application/json');
  });

  it('keeps answering the routes whose functions finish in time', async () => {
    const response = await fetch(`${stack.httpUrl}/health`);
    expect({ status: response.status, body: await response.json() }).toEqual({
      status: 200,
      body: { status: 'ok' },
    });
  });
});
