/**
 * serverless-offline answers an HTTP API (payload 2.0) route whose function failed, or ran past its
 * timeout, with status 200 and Lambda's error payload as the body
 * (`{"errorMessage":"[504] - Lambda timeout.","errorType":"LambdaTimeoutError",...}`), so a client
 * takes a failed `POST /orders` for a success. API Gateway answers these with a 5xx and a message.
 */

/** Every error payload serverless-offline writes starts so (it serialises `errorMessage` first). */
export const ERROR_PAYLOAD_PREFIX = Buffer.from('{"errorMessage":');

export interface GatewayAnswer {
  readonly status: number;
  readonly body: { readonly message: string };
}

interface LambdaErrorPayload {
  readonly errorMessage: string;
  readonly errorType: string;
}

const isErrorPayload = (value: unknown): value is LambdaErrorPayload =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { errorMessage?: unknown }).errorMessage === 'string' &&
  typeof (value as { errorType?: unknown }).errorType === 'string';

/**
 * API Gateway's answer for a 200 body that is really a function's failure, or undefined when the
 * body is the function's own answer. A timeout is 504; any other failure (an unhandled error, a
 * crash while loading) is 500, as API Gateway answers a function error.
 */
export function gatewayAnswerFor(body: Buffer): GatewayAnswer | undefined {
  if (!body.subarray(0, ERROR_PAYLOAD_PREFIX.length).equals(ERROR_PAYLOAD_PREFIX)) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isErrorPayload(payload)) return undefined;
  if (payload.errorType === 'LambdaTimeoutError' || payload.errorMessage.startsWith('[504]')) {
    return { status: 504, body: { message: 'Endpoint request timed out' } };
  }
  return { status: 500, body: { message: 'Internal Server Error' } };
}
