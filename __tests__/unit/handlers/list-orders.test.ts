/*
 * GET /orders?customerId=&nextToken= with its page token decoded by a codec (issue 13 item 3): a forged
 * or malformed token is still the same 400 VALIDATION_FAILED on `nextToken`, a token it issued pages on,
 * and a stored view that does not decode is a 500 that leaks nothing. The read model runs over a
 * DynamoDB client double; the tokens are the real ones.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { PageTokens } from '../../../src/adapters/dynamodb/page-token';
import { ReadModel } from '../../../src/adapters/dynamodb/read-model';

const SECRET = 'a-test-secret-of-at-least-32-characters';
const AT = '2026-11-26T09:30:00.000Z';
const ORDER_ID = '01JDQ3ZJ4X7V9G2K8M5N6P0R1S';

const mockTokens = new PageTokens(SECRET);
const mockQueries: (Record<string, unknown> | undefined)[] = [];
let mockItems: unknown[] = [];
const mockClient = {
  send: async (command: QueryCommand) => {
    mockQueries.push(command.input.ExclusiveStartKey);
    return { Items: mockItems };
  },
} as unknown as DynamoDBDocumentClient;

jest.mock('../../../src/handlers/composition-root/stores', () => ({
  pageTokens: () => mockTokens,
  orderReadModel: () => new ReadModel(mockClient, 'read-model'),
}));

// Imported after the mock (jest hoists jest.mock above these).
import { handler } from '../../../src/handlers/orders/list-orders';

const context = { awsRequestId: 'req-1' } as Context;
const key = { orderId: ORDER_ID, customerId: 'cust-42', placedAt: AT };
const view = {
  ...key,
  status: 'PENDING',
  items: [{ sku: 'SKU-1', quantity: 1, unitPrice: 1250 }],
  total: 1250,
  currency: 'EUR',
  createdAt: AT,
  updatedAt: AT,
  version: 1,
};
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token signed with the stack's key around any payload: only a bug could issue one. */
const signed = (payload: unknown) => {
  const body = b64(payload);
  const mac = (mockTokens as unknown as { mac(p: string): string }).mac(body);
  return `v1.${body}.${mac}`;
};

async function list(nextToken: string) {
  const result = await handler(
    {
      routeKey: 'GET /orders',
      rawPath: '/orders',
      headers: {},
      isBase64Encoded: false,
      queryStringParameters: { customerId: 'cust-42', nextToken },
      requestContext: {
        authorizer: {
          jwt: { claims: { sub: 'cust-42', scope: 'orderflow/orders' }, scopes: ['orderflow/orders'] },
        },
      },
    } as unknown as APIGatewayProxyEventV2,
    context,
  );
  return { status: result.statusCode, body: JSON.parse(result.body ?? '{}') as Record<string, unknown> };
}

beforeEach(() => {
  mockQueries.length = 0;
  mockItems = [view];
});

describe('GET /orders?nextToken=', () => {
  it('pages on from the key of a token it issued, and answers the stored views', async () => {
    expect(await list(mockTokens.issue(key))).toEqual({ status: 200, body: { items: [view] } });
    expect(mockQueries).toEqual([key]);
  });

  it.each<[string, () => string]>([
    ['garbage', () => 'not-a-token'],
    [
      'a payload that is not JSON',
      () => signed(key).replace(/\.[^.]+\./, `.${Buffer.from('{').toString('base64url')}.`),
    ],
    [
      'a signed payload that is not JSON',
      () => {
        const body = Buffer.from('{orderId').toString('base64url');
        return `v1.${body}.${(mockTokens as unknown as { mac(p: string): string }).mac(body)}`;
      },
    ],
    ['a signed array', () => signed([key])],
    ['a signed null', () => signed(null)],
    ['a signed key with a field too many', () => signed({ ...key, total: 1 })],
    ['a signed key without placedAt', () => signed({ orderId: ORDER_ID, customerId: 'cust-42' })],
    ['a signed key with a numeric orderId', () => signed({ ...key, orderId: 7 })],
  ])('answers %s with 400 VALIDATION_FAILED on nextToken, as before', async (_name, token) => {
    expect(await list(token())).toEqual({
      status: 400,
      body: {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'Validation failed: nextToken token',
          details: [{ path: 'nextToken', rule: 'token', message: 'is not a page token this API issued' }],
        },
      },
    });
    expect(mockQueries).toEqual([]);
  });

  it('answers a stored view that does not decode with a bare 500', async () => {
    mockItems = [{ ...view, total: 'a lot' }];
    const response = await list(mockTokens.issue(key));
    expect(response.status).toBe(500);
    expect(response.body).toEqual({
      error: { code: 'INTERNAL_ERROR', message: 'Something went wrong; quote request id req-1', details: [] },
    });
  });
});
