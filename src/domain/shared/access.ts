import { ForbiddenError } from './errors';

/**
 * Who is calling, as the API's authorizer vouched for it, and what that lets them do. Customers act
 * for themselves only (their token's subject is their customer id); operators act for anyone.
 */
export interface Caller {
  /** The token's subject: a customer's id, or an operator's client. */
  readonly subject: string;
  readonly scopes: readonly string[];
}

/** What the authorizer vouched for: the token's `sub` claim (any type, unchecked) and its scopes. */
export interface VerifiedClaims {
  readonly subject: unknown;
  readonly scopes: readonly string[];
}

export const OPERATOR_SCOPE = 'orderflow/admin';

/**
 * The caller a request runs as. Identity fails closed: no claims (a route invoked without its
 * authorizer) or a token that names no subject is refused, never taken for an operator. Cognito
 * access tokens always carry `sub`, customers' and machine clients' alike.
 */
export function identifyCaller(claims: VerifiedClaims | undefined): Caller {
  const subject = claims?.subject;
  if (claims === undefined || typeof subject !== 'string' || subject === '') {
    throw new ForbiddenError([
      {
        path: 'authorization',
        rule: 'subject',
        message: 'the request must carry a verified token that names its subject (sub)',
      },
    ]);
  }
  return { subject, scopes: claims.scopes };
}

/** An operator is a caller whose token has the operator scope; nobody else, and no absent caller. */
export const isOperator = (caller: Caller | undefined): boolean =>
  caller?.scopes.includes(OPERATOR_SCOPE) === true;

export const mayActFor = (caller: Caller | undefined, customerId: string): boolean =>
  caller !== undefined && (isOperator(caller) || caller.subject === customerId);

/** Refuses a customer who names another customer (placing or listing orders in their name). */
export function requireActingFor(caller: Caller | undefined, customerId: string): void {
  if (!mayActFor(caller, customerId)) {
    throw new ForbiddenError([
      { path: 'customerId', rule: 'caller', message: 'must be the signed-in customer (the token subject)' },
    ]);
  }
}
