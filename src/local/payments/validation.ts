import type { IncomingHttpHeaders } from 'node:http';
import { code as lookupCurrency } from 'currency-codes';
import { invalidRequest } from './errors';

export type JsonObject = Readonly<Record<string, unknown>>;

const MAX_STRING_LENGTH = 255;

export interface AuthorizationRequest {
  readonly orderId: string;
  readonly amount: number;
  readonly currency: string;
  readonly token: string;
}

/** Body of capture and refund: an optional amount (default: everything that is left). */
export interface AmountRequest {
  readonly amount?: number;
}

/** Fail the next money-moving requests with an error status. */
export interface FailFaultRequest {
  readonly kind: 'fail';
  readonly failNext: number;
  readonly status: number;
}

/** Run the next money-moving requests, but answer them only after `delayMs`: a client with a shorter timeout sees a timeout although the provider acted. */
export interface DelayFaultRequest {
  readonly kind: 'delay';
  readonly delayNext: number;
  readonly delayMs: number;
}

export type FaultRequest = FailFaultRequest | DelayFaultRequest;

const MAX_FAULT_DELAY_MS = 60_000;

/** The request body as a JSON object; an empty body is `{}`. */
export function parseJsonObject(raw: string): JsonObject {
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidRequest('The request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest('The request body must be a JSON object');
  }
  return parsed as JsonObject;
}

function onlyFields(body: JsonObject, allowed: readonly string[]): void {
  const unknown = Object.keys(body).find((name) => !allowed.includes(name));
  if (unknown !== undefined) throw invalidRequest(`Received unknown parameter: ${unknown}`, unknown);
}

function requiredString(body: JsonObject, name: string): string {
  const value = body[name];
  if (value === undefined || value === null) throw invalidRequest(`Missing required param: ${name}`, name);
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_STRING_LENGTH) {
    throw invalidRequest(`${name} must be a string of 1-${MAX_STRING_LENGTH} characters`, name);
  }
  return value;
}

function amountValue(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalidRequest(`${name} must be a positive integer number of minor units`, name);
  }
  return value;
}

function requiredAmount(body: JsonObject, name: string): number {
  const value = body[name];
  if (value === undefined || value === null) throw invalidRequest(`Missing required param: ${name}`, name);
  return amountValue(value, name);
}

function currencyValue(body: JsonObject, name: string): string {
  const value = requiredString(body, name);
  if (!/^[A-Z]{3}$/.test(value) || lookupCurrency(value) === undefined) {
    throw invalidRequest(`${name} must be an ISO 4217 currency code in upper case, got "${value}"`, name);
  }
  return value;
}

export function parseAuthorizationRequest(body: JsonObject): AuthorizationRequest {
  onlyFields(body, ['orderId', 'amount', 'currency', 'token']);
  return {
    orderId: requiredString(body, 'orderId'),
    amount: requiredAmount(body, 'amount'),
    currency: currencyValue(body, 'currency'),
    token: requiredString(body, 'token'),
  };
}

export function parseAmountRequest(body: JsonObject): AmountRequest {
  onlyFields(body, ['amount']);
  const amount = body.amount;
  return amount === undefined ? {} : { amount: amountValue(amount, 'amount') };
}

export function parseEmptyRequest(body: JsonObject): Record<string, never> {
  onlyFields(body, []);
  return {};
}

export function parseFaultRequest(body: JsonObject): FaultRequest {
  if ('delayNext' in body) {
    onlyFields(body, ['delayNext', 'delayMs']);
    const { delayNext, delayMs = 5_000 } = body;
    if (typeof delayNext !== 'number' || !Number.isSafeInteger(delayNext) || delayNext < 1) {
      throw invalidRequest('delayNext must be a positive integer', 'delayNext');
    }
    if (
      typeof delayMs !== 'number' ||
      !Number.isInteger(delayMs) ||
      delayMs < 1 ||
      delayMs > MAX_FAULT_DELAY_MS
    ) {
      throw invalidRequest(`delayMs must be a whole number of ms, 1-${MAX_FAULT_DELAY_MS}`, 'delayMs');
    }
    return { kind: 'delay', delayNext, delayMs };
  }
  onlyFields(body, ['failNext', 'status']);
  const { failNext, status = 503 } = body;
  if (typeof failNext !== 'number' || !Number.isSafeInteger(failNext) || failNext < 1) {
    throw invalidRequest('failNext must be a positive integer', 'failNext');
  }
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
    throw invalidRequest('status must be an HTTP error status (400-599)', 'status');
  }
  return { kind: 'fail', failNext, status };
}

/** `GET /v1/authorizations`: by the Idempotency-Key the authorization was made with, or by order. */
export interface AuthorizationQuery {
  readonly idempotencyKey?: string;
  readonly orderId?: string;
}

export function parseAuthorizationQuery(query: URLSearchParams): AuthorizationQuery {
  const unknown = [...query.keys()].find((name) => name !== 'idempotencyKey' && name !== 'orderId');
  if (unknown !== undefined) throw invalidRequest(`Received unknown parameter: ${unknown}`, unknown);
  const value = (name: 'idempotencyKey' | 'orderId'): string | undefined => {
    const given = query.get(name);
    if (given === null) return undefined;
    if (given.length === 0 || given.length > MAX_STRING_LENGTH) {
      throw invalidRequest(`${name} must be a string of 1-${MAX_STRING_LENGTH} characters`, name);
    }
    return given;
  };
  const idempotencyKey = value('idempotencyKey');
  const orderId = value('orderId');
  if (idempotencyKey === undefined && orderId === undefined) {
    throw invalidRequest('Give idempotencyKey or orderId to find authorizations', 'idempotencyKey');
  }
  return {
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    ...(orderId === undefined ? {} : { orderId }),
  };
}

/** The Idempotency-Key header, required on every money-moving request. */
export function idempotencyKeyOf(headers: IncomingHttpHeaders): string {
  const raw = headers['idempotency-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (key === undefined || key === '') {
    throw invalidRequest('The Idempotency-Key header is required', 'Idempotency-Key');
  }
  if (key.length > MAX_STRING_LENGTH) {
    throw invalidRequest(`Idempotency-Key is longer than ${MAX_STRING_LENGTH} characters`, 'Idempotency-Key');
  }
  return key;
}
