export interface InvocationResult {
  /** Set when the function threw or timed out (Lambda's `FunctionError`). */
  readonly functionError?: string;
  readonly payload: unknown;
}

/** A function invoked as a target (of a rule, a subscription) reported an error. */
export class LambdaTargetError extends Error {
  override readonly name = 'LambdaTargetError';
}

export interface InvokeOptions {
  /**
   * Called when the function's handler starts, after any wait for a free execution environment: a
   * caller that times the invocation (a state machine's TimeoutSeconds) starts its clock here, since
   * Lambda would have started another environment instead of making it wait.
   */
  readonly onStart?: () => void;
}

/** Anything that invokes a function by name, as the Lambda Invoke API does. */
export interface FunctionInvoker {
  invoke(functionName: string, event: unknown, options?: InvokeOptions): Promise<InvocationResult>;
}

/** `arn:...:function:name[:qualifier]`, `account:function:name`, `name:qualifier` or `name` -> `name`. */
export function functionNameOf(reference: string): string {
  const parts = reference.split(':');
  const index = parts.indexOf('function');
  if (index >= 0 && parts[index + 1]) return parts[index + 1] ?? reference;
  return parts[0] ?? reference;
}
