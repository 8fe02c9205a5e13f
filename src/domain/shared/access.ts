import { ForbiddenError, OrderNotFoundError } from './errors';

/**
 * Who is calling, as the API's authorizer vouched for it, and what that lets them do. Customers act
 * for themselves only (their token's subject is their customer id); operators act for anyone.
 */
export interface Caller {
  /** The token's subject: a customer's id, or an operator's client. */
  readonly subject: string;
  readonly scopes: readonly string[];
}

export const OPERATOR_SCOPE = 'orderflow/admin';

/**
 * No caller means the route ran without an authorizer, which happens only where authorization is
 * switched off on purpose (offline experiments, `sls invoke local`): nothing is restricted then.
 */
export const isOperator = (caller: Caller | undefined): boolean =>
  caller === undefined || caller.scopes.includes(OPERATOR_SCOPE);

export const mayActFor = (caller: Caller | undefined, customerId: string): boolean =>
  isOperator(caller) || caller?.subject === customerId;

/** Refuses a customer who names another customer (placing or listing orders in their name). */
export function requireActingFor(caller: Caller | undefined, customerId: string): void {
  if (!mayActFor(caller, customerId)) {
    throw new ForbiddenError([
      { path: 'customerId', rule: 'caller', message: 'must be the signed-in customer (the token subject)' },
    ]);
  }
}

/**
 * Refuses an order the caller may not see as if it did not exist, so an order id reveals nothing;
 * `owner` is undefined when there is no such order.
 */
export function requireVisibleOrder(
  caller: Caller | undefined,
  orderId: string,
  owner: string | undefined,
): void {
  if (owner === undefined || !mayActFor(caller, owner)) throw new OrderNotFoundError(orderId);
}
