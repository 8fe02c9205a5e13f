import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import * as E from 'fp-ts/Either';
import { canonicalJson, decide, parsePlaceOrder, toEnvelopes } from '../../domain/orders';
import { requireActingFor } from '../../domain/shared/access';
import { ConcurrencyError, IdempotencyKeyReusedError, ValidationError } from '../../domain/shared/errors';
import type { EventStore } from '../../adapters/dynamodb/event-store';
import type { IdempotencyStore } from '../../adapters/dynamodb/idempotency-store';
import { jsonApi, type ApiRequest, type ApiResponse } from '../http/json-api';
import { correlate, logger, orderMetrics } from '../observability';
import { idempotencyStore, orderEventStore } from './dependencies';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export interface PlaceOrderDeps {
  readonly store: EventStore;
  readonly idempotency: IdempotencyStore;
  readonly now: () => Date;
  readonly newId: () => string;
}

const orThrow = <A>(result: E.Either<Error, A>): A => {
  if (E.isLeft(result)) throw result.left;
  return result.right;
};

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

/**
 * Validates the order and appends OrderPlaced as version 1 of a new stream. With an Idempotency-Key,
 * the key is claimed first with the order id it will use, so a repeat (even after a crash between
 * the claim and the append) lands on the same order and gets the same answer.
 */
export async function placeOrder(deps: PlaceOrderDeps, request: ApiRequest): Promise<ApiResponse> {
  const key = idempotencyKeyOf(request);
  const order = orThrow(parsePlaceOrder(request.body));
  requireActingFor(request.caller, order.customerId);
  const now = deps.now();
  let orderId = deps.newId();

  if (key) {
    const requestHash = createHash('sha256').update(canonicalJson(request.body)).digest('hex');
    // Keys are per caller: one client's key never collides with another's.
    const scope = request.caller ? `${request.caller.subject}#` : '';
    const claim = await deps.idempotency.claim(`placeOrder#${scope}${key}`, requestHash, { orderId }, now);
    if (!claim.claimed) {
      if (claim.existing.requestHash !== requestHash) throw new IdempotencyKeyReusedError(key);
      orderId = claim.existing.result.orderId ?? orderId;
    }
  }
  correlate(orderId);

  const events = orThrow(
    decide({ type: 'PlaceOrder', orderId, placedAt: now.toISOString(), request: order }, undefined, {
      now: now.toISOString(),
    }),
  );
  const envelopes = toEnvelopes(events, {
    orderId,
    currentVersion: 0,
    occurredAt: now.toISOString(),
    correlationId: orderId,
    causationId: request.requestId,
    newEventId: deps.newId,
  });
  try {
    await deps.store.append(envelopes);
    orderMetrics.placed();
    logger.info('order placed', { customerId: order.customerId, lines: order.items.length });
  } catch (error) {
    // With a key, a taken version 1 means the first attempt already placed this very order.
    if (!(key && error instanceof ConcurrencyError)) throw error;
    logger.info('order already placed: a repeated request');
  }
  return {
    status: 202,
    headers: { location: `/orders/${orderId}` },
    body: { orderId, status: 'PENDING' },
  };
}

export const handler = jsonApi(
  (request) =>
    placeOrder(
      { store: orderEventStore(), idempotency: idempotencyStore(), now: () => new Date(), newId: ulid },
      request,
    ),
  { withBody: true },
);
