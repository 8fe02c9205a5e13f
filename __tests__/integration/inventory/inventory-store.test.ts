import { GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { InventoryStore, reservationKey, skuKey } from '../../../src/adapters/dynamodb/inventory-store';
import {
  OutOfStockError,
  ReservationNotHeldError,
  type ReservationLine,
} from '../../../src/domain/inventory';
import { ValidationError } from '../../../src/domain/shared/errors';
import { createScratchTable, deleteScratchTable } from '../../support/scratch-table';
import { documentClient } from '../../support/stack';

// A table of this file's own, with the key schema of InventoryTable, on the shared stack's DynamoDB.
const table = `inventory-test-${process.pid}-${Date.now().toString(36)}`;
const docs = documentClient();
const store = new InventoryStore(docs, table);

let seq = 0;
/** Names no other test uses, so tests share the table without seeing each other's stock. */
const unique = (prefix: string): string => `${prefix}-${(seq += 1)}`;
const newSku = () => unique('SKU');
const newOrder = () => unique('order');

/** The SKU item as stored, `sold` included. */
const stored = async (sku: string) =>
  (await docs.send(new GetCommand({ TableName: table, Key: { pk: skuKey(sku) }, ConsistentRead: true })))
    .Item;

const stocked = async (available: number, count = 1): Promise<string[]> => {
  const skus = Array.from({ length: count }, newSku);
  for (const sku of skus) await store.setStock(sku, available);
  return skus;
};

const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    (value) => {
      throw new TypeError(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );

beforeAll(() => createScratchTable(table, { hash: 'pk' }));

afterAll(async () => {
  docs.destroy();
  await deleteScratchTable(table);
});

describe('InventoryStore.setStock and get', () => {
  it('creates a SKU with nothing reserved or sold, and answers its view', async () => {
    const sku = newSku();
    expect(await store.get(sku)).toBeUndefined();
    expect(await store.setStock(sku, 12)).toEqual({ sku, available: 12, reserved: 0 });
    expect(await store.get(sku)).toEqual({ sku, available: 12, reserved: 0 });
    expect(await stored(sku)).toEqual({ pk: skuKey(sku), sku, available: 12, reserved: 0, sold: 0 });
  });

  it('sets available on a restock and leaves reserved and sold as they are', async () => {
    const [sku = ''] = await stocked(5);
    await store.reserve(newOrder(), [{ sku, quantity: 2 }]);
    const sold = newOrder();
    await store.reserve(sold, [{ sku, quantity: 1 }]);
    await store.commit(sold);
    expect(await store.setStock(sku, 40)).toEqual({ sku, available: 40, reserved: 2 });
    expect(await stored(sku)).toMatchObject({ available: 40, reserved: 2, sold: 1 });
  });

  it('refuses a negative or fractional amount and a malformed SKU, writing nothing', async () => {
    const sku = newSku();
    await expect(store.setStock(sku, -1)).rejects.toBeInstanceOf(ValidationError);
    await expect(store.setStock(sku, 1.5)).rejects.toBeInstanceOf(ValidationError);
    await expect(store.setStock('bad sku', 1)).rejects.toBeInstanceOf(ValidationError);
    expect(await store.get(sku)).toBeUndefined();
  });
});

describe('InventoryStore.reserve', () => {
  it('reserves every line in one go and records the reservation', async () => {
    const [a = '', b = ''] = await stocked(10, 2);
    const orderId = newOrder();
    const outcome = await store.reserve(orderId, [
      { sku: a, quantity: 3 },
      { sku: b, quantity: 10 },
    ]);
    expect(outcome).toEqual({
      status: 'reserved',
      reservation: {
        orderId,
        lines: [
          { sku: a, quantity: 3 },
          { sku: b, quantity: 10 },
        ],
        status: 'RESERVED',
        updatedAt: expect.any(String),
        availableAfterReserve: { [a]: 7, [b]: 0 },
      },
    });
    expect(await store.get(a)).toEqual({ sku: a, available: 7, reserved: 3 });
    expect(await store.get(b)).toEqual({ sku: b, available: 0, reserved: 10 });
    expect(await store.reservation(orderId)).toEqual(outcome.reservation);
  });

  it('is all or nothing: one short SKU of three reserves nothing and is the one named', async () => {
    const [a = '', b = '', c = ''] = await stocked(5, 3);
    await store.setStock(b, 1);
    const orderId = newOrder();
    const error = await rejectionOf(
      store.reserve(orderId, [
        { sku: a, quantity: 2 },
        { sku: b, quantity: 2 },
        { sku: c, quantity: 2 },
      ]),
    );
    expect(error).toBeInstanceOf(OutOfStockError);
    expect(error).toMatchObject({ code: 'OUT_OF_STOCK', skus: [b] });
    expect(await store.get(a)).toEqual({ sku: a, available: 5, reserved: 0 });
    expect(await store.get(b)).toEqual({ sku: b, available: 1, reserved: 0 });
    expect(await store.get(c)).toEqual({ sku: c, available: 5, reserved: 0 });
    expect(await store.reservation(orderId)).toBeUndefined();
  });

  it('treats a SKU never stocked as out of stock, and creates no item for it', async () => {
    const [a = ''] = await stocked(5);
    const unknown = newSku();
    const orderId = newOrder();
    const error = await rejectionOf(
      store.reserve(orderId, [
        { sku: a, quantity: 1 },
        { sku: unknown, quantity: 1 },
      ]),
    );
    expect(error).toBeInstanceOf(OutOfStockError);
    expect(error).toMatchObject({ skus: [unknown] });
    expect(await stored(unknown)).toBeUndefined();
    expect(await store.get(a)).toEqual({ sku: a, available: 5, reserved: 0 });
    expect(await store.reservation(orderId)).toBeUndefined();
  });

  it('reserves once when delivered twice: the repeat answers `already` and takes nothing', async () => {
    const [sku = ''] = await stocked(10);
    const orderId = newOrder();
    const lines = [{ sku, quantity: 4 }];
    const first = await store.reserve(orderId, lines);
    const second = await store.reserve(orderId, lines);
    expect(first.status).toBe('reserved');
    expect(second).toEqual({ status: 'already', reservation: first.reservation });
    expect(await store.get(sku)).toEqual({ sku, available: 6, reserved: 4 });
  });

  it('answers the stock left read after the first reservation to every repeat, even after stock moved', async () => {
    const [sku = ''] = await stocked(10);
    const orderId = newOrder();
    const first = await store.reserve(orderId, [{ sku, quantity: 4 }]);
    expect(first.reservation.availableAfterReserve).toEqual({ [sku]: 6 });
    await store.reserve(newOrder(), [{ sku, quantity: 5 }]);
    const repeats = await Promise.all([1, 2, 3].map(() => store.reserve(orderId, [{ sku, quantity: 4 }])));
    for (const repeat of repeats) expect(repeat.reservation.availableAfterReserve).toEqual({ [sku]: 6 });
  });

  it('reads the stock left on a repeat when the first call ended before recording it (a crash)', async () => {
    const [sku = ''] = await stocked(10);
    const orderId = newOrder();
    await store.reserve(orderId, [{ sku, quantity: 4 }]);
    // The state a crash between the transaction and the read leaves: the reservation without the read.
    await docs.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: reservationKey(orderId) },
        UpdateExpression: 'REMOVE availableAfterReserve',
      }),
    );
    await store.setStock(sku, 3);
    const repeat = await store.reserve(orderId, [{ sku, quantity: 4 }]);
    expect(repeat).toMatchObject({ status: 'already', reservation: { availableAfterReserve: { [sku]: 3 } } });
    expect((await store.reservation(orderId))?.availableAfterReserve).toEqual({ [sku]: 3 });
  });

  it('answers `already` with the stored reservation even when the repeat asks for other lines', async () => {
    const [sku = ''] = await stocked(10);
    const orderId = newOrder();
    const first = await store.reserve(orderId, [{ sku, quantity: 1 }]);
    expect(await store.reserve(orderId, [{ sku, quantity: 9 }])).toEqual({
      status: 'already',
      reservation: first.reservation,
    });
    expect(await store.get(sku)).toEqual({ sku, available: 9, reserved: 1 });
  });

  it('does not reserve again for an order whose reservation was released: it answers `released`', async () => {
    const [sku = ''] = await stocked(10);
    const orderId = newOrder();
    await store.reserve(orderId, [{ sku, quantity: 3 }]);
    await store.release(orderId);
    const late = await store.reserve(orderId, [{ sku, quantity: 3 }]);
    expect(late).toEqual({
      status: 'released',
      reservation: expect.objectContaining({ orderId, status: 'RELEASED' }),
    });
    expect(await store.get(sku)).toEqual({ sku, available: 10, reserved: 0 });
  });

  it('answers `already` for an order whose reservation was committed, taking nothing', async () => {
    const [sku = ''] = await stocked(10);
    const orderId = newOrder();
    await store.reserve(orderId, [{ sku, quantity: 3 }]);
    await store.commit(orderId);
    const late = await store.reserve(orderId, [{ sku, quantity: 3 }]);
    expect(late).toMatchObject({ status: 'already', reservation: { status: 'COMMITTED' } });
    expect(await stored(sku)).toMatchObject({ available: 7, reserved: 0, sold: 3 });
  });

  it('refuses lines that would break the stock invariant, before any write', async () => {
    const [sku = ''] = await stocked(5);
    const attempts: ReservationLine[][] = [
      [],
      [{ sku, quantity: 0 }],
      [{ sku, quantity: -2 }],
      [
        { sku, quantity: 1 },
        { sku, quantity: 1 },
      ],
    ];
    for (const lines of attempts) {
      const orderId = newOrder();
      await expect(store.reserve(orderId, lines)).rejects.toBeInstanceOf(ValidationError);
      expect(await store.reservation(orderId)).toBeUndefined();
    }
    expect(await stored(sku)).toMatchObject({ available: 5, reserved: 0, sold: 0 });
  });

  it('never oversells: of 20 concurrent orders for a SKU with 7 in stock exactly 7 succeed', async () => {
    const [sku = ''] = await stocked(7);
    const orders = Array.from({ length: 20 }, newOrder);
    const results = await Promise.allSettled(
      orders.map((orderId) => store.reserve(orderId, [{ sku, quantity: 1 }])),
    );

    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(fulfilled).toHaveLength(7);
    for (const r of fulfilled) expect(r.value.status).toBe('reserved');
    expect(rejected).toHaveLength(13);
    for (const r of rejected) {
      expect(r.reason).toBeInstanceOf(OutOfStockError);
      expect((r.reason as OutOfStockError).skus).toEqual([sku]);
    }

    expect(await stored(sku)).toMatchObject({ available: 0, reserved: 7, sold: 0 });
    const reservations = await Promise.all(orders.map((orderId) => store.reservation(orderId)));
    expect(reservations.filter(Boolean)).toHaveLength(7);
    // Exactly the orders told `reserved` hold a reservation.
    expect(orders.filter((_, i) => results[i]?.status === 'fulfilled').sort()).toEqual(
      reservations.flatMap((r) => (r ? [r.orderId] : [])).sort(),
    );
  });
});

describe('InventoryStore.release', () => {
  it('gives the stock back and marks the reservation RELEASED', async () => {
    const [a = '', b = ''] = await stocked(6, 2);
    const orderId = newOrder();
    const lines = [
      { sku: a, quantity: 2 },
      { sku: b, quantity: 6 },
    ];
    await store.reserve(orderId, lines);
    expect(await store.release(orderId)).toEqual({ released: lines, available: { [a]: 6, [b]: 6 } });
    expect(await store.get(a)).toEqual({ sku: a, available: 6, reserved: 0 });
    expect(await store.get(b)).toEqual({ sku: b, available: 6, reserved: 0 });
    expect(await store.reservation(orderId)).toMatchObject({ status: 'RELEASED', lines });
  });

  it('releases once when called twice', async () => {
    const [sku = ''] = await stocked(8);
    const orderId = newOrder();
    await store.reserve(orderId, [{ sku, quantity: 5 }]);
    expect(await store.release(orderId)).toEqual({
      released: [{ sku, quantity: 5 }],
      available: { [sku]: 8 },
    });
    await store.reserve(newOrder(), [{ sku, quantity: 2 }]);
    // The repeat answers the stock read after the release, not the stock now.
    expect(await store.release(orderId)).toEqual({ released: [], available: { [sku]: 8 } });
    expect(await stored(sku)).toMatchObject({ available: 6, reserved: 2, sold: 0 });
  });

  it('releases once when called twice at the same time', async () => {
    const [sku = ''] = await stocked(8);
    const orderId = newOrder();
    await store.reserve(orderId, [{ sku, quantity: 5 }]);
    const outcomes = await Promise.all([
      store.release(orderId),
      store.release(orderId),
      store.release(orderId),
    ]);
    expect(outcomes.map((o) => o.released.length).sort()).toEqual([0, 0, 1]);
    expect(outcomes.map((o) => o.available)).toEqual([{ [sku]: 8 }, { [sku]: 8 }, { [sku]: 8 }]);
    expect(await stored(sku)).toMatchObject({ available: 8, reserved: 0, sold: 0 });
  });

  it('is a no-op for an order that never reserved, writing nothing', async () => {
    const orderId = newOrder();
    expect(await store.release(orderId)).toEqual({ released: [], available: {} });
    expect(await store.reservation(orderId)).toBeUndefined();
  });

  it('is a no-op for an order whose reserve failed (out of stock)', async () => {
    const [sku = ''] = await stocked(1);
    const orderId = newOrder();
    await expect(store.reserve(orderId, [{ sku, quantity: 2 }])).rejects.toBeInstanceOf(OutOfStockError);
    expect(await store.release(orderId)).toEqual({ released: [], available: {} });
    expect(await stored(sku)).toMatchObject({ available: 1, reserved: 0, sold: 0 });
  });

  it('is a no-op after commit: the stock stays sold', async () => {
    const [sku = ''] = await stocked(4);
    const orderId = newOrder();
    await store.reserve(orderId, [{ sku, quantity: 3 }]);
    await store.commit(orderId);
    expect(await store.release(orderId)).toEqual({ released: [], available: {} });
    expect(await stored(sku)).toMatchObject({ available: 1, reserved: 0, sold: 3 });
    expect(await store.reservation(orderId)).toMatchObject({ status: 'COMMITTED' });
  });
});

describe('InventoryStore.commit', () => {
  it('moves the stock from reserved to sold and marks the reservation COMMITTED', async () => {
    const [sku = ''] = await stocked(10);
    const orderId = newOrder();
    await store.reserve(orderId, [{ sku, quantity: 4 }]);
    expect(await store.commit(orderId)).toEqual({ committed: [{ sku, quantity: 4 }] });
    expect(await stored(sku)).toMatchObject({ available: 6, reserved: 0, sold: 4 });
    expect(await store.get(sku)).toEqual({ sku, available: 6, reserved: 0 });
  });

  it('commits once when called twice', async () => {
    const [sku = ''] = await stocked(10);
    const orderId = newOrder();
    await store.reserve(orderId, [{ sku, quantity: 4 }]);
    await store.commit(orderId);
    expect(await store.commit(orderId)).toEqual({ committed: [] });
    expect(await stored(sku)).toMatchObject({ available: 6, reserved: 0, sold: 4 });
  });

  it('refuses an order without a reservation, or with a released one', async () => {
    const never = newOrder();
    await expect(store.commit(never)).rejects.toEqual(new ReservationNotHeldError(never, undefined));

    const [sku = ''] = await stocked(3);
    const released = newOrder();
    await store.reserve(released, [{ sku, quantity: 1 }]);
    await store.release(released);
    const error = await rejectionOf(store.commit(released));
    expect(error).toBeInstanceOf(ReservationNotHeldError);
    expect(error).toMatchObject({ code: 'RESERVATION_NOT_HELD', orderId: released, status: 'RELEASED' });
    expect(await stored(sku)).toMatchObject({ available: 3, reserved: 0, sold: 0 });
  });

  it('lets exactly one of a racing commit and release win, conserving the stock', async () => {
    const [sku = ''] = await stocked(5);
    const orderId = newOrder();
    await store.reserve(orderId, [{ sku, quantity: 2 }]);
    const [committed, released] = await Promise.allSettled([store.commit(orderId), store.release(orderId)]);
    const item = await stored(sku);
    const status = (await store.reservation(orderId))?.status;
    if (status === 'COMMITTED') {
      expect(committed).toEqual({ status: 'fulfilled', value: { committed: [{ sku, quantity: 2 }] } });
      expect(released).toEqual({ status: 'fulfilled', value: { released: [], available: {} } });
      expect(item).toMatchObject({ available: 3, reserved: 0, sold: 2 });
    } else {
      expect(status).toBe('RELEASED');
      expect(released).toEqual({
        status: 'fulfilled',
        value: { released: [{ sku, quantity: 2 }], available: { [sku]: 5 } },
      });
      expect(committed).toMatchObject({ status: 'rejected', reason: { code: 'RESERVATION_NOT_HELD' } });
      expect(item).toMatchObject({ available: 5, reserved: 0, sold: 0 });
    }
  });
});

describe('the stock invariant', () => {
  it('holds available + reserved + sold = stock set, never negative, after a mix of everything', async () => {
    const [a = '', b = ''] = await stocked(9, 2);
    const run = async (i: number) => {
      const orderId = newOrder();
      const outcome = await store
        .reserve(orderId, [
          { sku: a, quantity: 1 + (i % 3) },
          { sku: b, quantity: 1 },
        ])
        .catch((error: unknown) => error);
      if (outcome instanceof OutOfStockError) return;
      if (i % 2 === 0) await store.commit(orderId);
      else await store.release(orderId);
      await store.release(orderId);
    };
    await Promise.all(Array.from({ length: 12 }, (_, i) => run(i)));

    const { Items = [] } = await docs.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
    for (const sku of [a, b]) {
      const item = await stored(sku);
      expect(item).toBeDefined();
      const { available, reserved, sold } = item as { available: number; reserved: number; sold: number };
      expect(Math.min(available, reserved, sold)).toBeGreaterThanOrEqual(0);
      expect(available + reserved + sold).toBe(9);
      expect(reserved).toBe(0);
      // What was sold is exactly what the COMMITTED reservations hold.
      const committed = Items.filter(
        (r) => String(r.pk).startsWith(reservationKey('')) && r.status === 'COMMITTED',
      ).flatMap((r) => (r.lines as ReservationLine[]).filter((line) => line.sku === sku));
      expect(committed.reduce((sum, line) => sum + line.quantity, 0)).toBe(sold);
    }
  });
});
