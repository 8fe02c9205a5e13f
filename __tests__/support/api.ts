import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { bearer } from '../../src/local/auth/dev-token';
import { isTransientServerAnswer } from '../../src/local/offline-answers';
import { dynamoDb, stackUrls } from './stack';

export interface ApiResult<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

// Tests act as an operator (both scopes) unless they say otherwise; the authorization tests do.
let operatorAuthorization: string | undefined;
const operator = () => (operatorAuthorization ??= bearer({ role: 'admin', subject: 'test-operator' }));

/**
 * One HTTP call to the offline API; the body comes back parsed when it is JSON. It carries an
 * operator's bearer token unless `headers.authorization` is given (`null` sends none).
 */
export async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: {
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
    authorization?: string | null;
  } = {},
): Promise<ApiResult<T>> {
  const hasBody = options.body !== undefined || options.rawBody !== undefined;
  const authorization = options.authorization === undefined ? operator() : options.authorization;
  const response = await fetch(`${stackUrls().http}${path}`, {
    method,
    headers: {
      ...(hasBody && options.rawBody === undefined ? { 'content-type': 'application/json' } : {}),
      ...(authorization === null ? {} : { authorization }),
      ...options.headers,
    },
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // left as text so a test can show what came back
  }
  return { status: response.status, headers: response.headers, body: body as T };
}

let customerSeq = 0;
/** A customer id no other test uses, so list queries see only this test's orders. */
export const uniqueCustomer = (prefix = 'cust'): string =>
  `${prefix}-${process.pid}-${Date.now().toString(36)}-${(customerSeq += 1)}`;

/**
 * Sets a SKU's stock (and price) with `PUT /inventory/{sku}` until its view comes back. A busy machine
 * can time a cold function out, which the offline HTTP API answers 504 as API Gateway does; the PUT is
 * absolute, so sending it again is safe.
 */
export async function setStock(
  sku: string,
  level: { available: number; unitPrice?: number; currency?: string },
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const response = await api<{ sku?: string }>('PUT', `/inventory/${sku}`, { body: level });
    if (response.status === 200 && response.body?.sku === sku) return;
    if (!isTransientServerAnswer(response) || attempt >= 5) {
      throw new RangeError(
        `PUT /inventory/${sku} answered ${response.status}: ${JSON.stringify(response.body)}`,
      );
    }
    await sleep(500 * attempt);
  }
}

/**
 * The catalogue every test stack starts with (set by the global setup): the SKUs of `validOrder`, priced
 * and never stocked, so an order of them is placed and then cancelled OUT_OF_STOCK.
 */
export const DEFAULT_CATALOGUE = [
  { sku: 'SKU-RED', available: 0, unitPrice: 1250, currency: 'EUR' },
  { sku: 'SKU-BLUE', available: 0, unitPrice: 999, currency: 'EUR' },
] as const;

/** A valid order of the DEFAULT_CATALOGUE's SKUs, quoting their catalogue prices. */
export const validOrder = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  customerId: uniqueCustomer(),
  items: [
    { sku: 'SKU-RED', quantity: 2, unitPrice: 1250 },
    { sku: 'SKU-BLUE', quantity: 1, unitPrice: 999 },
  ],
  currency: 'EUR',
  paymentToken: 'tok_visa',
  shippingAddress: { line1: '1 Main Street', city: 'Berlin', postalCode: '10115', country: 'DE' },
  ...overrides,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let placeSeq = 0;
/**
 * Places an order as a well-behaved client does: with an Idempotency-Key, retrying a transient
 * server failure with the same key (so a retry can never place a second order). Fails loudly on
 * any answer but 202, so a test's setup cannot silently go on with no order.
 */
export async function placeOrder(body: Record<string, unknown> = validOrder()): Promise<string> {
  const key = `test-${process.pid}-${Date.now().toString(36)}-${(placeSeq += 1)}`;
  let result: ApiResult<{ orderId?: string }> = { status: 0, headers: new Headers(), body: {} };
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    result = await api<{ orderId?: string }>('POST', '/orders', {
      body,
      headers: { 'idempotency-key': key },
    });
    if (!isTransientServerAnswer(result)) break;
    await sleep(500 * attempt);
  }
  if (result.status !== 202 || typeof result.body?.orderId !== 'string') {
    throw new RangeError(`POST /orders answered ${result.status}: ${JSON.stringify(result.body)}`);
  }
  return result.body.orderId;
}

/**
 * Polls until `accept` holds (eventual consistency of projections), failing with the last value seen.
 * The default wait is generous because a shared CI machine can lag a projection by several seconds.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!accept(last)) {
    if (Date.now() > deadline) {
      throw new RangeError(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    }
    await sleep(100);
    last = await read();
  }
  return last;
}

/**
 * What POST /orders writes: new order streams (their version 1) and idempotency claims. Sagas append
 * to existing streams meanwhile, so whole-table counts would move without any request writing.
 */
export async function placeOrderWrites(): Promise<{ orders: number; idempotencyKeys: number }> {
  const client = dynamoDb();
  const count = async (input: ConstructorParameters<typeof ScanCommand>[0]) => {
    let total = 0;
    let startKey: Record<string, never> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ ...input, Select: 'COUNT', ExclusiveStartKey: startKey }),
      );
      total += page.Count ?? 0;
      startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (startKey);
    return total;
  };
  try {
    return {
      orders: await count({
        TableName: LOCAL_TABLES.eventStore,
        FilterExpression: 'version = :first',
        ExpressionAttributeValues: { ':first': { N: '1' } },
      }),
      idempotencyKeys: await count({ TableName: LOCAL_TABLES.idempotency }),
    };
  } finally {
    client.destroy();
  }
}

export const LOCAL_TABLES = {
  eventStore: 'orderflow-local-event-store',
  readModel: 'orderflow-local-read-model',
  idempotency: 'orderflow-local-idempotency',
} as const;
