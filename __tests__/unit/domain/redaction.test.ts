import { redactForClients, REDACTED } from '../../../src/domain/orders';

const envelope = (type: string, data: Record<string, unknown>) => ({
  metadata: {
    eventId: 'evt-1',
    type,
    version: 1,
    schemaVersion: 2,
    occurredAt: '2026-11-26T09:30:00.000Z',
    correlationId: 'o-1',
    causationId: 'r-1',
    orderId: 'o-1',
  },
  data,
});

describe('redactForClients', () => {
  const placed = envelope('OrderPlaced', {
    orderId: 'o-1',
    customerId: 'cust-42',
    items: [{ sku: 'SKU-RED', quantity: 2, unitPrice: 1250 }],
    currency: 'EUR',
    total: 2500,
    paymentMethod: { reference: 'pm1.sealed' },
    shippingAddress: {
      line1: '1 Main St',
      line2: 'Flat 2',
      city: 'Berlin',
      postalCode: '10115',
      country: 'DE',
    },
    placedAt: '2026-11-26T09:30:00.000Z',
  });

  it('masks the address but its country and the payment-method reference of OrderPlaced; keeps the rest', () => {
    expect(redactForClients(placed)).toEqual({
      metadata: placed.metadata,
      data: {
        ...placed.data,
        paymentMethod: { reference: REDACTED },
        shippingAddress: {
          line1: REDACTED,
          line2: REDACTED,
          city: REDACTED,
          postalCode: REDACTED,
          country: 'DE',
        },
      },
    });
  });

  it('drops the raw paymentToken of an OrderPlaced written before schema version 2', () => {
    const legacy = envelope('OrderPlaced', {
      ...placed.data,
      paymentMethod: undefined,
      paymentToken: 'tok_visa',
    });
    const shown = redactForClients(legacy);
    expect(shown.data).not.toHaveProperty('paymentToken');
    expect(JSON.stringify(shown)).not.toContain('tok_visa');
  });

  it.each([
    [
      'PaymentAuthorized',
      { orderId: 'o-1', authorizationId: 'auth_1', amount: 2500, currency: 'EUR' },
      'authorizationId',
    ],
    ['PaymentCaptured', { orderId: 'o-1', captureId: 'cap_1', amount: 2500 }, 'captureId'],
    ['PaymentRefunded', { orderId: 'o-1', refundId: 'void:auth_1', amount: 2500 }, 'refundId'],
    ['ReviewApproved', { orderId: 'o-1', reviewer: 'alice@example.com' }, 'reviewer'],
  ])('masks %s.%s', (type, data, field) => {
    expect(redactForClients(envelope(type, data)).data).toEqual({ ...data, [field]: REDACTED });
  });

  it('leaves other events as they are, and does not change its input', () => {
    const reserved = envelope('InventoryReserved', {
      orderId: 'o-1',
      reservations: [{ sku: 'SKU-RED', quantity: 2 }],
    });
    expect(redactForClients(reserved)).toBe(reserved);
    const before = JSON.stringify(placed);
    redactForClients(placed);
    expect(JSON.stringify(placed)).toBe(before);
  });
});
