import {
  evolve,
  foldEvents,
  InvalidEventStreamError,
  type OrderEvent,
  type OrderEventEnvelope,
  type OrderState,
} from '../../../src/domain/orders';
import {
  cmd,
  envelopesFor,
  events,
  ORDER_ID,
  PLACED_AT,
  RESERVATIONS,
  states,
  TOTAL,
  validRequest,
} from './fixtures';

/** The full happy-path stream as stored: one envelope per event, versions 1..n, a minute apart. */
const happyStream = (): OrderEventEnvelope[] => {
  const decided: OrderEvent[][] = [];
  let state: OrderState | undefined;
  for (const command of [
    cmd.place(),
    cmd.reserve(),
    cmd.authorize(),
    cmd.schedule(),
    cmd.capture(),
    cmd.confirm(),
  ]) {
    const batch = events(command, state);
    decided.push(batch);
    state = foldEvents(envelopesFor(batch, state?.version ?? 0), state);
  }
  return decided.flat().flatMap((event, i) => envelopesFor([event], i));
};

const streamError = (fn: () => unknown): InvalidEventStreamError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEventStreamError);
    return error as InvalidEventStreamError;
  }
  throw new TypeError('expected InvalidEventStreamError');
};

describe('foldEvents', () => {
  it('returns undefined for an empty stream (no such order)', () => {
    expect(foldEvents([])).toBeUndefined();
  });

  it('folds a whole stream into the final state', () => {
    const stream = happyStream();
    expect(stream.map((e) => e.metadata.version)).toEqual([1, 2, 3, 4, 5, 6]);
    const state = foldEvents(stream);
    expect(state).toEqual({
      orderId: ORDER_ID,
      customerId: 'cust-42',
      items: validRequest().items,
      currency: 'USD',
      total: TOTAL,
      shippingAddress: validRequest().shippingAddress,
      status: 'CONFIRMED',
      version: 6,
      createdAt: '2024-05-01T10:00:01.000Z',
      placedAt: PLACED_AT,
      updatedAt: '2024-05-01T10:05:01.000Z',
      reservations: RESERVATIONS,
      inventoryReleased: false,
      authorizationId: 'auth-1',
      authorizedAmount: TOTAL,
      shipmentId: 'shp-1',
      captureId: 'cap-1',
      capturedAmount: TOTAL,
      refundedAmount: 0,
      review: 'NONE',
      confirmedAt: '2024-05-01T10:05:00.000Z',
    });
  });

  it('gives the same state folded at once or event by event from an intermediate state', () => {
    const stream = happyStream();
    const middle = foldEvents(stream.slice(0, 3));
    expect(foldEvents(stream.slice(3), middle)).toEqual(foldEvents(stream));
  });

  it('never stores the payment token in the state', () => {
    expect(JSON.stringify(foldEvents(happyStream()))).not.toContain('tok_approve');
  });

  it('holds no undefined-valued keys (stores reject them)', () => {
    const state = foldEvents(happyStream()) as OrderState;
    for (const [key, value] of Object.entries(state)) expect([key, value]).not.toEqual([key, undefined]);
  });
});

describe('evolve', () => {
  it('sets version and updatedAt from the envelope, createdAt from the first event', () => {
    const [placed] = envelopesFor(events(cmd.place(), undefined), 0, '2024-05-01T10:00:01.000Z');
    const state = evolve(undefined, placed as OrderEventEnvelope);
    expect(state).toMatchObject({
      version: 1,
      createdAt: '2024-05-01T10:00:01.000Z',
      updatedAt: '2024-05-01T10:00:01.000Z',
    });
    const [reserved] = envelopesFor(events(cmd.reserve(), state), 1, '2024-05-01T10:00:09.000Z');
    expect(evolve(state, reserved as OrderEventEnvelope)).toMatchObject({
      version: 2,
      createdAt: '2024-05-01T10:00:01.000Z',
      updatedAt: '2024-05-01T10:00:09.000Z',
    });
  });

  it('ignores a redelivered event (version already applied)', () => {
    const stream = happyStream();
    const state = foldEvents(stream.slice(0, 4)) as OrderState;
    expect(evolve(state, stream[1] as OrderEventEnvelope)).toBe(state);
    expect(evolve(state, stream[3] as OrderEventEnvelope)).toBe(state);
  });

  it('does not modify the state it is given', () => {
    const stream = happyStream();
    const state = foldEvents(stream.slice(0, 2)) as OrderState;
    const snapshot = JSON.stringify(state);
    evolve(state, stream[2] as OrderEventEnvelope);
    expect(JSON.stringify(state)).toBe(snapshot);
  });

  it('refuses an event before OrderPlaced', () => {
    const stream = happyStream();
    const error = streamError(() => evolve(undefined, stream[1] as OrderEventEnvelope));
    expect(error.code).toBe('INVALID_EVENT_STREAM');
    expect(error.message).toMatch(/before OrderPlaced/);
  });

  it('refuses OrderPlaced at a version other than 1', () => {
    const [placed] = envelopesFor(events(cmd.place(), undefined), 4);
    expect(streamError(() => evolve(undefined, placed as OrderEventEnvelope)).message).toMatch(/expected 1/);
  });

  it('refuses a gap in versions', () => {
    const stream = happyStream();
    expect(streamError(() => foldEvents([stream[0], stream[2]] as OrderEventEnvelope[])).message).toMatch(
      /events are missing/,
    );
  });

  it('refuses a second OrderPlaced', () => {
    const [again] = envelopesFor(events(cmd.place(), undefined), 1);
    expect(streamError(() => evolve(states.pending(), again as OrderEventEnvelope)).message).toMatch(
      /second OrderPlaced/,
    );
  });

  it('refuses an event of another order', () => {
    const [placed] = envelopesFor(events(cmd.place(), undefined), 0);
    const [other] = envelopesFor(events(cmd.reserve(), states.pending()), 1);
    const foreign = {
      ...(other as OrderEventEnvelope),
      metadata: { ...(other as OrderEventEnvelope).metadata, orderId: 'ord_other' },
    } as OrderEventEnvelope;
    const state = evolve(undefined, placed as OrderEventEnvelope);
    expect(streamError(() => evolve(state, foreign)).message).toMatch(/belongs to order ord_other/);
  });
});

describe('evolve per event', () => {
  it.each([
    [
      'InventoryReservationFailed',
      states.pending,
      cmd.reservationFailed(),
      { reservationFailure: { reason: 'insufficient stock', skus: ['SKU-2'] }, status: 'PENDING' },
    ],
    [
      'PaymentDeclined',
      states.reserved,
      cmd.decline(),
      { paymentDeclineReason: 'card declined', status: 'INVENTORY_RESERVED' },
    ],
    [
      'ReviewRequested',
      states.authorized,
      cmd.requestReview(),
      { review: 'REQUESTED', status: 'AWAITING_REVIEW' },
    ],
    [
      'ReviewApproved',
      states.awaitingReview,
      cmd.approveReview(),
      { review: 'APPROVED', reviewer: 'ops@example.com', status: 'PAYMENT_AUTHORIZED' },
    ],
    [
      'PaymentRefunded',
      states.captured,
      cmd.refund(),
      { refundId: 'ref-1', refundedAmount: TOTAL, status: 'SHIPPING_SCHEDULED' },
    ],
    [
      'InventoryReleased',
      states.reserved,
      cmd.release(),
      { inventoryReleased: true, reservations: RESERVATIONS },
    ],
    [
      'OrderCancelled',
      states.reserved,
      cmd.cancel('OUT_OF_STOCK', 'SKU-2'),
      { status: 'CANCELLED', cancellationReason: 'OUT_OF_STOCK', cancellationDetail: 'SKU-2' },
    ],
  ] as const)('%s', (_type, given, command, expected) => {
    const state = given();
    const next = foldEvents(envelopesFor(events(command, state), state.version), state) as OrderState;
    expect(next).toMatchObject(expected);
    expect(next.version).toBe(state.version + 1);
  });
});

it('adds up amounts when a stream holds several captures or refunds (evolve trusts stored facts)', () => {
  const state = states.authorized();
  const next = foldEvents(
    envelopesFor(
      [
        { type: 'PaymentCaptured', data: { orderId: ORDER_ID, captureId: 'cap-1', amount: 1000 } },
        { type: 'PaymentCaptured', data: { orderId: ORDER_ID, captureId: 'cap-2', amount: 2499 } },
        { type: 'PaymentRefunded', data: { orderId: ORDER_ID, refundId: 'ref-1', amount: 500 } },
        { type: 'PaymentRefunded', data: { orderId: ORDER_ID, refundId: 'ref-2', amount: 700 } },
      ],
      state.version,
    ),
    state,
  );
  expect(next).toMatchObject({
    capturedAmount: TOTAL,
    captureId: 'cap-2',
    refundedAmount: 1200,
    refundId: 'ref-2',
  });
});
