import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { bearer } from '../../../src/local/auth/dev-token';
import { api, LOCAL_TABLES, placeOrder, uniqueCustomer, validOrder } from '../../support/api';
import { ledgerOf, orderReaches, stockedSku } from '../../support/saga';
import { documentClient } from '../../support/stack';

/*
 * Security review, issue 12 item 10: OrderPlaced carried the raw payment token and `GET
 * /orders/{id}/events` returned it with the full shipping address. Events now keep a payment-method
 * reference that only the payment step can use, and the events route redacts what the order view leaves
 * out, for the customer and for operators alike.
 */

const TOKEN = 'tok_mastercard';
const ADDRESS = {
  line1: '221B Privet Lane',
  line2: 'Flat 7',
  city: 'Springfield',
  postalCode: 'SP-4242',
  country: 'DE',
};

interface Envelope {
  metadata: { type: string; orderId: string };
  data: Record<string, unknown>;
}

/** Every item of the order's stream as stored in the event store table (what the outbox publishes). */
async function storedItems(orderId: string): Promise<Record<string, unknown>[]> {
  const client = documentClient();
  try {
    const { Items } = await client.send(
      new ScanCommand({
        TableName: LOCAL_TABLES.eventStore,
        FilterExpression: 'streamId = :s',
        ExpressionAttributeValues: { ':s': `order#${orderId}` },
      }),
    );
    return Items ?? [];
  } finally {
    client.destroy();
  }
}

describe('payment tokens and addresses stay out of events and the events route', () => {
  const customerId = uniqueCustomer('pii');
  const asCustomer = bearer({ role: 'customer', subject: customerId });
  let orderId: string;
  let sku: string;

  beforeAll(async () => {
    sku = await stockedSku(3);
    orderId = await placeOrder(
      validOrder({
        customerId,
        items: [{ sku, quantity: 1, unitPrice: 1000 }],
        paymentToken: TOKEN,
        shippingAddress: ADDRESS,
      }),
    );
  });

  it('still authorizes and captures the payment: the saga reaches CONFIRMED', async () => {
    expect((await orderReaches(orderId, ['CONFIRMED', 'CANCELLED'])).status).toBe('CONFIRMED');
    const ledger = await ledgerOf(orderId);
    expect(ledger.totals.captured).toBeGreaterThan(0);
    expect(ledger.totals.captured).toBe(ledger.totals.authorized);
  });

  it('stores a payment-method reference in OrderPlaced, never the token', async () => {
    const items = await storedItems(orderId);
    expect(items.length).toBeGreaterThan(0);
    const placed = items.find((item) => item.type === 'OrderPlaced') as { data: Record<string, unknown> };
    expect(placed.data).not.toHaveProperty('paymentToken');
    expect(placed.data.paymentMethod).toEqual({ reference: expect.any(String) });
    expect(JSON.stringify(items)).not.toContain(TOKEN);
  });

  it.each([
    ['the customer', () => asCustomer],
    ['an operator', () => undefined],
  ])('redacts the token, the address details and payment ids for %s', async (_who, authorization) => {
    await orderReaches(orderId, ['CONFIRMED', 'CANCELLED']);
    const response = await api<{ events: Envelope[] }>('GET', `/orders/${orderId}/events`, {
      authorization: authorization(),
    });
    expect(response.status).toBe(200);
    const text = JSON.stringify(response.body);
    for (const secret of [TOKEN, ADDRESS.line1, ADDRESS.line2, ADDRESS.city, ADDRESS.postalCode]) {
      expect(text).not.toContain(secret);
    }
    const placed = response.body.events.find((e) => e.metadata.type === 'OrderPlaced');
    expect(placed?.data.shippingAddress).toEqual({
      line1: '[redacted]',
      line2: '[redacted]',
      city: '[redacted]',
      postalCode: '[redacted]',
      country: 'DE',
    });
    expect(placed?.data.paymentMethod).toEqual({ reference: '[redacted]' });
    const authorized = response.body.events.find((e) => e.metadata.type === 'PaymentAuthorized');
    expect(authorized?.data).toMatchObject({ authorizationId: '[redacted]', amount: expect.any(Number) });
    const captured = response.body.events.find((e) => e.metadata.type === 'PaymentCaptured');
    expect(captured?.data).toMatchObject({ captureId: '[redacted]' });
    // What the view shows is left as it is.
    expect(placed?.data).toMatchObject({ customerId, items: [{ sku, quantity: 1 }], currency: 'EUR' });
  });
});
