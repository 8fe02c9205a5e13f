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
