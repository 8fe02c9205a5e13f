import { api, eventually, placeOrder, uniqueCustomer, validOrder } from '../../support/api';

/*
 * Security review, issue 12 item 3: a page token the server did not issue for this query reached
 * DynamoDB as ExclusiveStartKey and came back as 500 INTERNAL_ERROR. Any such token is now a 400 naming
 * `nextToken`; a token issued for one customer's list does not page another's.
 */

interface ErrorBody {
  error: { code: string; message: string; details: { path: string; rule: string }[] };
}
interface Page {
  items: { orderId: string }[];
  nextToken?: string;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const list = (customerId: string, nextToken: string) =>
  api<Page & ErrorBody>(
    'GET',
    `/orders?customerId=${customerId}&limit=1&nextToken=${encodeURIComponent(nextToken)}`,
  );

describe('GET /orders?nextToken= accepts only tokens it issued for the query', () => {
  const alice = uniqueCustomer('tokens-a');
  const bob = uniqueCustomer('tokens-b');
  let aliceToken: string;
  let aliceOrders: string[];

  beforeAll(async () => {
    aliceOrders = [
      await placeOrder(validOrder({ customerId: alice })),
      await placeOrder(validOrder({ customerId: alice })),
    ];
    await placeOrder(validOrder({ customerId: bob }));
    await placeOrder(validOrder({ customerId: bob }));
    for (const customerId of [alice, bob]) {
      await eventually(
        () => api<Page>('GET', `/orders?customerId=${customerId}`),
        (r) => r.status === 200 && r.body.items.length === 2,
      );
    }
    const first = await api<Page>('GET', `/orders?customerId=${alice}&limit=1`);
    expect(first.body.nextToken).toEqual(expect.any(String));
    aliceToken = first.body.nextToken as string;
  });

  it('pages on with a token it issued', async () => {
    const second = await list(alice, aliceToken);
    expect(second.status).toBe(200);
    expect(second.body.items.map((o) => o.orderId)).toEqual([aliceOrders[0]]);
  });

  const forged = (): [string, () => string][] => [
    [
      'a base64 key naming another customer',
      () => b64({ orderId: aliceOrders[0], customerId: alice, placedAt: new Date().toISOString() }),
    ],
    ['a base64 key with empty fields', () => b64({ orderId: '', customerId: '', placedAt: '' })],
    ['a base64 key of the wrong types', () => b64({ orderId: 1, customerId: bob, placedAt: null })],
    ['a base64 JSON array', () => b64([1, 2, 3])],
    ['plain garbage', () => 'garbage'],
    [
      'an issued token with its payload changed',
      () => {
        const [version, payload, mac] = aliceToken.split('.');
        const key = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<
          string,
          unknown
        >;
        return [version, b64({ ...key, customerId: bob }), mac].join('.');
      },
    ],
    ['an issued token with its signature cut off', () => aliceToken.split('.').slice(0, 2).join('.')],
    ['the token issued for another customer’s list', () => aliceToken],
  ];

  it.each(forged())('answers 400 VALIDATION_FAILED on nextToken for %s, never 500', async (_name, token) => {
    const response = await list(bob, token());
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details.map(({ path, rule }) => [path, rule])).toEqual([
      ['nextToken', 'token'],
    ]);
  });
});
