import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import * as E from 'fp-ts/Either';
import { decideNewOrder, startOrderStream } from '../../application';
import { canonicalJson, parsePlaceOrder, type Decision, type PriceList } from '../../domain/orders';
import { unwrap } from '../../domain/shared/unwrap';
import { requireActingFor } from '../../domain/shared/access';
import { ConcurrencyError, ValidationError } from '../../domain/shared/errors';
import { IdempotencyKeyReusedError } from '../../domain/orders';
import type { EventStore } from '../../adapters/dynamodb/event-store';
import type { IdempotencyStore } from '../../adapters/dynamodb/idempotency-store';
import { jsonApi, type ApiRequest, type ApiResponse } from '../http/json-api';
import { correlate, logger, orderMetrics } from '../shared/observability';
import {
  idempotencyStore,
  inventoryStore,
  orderEventStore,
  paymentMethodReferences,
} from '../composition-root/stores';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export interface PlaceOrderDeps {
  readonly store: EventStore;
  readonly idempotency: IdempotencyStore;
  /** The price port: the catalogue prices of the order's SKUs (the inventory store). */
  readonly catalogue: { prices(skus: readonly string[]): Promise<PriceList> };
  /** Seals the payment token into the reference the order records (the token itself is never stored). */
  readonly paymentMethods: { seal(token: string, orderId: string): string };
  readonly now: () => Date;
  readonly newId: () => string;
}

function idempotencyKeyOf(request: ApiRequest): string | undefined {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ValidationError([
      { path: 'Idempotency-Key', rule: 'pattern', message: 'must be 1-255 visible ASCII characters' },
    ]);
  }
  return key;
}

const accepted = (orderId: string): ApiResponse => ({
  status: 202,
  headers: { location: `/orders/${orderId}` },
  body: { orderId, status: 'PENDING' },
});

/**
 * Validates the order, prices it from the catalogue and appends OrderPlaced as version 1 of a new stream.
 *
 * The order is decided (priced) before anything is written, so a refused order (a price that changed,
 * a SKU with no price, another currency) leaves no trace, not even an idempotency claim. With an
 * Idempotency-Key, the key is then claimed with the order id it will use, so a repeat (even after a
 * crash between the claim and the append) lands on the same order and gets the same answer; a repeat
 * that the catalogue would now refuse still gets its order when the first request placed it.
 */
export async function placeOrder(deps: PlaceOrderDeps, request: ApiRequest): Promise<ApiResponse> {
  const key = idempotencyKeyOf(request);
  const order = unwrap(parsePlaceOrder(request.body));
  requireActingFor(request.caller, order.customerId);
  const now = deps.now();
  const at = now.toISOString();
  const prices = await deps.catalogue.prices(order.items.map((line) => line.sku));
  const decideFor = (orderId: string): Decision =>
    decideNewOrder({
      type: 'PlaceOrder',
      orderId,
      placedAt: at,
      request: order,
      prices,
      paymentMethod: { reference: deps.paymentMethods.seal(order.paymentToken, orderId) },
    });

  // Keys are per caller: one client's key never collides with another's.
  const claimId = key && `placeOrder#${request.caller ? `${request.caller.subject}#` : ''}${key}`;
  const requestHash = createHash('sha256').update(canonicalJson(request.body)).digest('hex');
  let orderId = deps.newId();
  let decision = decideFor(orderId);
  if (E.isLeft(decision)) {
    const placed = claimId ? await placedBefore(deps, claimId, key, requestHash, now) : undefined;
    if (placed) return accepted(placed);
    throw decision.left;
  }

  if (claimId) {
    const claim = await deps.idempotency.claim(claimId, requestHash, { orderId }, now);
    if (!claim.claimed) {
      if (claim.existing.requestHash !== requestHash) throw new IdempotencyKeyReusedError(key);
      const claimedId = claim.existing.result.orderId;
      if (claimedId !== undefined && claimedId !== orderId) {
        orderId = claimedId;
        // The same prices, decided again for the order id the first request claimed.
        decision = decideFor(orderId);
      }
    }
  }
  correlate(orderId);

  try {
    await startOrderStream(deps.store, orderId, unwrap(decision), {
      at,
      causationId: request.requestId,
      newEventId: deps.newId,
    });
    orderMetrics.placed();
    logger.info('order placed', { customerId: order.customerId, lines: order.items.length });
  } catch (error) {
    // With a key, a taken version 1 means the first attempt already placed this very order.
    if (!(key && error instanceof ConcurrencyError)) throw error;
    logger.info('order already placed: a repeated request');
  }
  return accepted(orderId);
}

/**
 * The order a repeated request (same key, same body) placed before, if it did: a client retrying after
 * a lost answer must get its order, not a refusal the catalogue's change since would now give.
 */
async function placedBefore(
  deps: PlaceOrderDeps,
  claimId: string,
  key: string,
  requestHash: string,
  now: Date,
): Promise<string | undefined> {
  const existing = await deps.idempotency.find(claimId, now);
  if (!existing) return undefined;
  if (existing.requestHash !== requestHash) throw new IdempotencyKeyReusedError(key);
  const { orderId } = existing.result;
  if (orderId === undefined) return undefined;
  return (await deps.store.load(orderId)).length > 0 ? orderId : undefined;
}

export const handler = jsonApi(
  (request) =>
    placeOrder(
      {
        store: orderEventStore(),
        idempotency: idempotencyStore(),
        catalogue: inventoryStore(),
        paymentMethods: paymentMethodReferences(),
        now: () => new Date(),
        newId: ulid,
      },
      request,
    ),
  { withBody: true },
);
