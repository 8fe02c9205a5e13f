/**
 * Whether an HTTP API answer is a transient server failure that a client may retry with its
 * Idempotency-Key: a 5xx (a function error, a timed-out function or integration).
 */
export const isTransientServerAnswer = (answer: { status: number; body: unknown }): boolean =>
  answer.status >= 500;
