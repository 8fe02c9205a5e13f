import { checkInvariants, type OrderOutcome } from '../../../scripts/chaos/invariants';

const view = { orderId: 'o1', status: 'CONFIRMED', total: 1000, version: 3 };
const outcome = (overrides: Partial<OrderOutcome> = {}): OrderOutcome => ({
  orderId: 'o1',
  status: 'CONFIRMED',
  total: 1000,
  lines: [{ sku: 'A', quantity: 2 }],
  executions: 1,
  ledger: { captured: 1000, refunded: 0, liveHolds: 0 },
  versions: [1, 2, 3],
  view,
  folded: view,
  notifications: [{ channel: 'customer-email', eventId: 'e3' }],
  ...overrides,
});
const stock = new Map([['A', { initial: 10, available: 8, reserved: 0 }]]);
const invariantsBroken = (o: OrderOutcome, deadLetters = []) =>
  checkInvariants([o], stock, deadLetters).map((v) => v.invariant);

describe('chaos invariants', () => {
  it('passes a whole, consistent order', () => {
    expect(checkInvariants([outcome()], stock)).toEqual([]);
  });

  it('flags a read model that differs from the fold of the event store', () => {
    expect(invariantsBroken(outcome({ folded: { ...view, status: 'CANCELLED' } }))).toEqual(['read model']);
    expect(invariantsBroken(outcome({ folded: { foldError: 'version 3 follows version 1' } }))).toEqual([
      'read model',
    ]);
  });

  it('flags a notification written twice for one event, and a missing customer email', () => {
    const twice = [
      { channel: 'customer-email', eventId: 'e3' },
      { channel: 'customer-email', eventId: 'e3' },
    ];
    expect(invariantsBroken(outcome({ notifications: twice }))).toEqual(['notified once', 'notified once']);
    expect(invariantsBroken(outcome({ notifications: [] }))).toEqual(['notified once']);
  });

  it('accounts a dead letter only to a whole order of the run', () => {
    const letter = (orderIds: string[]) => ({ queue: 'q-dlq', messageId: 'm1', orderIds });
    expect(checkInvariants([outcome()], stock, [letter(['o1'])])).toEqual([]);
    expect(checkInvariants([outcome()], stock, [letter([])]).map((v) => v.invariant)).toEqual([
      'dlq accounted',
    ]);
    const stranded = outcome({
      status: 'SHIPPING_SCHEDULED',
      view: { ...view, status: 'SHIPPING_SCHEDULED' },
    });
    expect(checkInvariants([stranded], stock, [letter(['o1'])]).map((v) => v.invariant)).toContain(
      'dlq accounted',
    );
  });

  it('flags an order not priced by the catalogue: another price, other lines, or a total that is not their sum', () => {
    const prices = new Map([['A', 500]]);
    const priced = { ...view, items: [{ sku: 'A', quantity: 2, unitPrice: 500 }] };
    const broken = (o: OrderOutcome) => checkInvariants([o], stock, [], prices).map((v) => v.invariant);
    expect(broken(outcome({ view: priced, folded: priced }))).toEqual([]);
    const cheap = { ...view, items: [{ sku: 'A', quantity: 2, unitPrice: 1 }] };
    expect(broken(outcome({ view: cheap, folded: cheap }))).toEqual(['priced']);
    const more = { ...view, items: [{ sku: 'A', quantity: 3, unitPrice: 500 }] };
    expect(broken(outcome({ view: more, folded: more }))).toEqual(['priced']);
    expect(
      broken(
        outcome({
          total: 999,
          view: priced,
          folded: priced,
          ledger: { captured: 999, refunded: 0, liveHolds: 0 },
        }),
      ),
    ).toEqual(['priced']);
  });

  it('flags stock left reserved or not conserved, money kept by a cancelled order, and gaps', () => {
    expect(
      checkInvariants([outcome()], new Map([['A', { initial: 10, available: 7, reserved: 1 }]])),
    ).toHaveLength(2);
    expect(
      invariantsBroken(
        outcome({
          status: 'CANCELLED',
          view: { ...view, status: 'CANCELLED' },
          folded: { ...view, status: 'CANCELLED' },
        }),
      ),
    ).toEqual(expect.arrayContaining(['money']));
    expect(invariantsBroken(outcome({ versions: [1, 3] }))).toEqual(['gapless']);
  });

  it('flags a live payment hold on an ended order: one the saga never recorded still blocks the money', () => {
    const cancelled = { ...view, status: 'CANCELLED' };
    const cancelledOutcome = (liveHolds: number) =>
      outcome({
        status: 'CANCELLED',
        view: cancelled,
        folded: cancelled,
        ledger: { captured: 0, refunded: 0, liveHolds },
        lines: [],
      });
    expect(checkInvariants([cancelledOutcome(0)], new Map())).toEqual([]);
    expect(checkInvariants([cancelledOutcome(1)], new Map())).toEqual([
      { invariant: 'money', detail: 'o1 CANCELLED still holds 1 authorization(s)' },
    ]);
    expect(invariantsBroken(outcome({ ledger: { captured: 1000, refunded: 0, liveHolds: 1 } }))).toEqual([
      'money',
    ]);
  });
});
