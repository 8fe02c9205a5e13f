import * as E from 'fp-ts/Either';
import {
  CANCELLATION_REASONS,
  CancellationReason,
  decodeOrderEvent,
  EVENT_SCHEMA_VERSIONS,
  EVENT_SOURCES,
  eventDataCodecs,
  isOrderEventType,
  ORDER_EVENT_TYPES,
  type OrderEventData,
  type OrderEventType,
  ValidationError,
} from '../../../src/domain/orders';
import { ORDER_ID, PLACED_AT, RESERVATIONS, PRICED_LINES, TOTAL, validRequest } from './fixtures';

const samples: { [K in OrderEventType]: OrderEventData<K> } = {
  OrderPlaced: {
    orderId: ORDER_ID,
    customerId: 'cust-42',
    items: PRICED_LINES,
    currency: 'USD',
    total: TOTAL,
    paymentMethod: { reference: 'pm1.sealed-reference' },
    shippingAddress: { ...validRequest().shippingAddress, line2: 'Apt 4' },
    placedAt: PLACED_AT,
  },
  InventoryReserved: {
    orderId: ORDER_ID,
    reservations: RESERVATIONS.map((line, i) => ({ ...line, available: 10 * i })),
  },
  InventoryReservationFailed: { orderId: ORDER_ID, reason: 'insufficient stock', skus: ['SKU-2'] },
  PaymentAuthorized: { orderId: ORDER_ID, authorizationId: 'auth-1', amount: TOTAL, currency: 'USD' },
  PaymentDeclined: { orderId: ORDER_ID, reason: 'insufficient funds' },
  ReviewRequested: { orderId: ORDER_ID, total: TOTAL },
  ReviewApproved: { orderId: ORDER_ID, reviewer: 'ops@example.com' },
  ShipmentScheduled: { orderId: ORDER_ID, shipmentId: 'shp-1' },
  PaymentCaptured: { orderId: ORDER_ID, captureId: 'cap-1', amount: TOTAL },
  OrderConfirmed: { orderId: ORDER_ID, confirmedAt: '2024-05-01T10:05:00.000Z' },
  PaymentRefunded: { orderId: ORDER_ID, refundId: 'ref-1', amount: TOTAL },
  InventoryReleased: {
    orderId: ORDER_ID,
    released: RESERVATIONS.map((line, i) => ({ ...line, available: 10 * i + 2 })),
  },
  OrderCancelled: { orderId: ORDER_ID, reason: 'PAYMENT_DECLINED', detail: 'card declined' },
};

const pathsAndRules = (result: E.Either<ValidationError, unknown>) => {
  if (E.isRight(result)) throw new TypeError('expected a decode failure');
  expect(result.left).toBeInstanceOf(ValidationError);
  return result.left.details.map(({ path, rule }) => ({ path, rule }));
};

describe('event catalogue', () => {
  it('lists every event type exactly once, each with a codec, schema version and source', () => {
    expect(new Set(ORDER_EVENT_TYPES).size).toBe(ORDER_EVENT_TYPES.length);
    expect(Object.keys(eventDataCodecs).sort()).toEqual([...ORDER_EVENT_TYPES].sort());
    expect(Object.keys(EVENT_SCHEMA_VERSIONS).sort()).toEqual([...ORDER_EVENT_TYPES].sort());
    expect(Object.keys(EVENT_SOURCES).sort()).toEqual([...ORDER_EVENT_TYPES].sort());
    for (const type of ORDER_EVENT_TYPES) {
      expect(EVENT_SCHEMA_VERSIONS[type]).toBeGreaterThanOrEqual(1);
      expect(EVENT_SOURCES[type]).toMatch(/^orderflow\.(orders|inventory|payments|shipping)$/);
    }
  });

  it('contains the minimum set of the design', () => {
    expect(ORDER_EVENT_TYPES).toEqual(
      expect.arrayContaining([
        'OrderPlaced',
        'InventoryReserved',
        'InventoryReservationFailed',
        'InventoryReleased',
        'PaymentAuthorized',
        'PaymentDeclined',
        'PaymentRefunded',
        'ShipmentScheduled',
        'OrderConfirmed',
        'OrderCancelled',
      ]),
    );
  });

  it('names every codec after its event', () => {
    for (const type of ORDER_EVENT_TYPES) expect(eventDataCodecs[type].name).toBe(`${type}Data`);
  });

  it('recognises only catalogue types', () => {
    expect(isOrderEventType('OrderPlaced')).toBe(true);
    expect(isOrderEventType('orderplaced')).toBe(false);
    expect(isOrderEventType('AlertRaised')).toBe(false);
    expect(isOrderEventType(42)).toBe(false);
  });
});

describe.each(ORDER_EVENT_TYPES)('%s', (type) => {
  const sample = samples[type];

  it('round-trips through JSON and the codec unchanged', () => {
    const wire: unknown = JSON.parse(JSON.stringify(eventDataCodecs[type].encode(sample as never)));
    expect(decodeOrderEvent(type, wire)).toEqual(E.right({ type, data: sample }));
  });

  it('tolerates fields it does not know', () => {
    const decoded = decodeOrderEvent(type, { ...sample, addedInV2: { nested: true } });
    expect(E.isRight(decoded)).toBe(true);
  });

  it('requires orderId', () => {
    const rest: Record<string, unknown> = { ...sample };
    delete rest.orderId;
    expect(pathsAndRules(decodeOrderEvent(type, rest))).toContainEqual({
      path: 'data.orderId',
      rule: 'required',
    });
  });

  it('rejects a non-object payload', () => {
    expect(pathsAndRules(decodeOrderEvent(type, 'nope'))).toEqual([{ path: 'data', rule: 'type' }]);
  });
});

describe('decodeOrderEvent', () => {
  it('rejects an unknown type', () => {
    expect(pathsAndRules(decodeOrderEvent('OrderShipped', samples.OrderPlaced))).toEqual([
      { path: 'type', rule: 'unknownEventType' },
    ]);
  });

  it('locates nested problems with the same path notation as request validation', () => {
    const data = {
      ...samples.OrderPlaced,
      items: [{ sku: 'SKU-1', quantity: 0, unitPrice: '12' }],
      shippingAddress: { line1: 'x', city: 'y', postalCode: 'z' },
      total: 1.5,
      placedAt: '2024-02-30T00:00:00Z',
    };
    expect(pathsAndRules(decodeOrderEvent('OrderPlaced', data))).toEqual([
      { path: 'data.items[0].quantity', rule: 'type' },
      { path: 'data.items[0].unitPrice', rule: 'type' },
      { path: 'data.total', rule: 'type' },
      { path: 'data.shippingAddress.country', rule: 'required' },
      { path: 'data.placedAt', rule: 'type' },
    ]);
  });

  it('accepts every cancellation reason and nothing else', () => {
    for (const reason of CANCELLATION_REASONS) {
      expect(E.isRight(decodeOrderEvent('OrderCancelled', { orderId: ORDER_ID, reason }))).toBe(true);
    }
    expect(pathsAndRules(decodeOrderEvent('OrderCancelled', { orderId: ORDER_ID, reason: 'BORED' }))).toEqual(
      [{ path: 'data.reason', rule: 'type' }],
    );
    expect(CancellationReason.is('OUT_OF_STOCK')).toBe(true);
  });

  it('rejects a malformed currency in an event but not a withdrawn one (events outlive the ISO list)', () => {
    const authorized = samples.PaymentAuthorized;
    expect(pathsAndRules(decodeOrderEvent('PaymentAuthorized', { ...authorized, currency: 'usd' }))).toEqual([
      { path: 'data.currency', rule: 'type' },
    ]);
    expect(E.isRight(decodeOrderEvent('PaymentAuthorized', { ...authorized, currency: 'DEM' }))).toBe(true);
  });

  it('makes detail optional on OrderCancelled but typed when present', () => {
    expect(E.isRight(decodeOrderEvent('OrderCancelled', { orderId: ORDER_ID, reason: 'SAGA_FAILED' }))).toBe(
      true,
    );
    expect(
      pathsAndRules(
        decodeOrderEvent('OrderCancelled', { orderId: ORDER_ID, reason: 'SAGA_FAILED', detail: 7 }),
      ),
    ).toEqual([{ path: 'data.detail', rule: 'type' }]);
  });

  it.each([
    ['InventoryReserved', 'reservations'],
    ['InventoryReleased', 'released'],
  ] as const)(
    'decodes a %s stored before `available` existed (same schema version), and types it when present',
    (type, field) => {
      // The shape written before `available` was added: no upcast needed, the field is optional.
      const old = { orderId: ORDER_ID, [field]: [{ sku: 'SKU-1', quantity: 2 }] };
      expect(decodeOrderEvent(type, old)).toEqual(E.right({ type, data: old }));
      const withAvailable = { orderId: ORDER_ID, [field]: [{ sku: 'SKU-1', quantity: 2, available: 0 }] };
      expect(decodeOrderEvent(type, withAvailable)).toEqual(E.right({ type, data: withAvailable }));
      expect(
        pathsAndRules(
          decodeOrderEvent(type, {
            orderId: ORDER_ID,
            [field]: [{ sku: 'SKU-1', quantity: 2, available: -1 }],
          }),
        ),
      ).toEqual([{ path: `data.${field}[0].available`, rule: expect.any(String) }]);
      expect(EVENT_SCHEMA_VERSIONS[type]).toBe(1);
    },
  );
});
