import * as E from 'fp-ts/Either';
import {
  type DecideContext,
  decide,
  type DomainError,
  evolve,
  type OrderCommand,
  type OrderEvent,
  type OrderEventEnvelope,
  type OrderState,
  type OrderLine,
  type PlaceOrderRequest,
  type PriceList,
  toEnvelopes,
} from '../../../src/domain/orders';

export const ORDER_ID = 'ord_01HZX';
export const PLACED_AT = '2024-05-01T10:00:00.000Z';
export const ctx: DecideContext = { now: '2024-05-01T10:05:00.000Z' };

/** A valid `POST /orders` body; each test changes one thing. Total: 2 x 1250 + 1 x 999 = 3499. */
export const validBody = (): Record<string, unknown> => ({
  customerId: 'cust-42',
  items: [
    { sku: 'SKU-1', quantity: 2, unitPrice: 1250 },
    { sku: 'SKU-2', quantity: 1, unitPrice: 999 },
  ],
  currency: 'USD',
  paymentToken: 'tok_approve',
  shippingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
});

/** A request as parsed; its lines quote the catalogue's prices (CATALOGUE). */
export const validRequest = (): PlaceOrderRequest => ({
  customerId: 'cust-42',
  items: [
    { sku: 'SKU-1', quantity: 2, unitPrice: 1250 },
    { sku: 'SKU-2', quantity: 1, unitPrice: 999 },
  ],
  currency: 'USD',
  paymentToken: 'tok_approve',
  shippingAddress: { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
});

/** The catalogue the tests' orders are priced from: SKU-1 at 1250 and SKU-2 at 999, in USD. */
export const CATALOGUE: PriceList = new Map([
  ['SKU-1', { unitPrice: 1250, currency: 'USD' }],
  ['SKU-2', { unitPrice: 999, currency: 'USD' }],
]);

/** A price list with each line's own unit price, for requests that quote prices outside CATALOGUE. */
export const pricesOf = (lines: readonly OrderLine[], currency = 'USD'): PriceList =>
  new Map(lines.map((line) => [line.sku, { unitPrice: line.unitPrice, currency }]));

/** What the handler seals the payment token into; the domain only carries it. */
export const PAYMENT_METHOD = { reference: 'pm1.sealed-reference' };

/** The lines of validRequest() as an order records them, priced. */
export const PRICED_LINES: OrderLine[] = [
  { sku: 'SKU-1', quantity: 2, unitPrice: 1250 },
  { sku: 'SKU-2', quantity: 1, unitPrice: 999 },
];

export const TOTAL = 3499;
export const RESERVATIONS = [
  { sku: 'SKU-1', quantity: 2 },
  { sku: 'SKU-2', quantity: 1 },
];

let eventCounter = 0;
const nextEventId = (): string => `evt-${(eventCounter += 1)}`;

/** Minute `n` after PLACED_AT, so every appended batch gets a distinct, increasing occurredAt. */
export const minute = (n: number): string => new Date(Date.parse(PLACED_AT) + n * 60_000).toISOString();

export const envelopesFor = (
  events: readonly OrderEvent[],
  currentVersion: number,
  // A second after the minute, so occurredAt never equals placedAt and tests can tell them apart.
  occurredAt = new Date(Date.parse(minute(currentVersion)) + 1000).toISOString(),
): OrderEventEnvelope[] =>
  toEnvelopes(events, {
    orderId: ORDER_ID,
    currentVersion,
    occurredAt,
    correlationId: 'corr-1',
    causationId: 'cause-1',
    newEventId: nextEventId,
  });

export const applyEvents = (
  state: OrderState | undefined,
  events: readonly OrderEvent[],
): OrderState | undefined =>
  envelopesFor(events, state?.version ?? 0).reduce<OrderState | undefined>(evolve, state);

/** Decides and applies; fails the test if the command is refused. */
export const execute = (
  state: OrderState | undefined,
  command: OrderCommand,
): { state: OrderState; events: OrderEvent[] } => {
  const decision = decide(command, state, ctx);
  if (E.isLeft(decision)) {
    throw decision.left;
  }
  const next = applyEvents(state, decision.right) ?? state;
  if (next === undefined) throw new TypeError('command produced no order');
  return { state: next, events: decision.right };
};

export const run = (...commands: OrderCommand[]): OrderState => {
  let state: OrderState | undefined;
  for (const command of commands) state = execute(state, command).state;
  if (state === undefined) throw new TypeError('no commands given');
  return state;
};

/** The error of a refused command; fails the test if the command was accepted. */
export const refusal = (command: OrderCommand, state: OrderState | undefined): DomainError => {
  const decision = decide(command, state, ctx);
  if (E.isRight(decision)) throw new TypeError(`expected ${command.type} to be refused`);
  return decision.left;
};

export const events = (command: OrderCommand, state: OrderState | undefined): OrderEvent[] => {
  const decision = decide(command, state, ctx);
  if (E.isLeft(decision)) throw decision.left;
  return decision.right;
};

export const cmd = {
  place: (request: PlaceOrderRequest = validRequest(), prices: PriceList = CATALOGUE): OrderCommand => ({
    type: 'PlaceOrder',
    orderId: ORDER_ID,
    placedAt: PLACED_AT,
    request,
    prices,
    paymentMethod: PAYMENT_METHOD,
  }),
  reserve: (reservations = RESERVATIONS): OrderCommand => ({
    type: 'RecordInventoryReserved',
    orderId: ORDER_ID,
    reservations,
  }),
  reservationFailed: (): OrderCommand => ({
    type: 'RecordInventoryReservationFailed',
    orderId: ORDER_ID,
    reason: 'insufficient stock',
    skus: ['SKU-2'],
  }),
  authorize: (authorizationId = 'auth-1', amount = TOTAL, currency = 'USD'): OrderCommand => ({
    type: 'RecordPaymentAuthorized',
    orderId: ORDER_ID,
    authorizationId,
    amount,
    currency,
  }),
  decline: (): OrderCommand => ({
    type: 'RecordPaymentDeclined',
    orderId: ORDER_ID,
    reason: 'card declined',
  }),
  requestReview: (): OrderCommand => ({ type: 'RequestReview', orderId: ORDER_ID }),
  approveReview: (): OrderCommand => ({
    type: 'ApproveReview',
    orderId: ORDER_ID,
    reviewer: 'ops@example.com',
  }),
  schedule: (shipmentId = 'shp-1'): OrderCommand => ({
    type: 'RecordShipmentScheduled',
    orderId: ORDER_ID,
    shipmentId,
  }),
  capture: (captureId = 'cap-1', amount = TOTAL): OrderCommand => ({
    type: 'RecordPaymentCaptured',
    orderId: ORDER_ID,
    captureId,
    amount,
  }),
  confirm: (): OrderCommand => ({ type: 'ConfirmOrder', orderId: ORDER_ID }),
  refund: (refundId = 'ref-1', amount = TOTAL): OrderCommand => ({
    type: 'RecordPaymentRefunded',
    orderId: ORDER_ID,
    refundId,
    amount,
  }),
  release: (released = RESERVATIONS): OrderCommand => ({
    type: 'RecordInventoryReleased',
    orderId: ORDER_ID,
    released,
  }),
  cancel: (
    reason: Extract<OrderCommand, { type: 'CancelOrder' }>['reason'],
    detail?: string,
  ): OrderCommand => ({
    type: 'CancelOrder',
    orderId: ORDER_ID,
    reason,
    ...(detail === undefined ? {} : { detail }),
  }),
};

/** States reached by the happy path, by name. */
export const states = {
  pending: (): OrderState => run(cmd.place()),
  reserved: (): OrderState => run(cmd.place(), cmd.reserve()),
  authorized: (): OrderState => run(cmd.place(), cmd.reserve(), cmd.authorize()),
  awaitingReview: (): OrderState => run(cmd.place(), cmd.reserve(), cmd.authorize(), cmd.requestReview()),
  approved: (): OrderState =>
    run(cmd.place(), cmd.reserve(), cmd.authorize(), cmd.requestReview(), cmd.approveReview()),
  scheduled: (): OrderState => run(cmd.place(), cmd.reserve(), cmd.authorize(), cmd.schedule()),
  captured: (): OrderState => run(cmd.place(), cmd.reserve(), cmd.authorize(), cmd.schedule(), cmd.capture()),
  confirmed: (): OrderState =>
    run(cmd.place(), cmd.reserve(), cmd.authorize(), cmd.schedule(), cmd.capture(), cmd.confirm()),
  cancelled: (): OrderState => run(cmd.place(), cmd.cancel('CUSTOMER_CANCELLED')),
};
