/**
 * Whether an HTTP API answer is a transient server failure that a client may retry with its
 * Idempotency-Key: a 5xx, or serverless-offline's Lambda timeout, which it answers with 200 and an
 * `errorMessage` body where API Gateway would answer 5xx.
 */
export const isTransientServerAnswer = (answer: { status: number; body: unknown }): boolean =>
  answer.status >= 500 ||
  (answer.status === 200 &&
    typeof (answer.body as { errorMessage?: unknown } | undefined)?.errorMessage === 'string');
