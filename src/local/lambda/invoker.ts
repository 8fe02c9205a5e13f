import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { RequestCounter } from '../metrics/request-counter';

export interface InvocationResult {
  /** Set when the function threw or timed out (Lambda's `FunctionError`). */
  readonly functionError?: string;
  readonly payload: unknown;
}

/** A function invoked as a target (of a rule, a subscription) reported an error. */
export class LambdaTargetError extends Error {
  override readonly name = 'LambdaTargetError';
}

interface ErrorPayload {
  errorType?: string;
  errorMessage?: string;
  trace?: string[];
}

/**
 * AWS reports a thrown error's `name` as `errorType`; serverless-offline's Invoke API always says
 * "Error" (the name is lost crossing its worker thread), but the stack trace's first line still
 * starts with it. Restoring it keeps Step Functions' Retry and Catch on error names working offline.
 */
function withErrorType(payload: unknown): unknown {
  const error = payload as ErrorPayload | undefined;
  // serverless-offline's own timeout; Lambda reports a timed-out invocation as Sandbox.Timedout.
  if (error?.errorMessage?.includes('[504] - Lambda timeout'))
    return { ...error, errorType: 'Sandbox.Timedout' };
  if (!error || error.errorType !== 'Error' || !Array.isArray(error.trace)) return payload;
  const name = /^([A-Za-z_$][\w$.]*): /.exec(error.trace[0] ?? '')?.[1];
  return name ? { ...error, errorType: name } : payload;
}

/** Anything that invokes a function by name, as the Lambda Invoke API does. */
export interface FunctionInvoker {
  invoke(functionName: string, event: unknown): Promise<InvocationResult>;
}

/**
 * Invokes functions the way AWS's own event sources do: through the Lambda Invoke API, here the one
 * serverless-offline serves, so every function runs in its real handler runtime with its real config.
 */
export class LambdaInvoker implements FunctionInvoker {
  private readonly client: LambdaClient;

  /** `counter` counts each invocation per function (the bench's Lambda invocations per order). */
  constructor(
    endpoint: string,
    region: string,
    private readonly counter?: RequestCounter,
  ) {
    this.client = new LambdaClient({
      endpoint,
      region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  }

  async invoke(functionName: string, event: unknown): Promise<InvocationResult> {
    const started = performance.now();
    const response = await this.client
      .send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }))
      .catch((error: unknown) => {
        this.counter?.countInvocation(functionName, performance.now() - started, true);
        throw error;
      });
    this.counter?.countInvocation(
      functionName,
      performance.now() - started,
      response.FunctionError !== undefined,
    );
    const text = response.Payload ? Buffer.from(response.Payload).toString('utf8') : '';
    let payload: unknown = text;
    try {
      payload = text ? JSON.parse(text) : undefined;
    } catch {
      // a non-JSON payload is passed on as text
    }
    return {
      functionError: response.FunctionError,
      payload: response.FunctionError ? withErrorType(payload) : payload,
    };
  }

  close(): void {
    this.client.destroy();
  }
}
