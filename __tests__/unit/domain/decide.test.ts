import * as E from 'fp-ts/Either';
import {
  canCustomerCancel,
  CANCELLATION_REASONS,
  type CancellationReason,
  CurrencyMismatchError,
  decide,
  InvalidTransitionError,
  type OrderCommand,
  OrderNotCancellableError,
  OrderNotFoundError,
  type OrderState,
  outstandingCompensation,
  PriceChangedError,
  SkuNotPricedError,
  ValidationError,
} from '../../../src/domain/orders';
import {
  cmd,
  ctx,
  events,
  execute,
  ORDER_ID,
  PAYMENT_METHOD,
  PLACED_AT,
  refusal,
  RESERVATIONS,
  run,
  states,
  TOTAL,
  validRequest,
} from './fixtures';

const expectInvalidTransition = (command: OrderCommand, state: OrderState): void => {
  const error = refusal(command, state);
  expect(error).toBeInstanceOf(InvalidTransitionError);
  expect(error).toMatchObject({ code: 'INVALID_TRANSITION', from: state.status, command: command.type });
};

const expectValidation = (
  command: OrderCommand,
  state: OrderState,
  issues: { path: string; rule: string }[],
) => {
  const error = refusal(command, state);
  expect(error).toBeInstanceOf(ValidationError);
  expect(error.details.map(({ path, rule }) => ({ path, rule }))).toEqual(issues);
};

describe('PlaceOrder', () => {
  it('emits OrderPlaced with the computed total and the placement time', () => {
    expect(events(cmd.place(), undefined)).toEqual([
      {
        type: 'OrderPlaced',
        data: {
          orderId: ORDER_ID,
          customerId: 'cust-42',
          items: validRequest().items,
          currency: 'USD',
          total: TOTAL,
          paymentMethod: PAYMENT_METHOD,
          shippingAddress: validRequest().shippingAddress,
          placedAt: PLACED_AT,
        },
      },
    ]);
  });

  it('starts the order PENDING at version 1', () => {
    const state = states.pending();
    expect(state).toMatchObject({ status: 'PENDING', version: 1, total: TOTAL, placedAt: PLACED_AT });
  });

  it('never records the payment token: OrderPlaced carries the reference it was given', () => {
    const [placed] = events(cmd.place(), undefined);
    expect(JSON.stringify(placed)).not.toContain(validRequest().paymentToken);
  });

  it('is a no-op when the same order is placed again (a retry), even at another time', () => {
    const retry: OrderCommand = { ...cmd.place(), placedAt: ctx.now } as OrderCommand;
    expect(events(retry, states.pending())).toEqual([]);
  });

  it('is a no-op for a retry after the catalogue changed: the order keeps the prices it was placed at', () => {
    const repriced = new Map([
      ['SKU-1', { unitPrice: 1300, currency: 'USD' }],
      ['SKU-2', { unitPrice: 999, currency: 'USD' }],
    ]);
    expect(events(cmd.place(validRequest(), repriced), states.pending())).toEqual([]);
    const unquoted = {
      ...validRequest(),
      items: validRequest().items.map(({ sku, quantity }) => ({ sku, quantity })),
    };
    expect(events(cmd.place(unquoted, new Map()), states.pending())).toEqual([]);
  });

  it('refuses a different order under an existing id', () => {
    expectInvalidTransition(cmd.place({ ...validRequest(), customerId: 'someone-else' }), states.pending());
    expectInvalidTransition(
      cmd.place({ ...validRequest(), items: [{ sku: 'SKU-1', quantity: 3, unitPrice: 1250 }] }),
      states.pending(),
    );
  });
});

describe('PlaceOrder prices every line from the catalogue', () => {
  const request = (items: { sku: string; quantity: number; unitPrice?: number }[], currency = 'USD') => ({
    ...validRequest(),
    currency,
    items,
  });

  it('prices lines without a quoted price and records the catalogue prices and their total', () => {
    const [placed] = events(
      cmd.place(
        request([
          { sku: 'SKU-1', quantity: 2 },
          { sku: 'SKU-2', quantity: 1, unitPrice: 999 },
        ]),
      ),
      undefined,
    );
    expect(placed?.data).toMatchObject({
      items: [
        { sku: 'SKU-1', quantity: 2, unitPrice: 1250 },
        { sku: 'SKU-2', quantity: 1, unitPrice: 999 },
      ],
      total: 3499,
    });
  });

  it('refuses quoted prices that are not the catalogue’s: PriceChangedError naming each line and its price', () => {
    const error = refusal(
      cmd.place(
        request([
          { sku: 'SKU-1', quantity: 1000, unitPrice: 1 },
          { sku: 'SKU-2', quantity: 1, unitPrice: 1000 },
        ]),
      ),
      undefined,
    );
    expect(error).toBeInstanceOf(PriceChangedError);
    expect(error.code).toBe('PRICE_CHANGED');
    expect(error.details).toEqual([
      {
        path: 'items[0].unitPrice',
        rule: 'priceChanged',
        message: expect.stringContaining('12.50 USD'),
        expected: 1250,
      },
      {
        path: 'items[1].unitPrice',
        rule: 'priceChanged',
        message: expect.stringContaining('999'),
        expected: 999,
      },
    ]);
  });

  it('refuses SKUs without a price, before anything else: SkuNotPricedError naming each line', () => {
    const error = refusal(
      cmd.place(
        request([
          { sku: 'SKU-1', quantity: 1, unitPrice: 1 },
          { sku: 'SKU-9', quantity: 1 },
        ]),
      ),
      undefined,
    );
    expect(error).toBeInstanceOf(SkuNotPricedError);
    expect(error).toMatchObject({
      code: 'SKU_NOT_PRICED',
      details: [{ path: 'items[1].sku', rule: 'notPriced' }],
    });
  });

  it('refuses an order in another currency than the SKUs’: CurrencyMismatchError naming the currency', () => {
    const error = refusal(cmd.place(request([{ sku: 'SKU-1', quantity: 1 }], 'EUR')), undefined);
    expect(error).toBeInstanceOf(CurrencyMismatchError);
    expect(error.details).toEqual([
      {
        path: 'currency',
        rule: 'currencyMismatch',
        message: expect.stringContaining('USD'),
        expected: 'USD',
      },
    ]);
  });

  it('refuses a catalogue total over the maximum', () => {
    const prices = new Map([['SKU-1', { unitPrice: 1_000_000, currency: 'USD' }]]);
    const error = refusal(cmd.place(request([{ sku: 'SKU-1', quantity: 11 }]), prices), undefined);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details).toMatchObject([{ path: 'items', rule: 'maxTotal' }]);
  });
});

describe('commands on an order that does not exist', () => {
  const commands: OrderCommand[] = [
    cmd.reserve(),
    cmd.reservationFailed(),
    cmd.authorize(),
    cmd.decline(),
    cmd.requestReview(),
    cmd.approveReview(),
    cmd.schedule(),
    cmd.capture(),
    cmd.confirm(),
    cmd.refund(),
    cmd.release(),
    cmd.cancel('CUSTOMER_CANCELLED'),
  ];

  it.each(commands.map((c) => [c.type, c] as const))('%s returns OrderNotFoundError', (_type, command) => {
    const error = refusal(command, undefined);
    expect(error).toBeInstanceOf(OrderNotFoundError);
    expect(error).toMatchObject({ code: 'ORDER_NOT_FOUND', orderId: ORDER_ID });
  });
});

it('refuses a command addressed to another order', () => {
  expectValidation({ type: 'ConfirmOrder', orderId: 'other' }, states.scheduled(), [
    { path: 'orderId', rule: 'mismatch' },
  ]);
});

describe('the happy path', () => {
  it('walks PENDING → INVENTORY_RESERVED → PAYMENT_AUTHORIZED → SHIPPING_SCHEDULED → CONFIRMED', () => {
    let state = states.pending();
    const seen: string[] = [state.status];
    for (const command of [cmd.reserve(), cmd.authorize(), cmd.schedule(), cmd.capture(), cmd.confirm()]) {
      state = execute(state, command).state;
      seen.push(state.status);
    }
    expect(seen).toEqual([
      'PENDING',
      'INVENTORY_RESERVED',
      'PAYMENT_AUTHORIZED',
      'SHIPPING_SCHEDULED',
      'SHIPPING_SCHEDULED',
      'CONFIRMED',
    ]);
    expect(state).toMatchObject({
      version: 6,
      reservations: RESERVATIONS,
      authorizationId: 'auth-1',
      authorizedAmount: TOTAL,
      shipmentId: 'shp-1',
      captureId: 'cap-1',
      capturedAmount: TOTAL,
      confirmedAt: ctx.now,
    });
  });

  it('goes through review: PAYMENT_AUTHORIZED → AWAITING_REVIEW → PAYMENT_AUTHORIZED (approved) → SHIPPING_SCHEDULED', () => {
    const authorized = states.authorized();
    const requested = execute(authorized, cmd.requestReview());
    expect(requested.events).toEqual([
      { type: 'ReviewRequested', data: { orderId: ORDER_ID, total: TOTAL } },
    ]);
    expect(requested.state).toMatchObject({ status: 'AWAITING_REVIEW', review: 'REQUESTED' });

    const approved = execute(requested.state, cmd.approveReview());
    expect(approved.events).toEqual([
      { type: 'ReviewApproved', data: { orderId: ORDER_ID, reviewer: 'ops@example.com' } },
    ]);
    expect(approved.state).toMatchObject({ status: 'PAYMENT_AUTHORIZED', review: 'APPROVED' });

    expect(execute(approved.state, cmd.schedule()).state.status).toBe('SHIPPING_SCHEDULED');
  });

  it('carries the availability inventory reported into InventoryReserved and InventoryReleased, not into the state', () => {
    const withAvailable = RESERVATIONS.map((line, i) => ({ ...line, available: i }));
    const reserved = execute(states.pending(), cmd.reserve(withAvailable));
    expect(reserved.events).toEqual([
      { type: 'InventoryReserved', data: { orderId: ORDER_ID, reservations: withAvailable } },
    ]);
    expect(reserved.state.reservations).toEqual(RESERVATIONS);
    const declined = execute(reserved.state, cmd.decline()).state;
    const releasedLines = RESERVATIONS.map((line, i) => ({ ...line, available: 5 + i }));
    expect(execute(declined, cmd.release(releasedLines)).events).toEqual([
      { type: 'InventoryReleased', data: { orderId: ORDER_ID, released: releasedLines } },
    ]);
  });

  it('emits exactly one event per forward step, with the command data', () => {
    expect(events(cmd.reserve(), states.pending())).toEqual([
      { type: 'InventoryReserved', data: { orderId: ORDER_ID, reservations: RESERVATIONS } },
    ]);
    expect(events(cmd.authorize(), states.reserved())).toEqual([
      {
        type: 'PaymentAuthorized',
        data: { orderId: ORDER_ID, authorizationId: 'auth-1', amount: TOTAL, currency: 'USD' },
      },
    ]);
    expect(events(cmd.schedule(), states.authorized())).toEqual([
      { type: 'ShipmentScheduled', data: { orderId: ORDER_ID, shipmentId: 'shp-1' } },
    ]);
    expect(events(cmd.capture(), states.scheduled())).toEqual([
      { type: 'PaymentCaptured', data: { orderId: ORDER_ID, captureId: 'cap-1', amount: TOTAL } },
    ]);
    expect(events(cmd.confirm(), states.captured())).toEqual([
      { type: 'OrderConfirmed', data: { orderId: ORDER_ID, confirmedAt: ctx.now } },
    ]);
  });

  it('allows capture right after authorization, before shipping', () => {
    expect(execute(states.authorized(), cmd.capture()).state.capturedAmount).toBe(TOTAL);
  });
});

describe('steps out of order are invalid transitions', () => {
  const cases: [string, () => OrderState, OrderCommand][] = [
    ['authorize before reservation', states.pending, cmd.authorize()],
    ['decline before reservation', states.pending, cmd.decline()],
    ['request review before authorization', states.reserved, cmd.requestReview()],
    ['approve review that was never requested', states.authorized, cmd.approveReview()],
    ['schedule shipping before authorization', states.reserved, cmd.schedule()],
    ['schedule shipping while review is pending', states.awaitingReview, cmd.schedule()],
    ['capture while review is pending', states.awaitingReview, cmd.capture()],
    ['capture before authorization', states.reserved, cmd.capture()],
    ['confirm before shipping', states.authorized, cmd.confirm()],
    ['confirm while pending', states.pending, cmd.confirm()],
    ['report a reservation failure after reserving', states.reserved, cmd.reservationFailed()],
    ['decline after authorization', states.authorized, cmd.decline()],
    ['refund with nothing authorized', states.reserved, cmd.refund()],
    ['release with nothing reserved', states.pending, cmd.release()],
  ];
  it.each(cases)('%s', (_name, given, command) => expectInvalidTransition(command, given()));
});

describe('unwinding: after a failure only compensation and cancellation are accepted', () => {
  it('records a reservation failure, then refuses to reserve', () => {
    const failed = execute(states.pending(), cmd.reservationFailed());
    expect(failed.events).toEqual([
      {
        type: 'InventoryReservationFailed',
        data: { orderId: ORDER_ID, reason: 'insufficient stock', skus: ['SKU-2'] },
      },
    ]);
    expect(failed.state.status).toBe('PENDING');
    expectInvalidTransition(cmd.reserve(), failed.state);
    expect(execute(failed.state, cmd.cancel('OUT_OF_STOCK')).state).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'OUT_OF_STOCK',
    });
  });

  it('records a decline, then refuses to authorize, and runs release → cancel', () => {
    const declined = execute(states.reserved(), cmd.decline());
    expect(declined.events).toEqual([
      { type: 'PaymentDeclined', data: { orderId: ORDER_ID, reason: 'card declined' } },
    ]);
    expectInvalidTransition(cmd.authorize(), declined.state);
    const released = execute(declined.state, cmd.release());
    expect(released.events).toEqual([
      { type: 'InventoryReleased', data: { orderId: ORDER_ID, released: RESERVATIONS } },
    ]);
    const cancelled = execute(released.state, cmd.cancel('PAYMENT_DECLINED', 'card declined'));
    expect(cancelled.state).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'PAYMENT_DECLINED',
      cancellationDetail: 'card declined',
      inventoryReleased: true,
    });
  });

  it('runs the saga compensation refund → release → cancel from SHIPPING_SCHEDULED', () => {
    let state = states.captured();
    state = execute(state, cmd.refund()).state;
    expect(state).toMatchObject({ refundId: 'ref-1', refundedAmount: TOTAL, status: 'SHIPPING_SCHEDULED' });
    expectInvalidTransition(cmd.confirm(), state);
    state = execute(state, cmd.release()).state;
    expect(state.inventoryReleased).toBe(true);
    state = execute(state, cmd.cancel('SAGA_FAILED')).state;
    expect(state).toMatchObject({ status: 'CANCELLED', cancellationReason: 'SAGA_FAILED' });
    expect(outstandingCompensation(state)).toEqual({ refundMinor: 0, release: [] });
  });

  it('refunds (voids) an authorization that was never captured, up to the authorized amount', () => {
    const state = states.authorized();
    expectValidation(cmd.refund('ref-1', TOTAL + 1), state, [{ path: 'amount', rule: 'max' }]);
    expect(execute(state, cmd.refund('ref-1', TOTAL)).state.refundedAmount).toBe(TOTAL);
  });

  it('stops forward steps once a refund is recorded', () => {
    const refunded = execute(states.authorized(), cmd.refund()).state;
    expectInvalidTransition(cmd.schedule(), refunded);
    expectInvalidTransition(cmd.requestReview(), refunded);
  });
});

describe('payload checks', () => {
  it('refuses an authorization for another amount or currency, reporting both', () => {
    expectValidation(cmd.authorize('auth-1', TOTAL - 1, 'EUR'), states.reserved(), [
      { path: 'amount', rule: 'amountMismatch' },
      { path: 'currency', rule: 'currencyMismatch' },
    ]);
  });

  it('refuses a capture above the authorized amount or not positive', () => {
    expectValidation(cmd.capture('cap-1', TOTAL + 1), states.scheduled(), [{ path: 'amount', rule: 'max' }]);
    expectValidation(cmd.capture('cap-1', 0), states.scheduled(), [{ path: 'amount', rule: 'positive' }]);
    expectValidation(cmd.capture('cap-1', 10.5), states.scheduled(), [{ path: 'amount', rule: 'positive' }]);
  });

  it('accepts a partial capture', () => {
    expect(execute(states.scheduled(), cmd.capture('cap-1', 1000)).state.capturedAmount).toBe(1000);
  });

  it('bounds a refund after capture by the captured amount', () => {
    const partlyCaptured = execute(states.scheduled(), cmd.capture('cap-1', 1000)).state;
    expectValidation(cmd.refund('ref-1', 1001), partlyCaptured, [{ path: 'amount', rule: 'max' }]);
    expect(execute(partlyCaptured, cmd.refund('ref-1', 1000)).state.refundedAmount).toBe(1000);
  });

  it('refuses reservations that do not match the order lines', () => {
    expectValidation(
      cmd.reserve([
        { sku: 'SKU-1', quantity: 1 },
        { sku: 'SKU-9', quantity: 1 },
        { sku: 'SKU-1', quantity: 2 },
      ]),
      states.pending(),
      [
        { path: 'reservations[0].quantity', rule: 'quantityMismatch' },
        { path: 'reservations[1].sku', rule: 'unknownSku' },
        { path: 'reservations[2].sku', rule: 'duplicateSku' },
        { path: 'reservations', rule: 'missingSku' },
      ],
    );
  });

  it('refuses an empty reservation', () => {
    expectValidation(cmd.reserve([]), states.pending(), [
      { path: 'reservations', rule: 'missingSku' },
      { path: 'reservations', rule: 'missingSku' },
    ]);
  });

  it('refuses a release that does not match what was reserved', () => {
    const declined = execute(states.reserved(), cmd.decline()).state;
    expectValidation(cmd.release([{ sku: 'SKU-1', quantity: 2 }]), declined, [
      { path: 'released', rule: 'missingSku' },
    ]);
  });
});

describe('terminal orders never change', () => {
  const forward: OrderCommand[] = [
    cmd.reserve(),
    cmd.reservationFailed(),
    cmd.authorize(),
    cmd.decline(),
    cmd.requestReview(),
    cmd.approveReview(),
    cmd.schedule(),
    cmd.capture(),
    cmd.confirm(),
  ];

  it.each(forward.map((c) => [c.type, c] as const))(
    'CANCELLED before it happened: %s is refused',
    (_t, command) => {
      expectInvalidTransition(command, states.cancelled());
    },
  );

  it('CONFIRMED refuses what did not happen: decline, reservation failure, review, refund, release', () => {
    const confirmed = states.confirmed();
    for (const command of [
      cmd.decline(),
      cmd.reservationFailed(),
      cmd.requestReview(),
      cmd.approveReview(),
    ]) {
      expectInvalidTransition(command, confirmed);
    }
    expectInvalidTransition(cmd.refund(), confirmed);
    expectInvalidTransition(cmd.release(), confirmed);
  });

  it.each(CANCELLATION_REASONS.filter((r) => r !== 'CUSTOMER_CANCELLED' && r !== 'OPERATOR_CANCELLED'))(
    'CONFIRMED refuses a saga CancelOrder (%s)',
    (reason) => expectInvalidTransition(cmd.cancel(reason), states.confirmed()),
  );

  it('CONFIRMED refuses a new capture or a different shipment', () => {
    const confirmed = states.confirmed();
    expectInvalidTransition(cmd.capture('cap-2'), confirmed);
    expectInvalidTransition(cmd.schedule('shp-2'), confirmed);
  });
});

describe('repeats are idempotent: the same command again produces no events', () => {
  const cases: [string, () => OrderState, OrderCommand][] = [
    ['RecordInventoryReserved when reserved', states.reserved, cmd.reserve()],
    ['RecordInventoryReserved when already confirmed', states.confirmed, cmd.reserve()],
    ['RecordPaymentAuthorized with the same id', states.authorized, cmd.authorize()],
    ['RecordPaymentAuthorized after confirmation', states.confirmed, cmd.authorize()],
    ['RequestReview when awaiting review', states.awaitingReview, cmd.requestReview()],
    ['RequestReview when already approved', states.approved, cmd.requestReview()],
    ['ApproveReview when approved', states.approved, cmd.approveReview()],
    ['RecordShipmentScheduled with the same id', states.scheduled, cmd.schedule()],
    ['RecordPaymentCaptured with the same id', states.captured, cmd.capture()],
    ['RecordPaymentCaptured on a CONFIRMED order', states.confirmed, cmd.capture()],
    ['ConfirmOrder when confirmed', states.confirmed, cmd.confirm()],
    ['PlaceOrder when confirmed', states.confirmed, cmd.place()],
  ];
  it.each(cases)('%s', (_name, given, command) => {
    expect(decide(command, given(), ctx)).toEqual(E.right([]));
  });

  it('RecordInventoryReservationFailed and RecordPaymentDeclined twice', () => {
    const failed = execute(states.pending(), cmd.reservationFailed()).state;
    expect(events(cmd.reservationFailed(), failed)).toEqual([]);
    const declined = execute(states.reserved(), cmd.decline()).state;
    expect(events(cmd.decline(), declined)).toEqual([]);
  });

  it('RecordPaymentRefunded and RecordInventoryReleased twice', () => {
    const refunded = execute(states.authorized(), cmd.refund()).state;
    expect(events(cmd.refund(), refunded)).toEqual([]);
    const released = execute(refunded, cmd.release()).state;
    expect(events(cmd.release(), released)).toEqual([]);
    const cancelled = execute(released, cmd.cancel('SAGA_FAILED')).state;
    expect(events(cmd.refund(), cancelled)).toEqual([]);
    expect(events(cmd.release(), cancelled)).toEqual([]);
  });

  it.each(CANCELLATION_REASONS)('CancelOrder (%s) on a CANCELLED order', (reason) => {
    expect(events(cmd.cancel(reason), states.cancelled())).toEqual([]);
  });

  it('a repeat with a different external id is not a repeat and is refused', () => {
    expectInvalidTransition(cmd.authorize('auth-2'), states.authorized());
    expectInvalidTransition(cmd.schedule('shp-2'), states.scheduled());
    expectInvalidTransition(cmd.capture('cap-2'), states.captured());
    expectInvalidTransition(cmd.refund('ref-2'), execute(states.authorized(), cmd.refund()).state);
  });

  it('a decided event applied twice leaves the same state as applied once', () => {
    const state = states.reserved();
    const once = execute(state, cmd.authorize()).state;
    const twice = execute(once, cmd.authorize());
    expect(twice.events).toEqual([]);
    expect(twice.state).toEqual(once);
  });
});

describe('cancellation', () => {
  const customerCancellable: [string, () => OrderState][] = [
    ['PENDING', states.pending],
    ['INVENTORY_RESERVED', states.reserved],
    ['PAYMENT_AUTHORIZED', states.authorized],
    ['AWAITING_REVIEW', states.awaitingReview],
  ];

  it.each(customerCancellable)('the customer may cancel in %s', (status, given) => {
    const state = given();
    expect(state.status).toBe(status);
    expect(canCustomerCancel(state)).toBe(true);
    const { events: emitted, state: cancelled } = execute(state, cmd.cancel('CUSTOMER_CANCELLED'));
    expect(emitted).toEqual([
      { type: 'OrderCancelled', data: { orderId: ORDER_ID, reason: 'CUSTOMER_CANCELLED' } },
    ]);
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancellationReason: 'CUSTOMER_CANCELLED' });
  });

  it.each([
    ['SHIPPING_SCHEDULED', states.scheduled],
    ['CONFIRMED', states.confirmed],
  ])('the customer may not cancel in %s (OrderNotCancellableError)', (status, given) => {
    const state = given();
    expect(canCustomerCancel(state)).toBe(false);
    const error = refusal(cmd.cancel('CUSTOMER_CANCELLED'), state);
    expect(error).toBeInstanceOf(OrderNotCancellableError);
    expect(error).toMatchObject({ code: 'ORDER_NOT_CANCELLABLE', orderId: ORDER_ID, status });
  });

  it('records an operator’s cancel as OPERATOR_CANCELLED, allowed and refused as a customer’s is', () => {
    expect(execute(states.awaitingReview(), cmd.cancel('OPERATOR_CANCELLED')).events).toEqual([
      { type: 'OrderCancelled', data: { orderId: ORDER_ID, reason: 'OPERATOR_CANCELLED' } },
    ]);
    expect(refusal(cmd.cancel('OPERATOR_CANCELLED'), states.scheduled())).toBeInstanceOf(
      OrderNotCancellableError,
    );
  });

  it('canCustomerCancel is false for an order that does not exist or is cancelled', () => {
    expect(canCustomerCancel(undefined)).toBe(false);
    expect(canCustomerCancel(states.cancelled())).toBe(false);
  });

  it.each(CANCELLATION_REASONS.filter((r) => r !== 'CUSTOMER_CANCELLED' && r !== 'OPERATOR_CANCELLED'))(
    'the saga may cancel after shipping was scheduled (%s)',
    (reason: CancellationReason) => {
      expect(execute(states.scheduled(), cmd.cancel(reason)).state).toMatchObject({
        status: 'CANCELLED',
        cancellationReason: reason,
      });
    },
  );

  it('carries the optional detail only when given', () => {
    expect(events(cmd.cancel('SAGA_FAILED', 'ReserveInventory timed out'), states.pending())).toEqual([
      {
        type: 'OrderCancelled',
        data: { orderId: ORDER_ID, reason: 'SAGA_FAILED', detail: 'ReserveInventory timed out' },
      },
    ]);
    const [event] = events(cmd.cancel('SAGA_FAILED'), states.pending());
    expect(event && 'detail' in event.data).toBe(false);
  });

  describe('after a customer cancelled a reserved and authorized order', () => {
    const cancelledMidFlight = (): OrderState =>
      execute(states.authorized(), cmd.cancel('CUSTOMER_CANCELLED')).state;

    it('reports what is still to be undone', () => {
      expect(outstandingCompensation(cancelledMidFlight())).toEqual({
        refundMinor: TOTAL,
        release: RESERVATIONS,
      });
    });

    it('still records the refund and the release, and stays CANCELLED', () => {
      let state = cancelledMidFlight();
      state = execute(state, cmd.refund()).state;
      state = execute(state, cmd.release()).state;
      expect(state).toMatchObject({ status: 'CANCELLED', refundedAmount: TOTAL, inventoryReleased: true });
      expect(outstandingCompensation(state)).toEqual({ refundMinor: 0, release: [] });
    });

    it('refuses the saga’s next forward step', () => {
      expectInvalidTransition(cmd.schedule(), cancelledMidFlight());
    });
  });

  describe('when a reservation or authorization raced a cancellation and was refused', () => {
    const cancelledWhilePending = (): OrderState => states.cancelled();

    it('accepts a refund bounded by the order total', () => {
      expectValidation(cmd.refund('ref-1', TOTAL + 1), cancelledWhilePending(), [
        { path: 'amount', rule: 'max' },
      ]);
      expect(execute(cancelledWhilePending(), cmd.refund()).state.refundedAmount).toBe(TOTAL);
    });

    it('accepts a release within the order lines', () => {
      const released = [{ sku: 'SKU-1', quantity: 2 }];
      expect(events(cmd.release(released), cancelledWhilePending())).toEqual([
        { type: 'InventoryReleased', data: { orderId: ORDER_ID, released } },
      ]);
      expectValidation(cmd.release([{ sku: 'SKU-1', quantity: 3 }]), cancelledWhilePending(), [
        { path: 'released[0].quantity', rule: 'quantityMismatch' },
      ]);
      expectValidation(cmd.release([]), cancelledWhilePending(), [{ path: 'released', rule: 'minItems' }]);
    });
  });
});

it('is pure: deciding does not change the state it was given', () => {
  const state = run(cmd.place(), cmd.reserve());
  const snapshot = JSON.stringify(state);
  decide(cmd.authorize(), state, ctx);
  decide(cmd.cancel('CUSTOMER_CANCELLED'), state, ctx);
  expect(JSON.stringify(state)).toBe(snapshot);
});
