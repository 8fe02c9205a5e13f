export interface InvocationResult {
  /** Set when the function threw or timed out (Lambda's `FunctionError`). */
  readonly functionError?: string;
  readonly payload: unknown;
}

/** A function invoked as a target (of a rule, a subscription) reported an error. */
export class LambdaTargetError extends Error {
  override readonly name = 'LambdaTargetError';
}

/** Anything that invokes a function by name, as the Lambda Invoke API does. */
export interface FunctionInvoker {
  invoke(functionName: string, event: unknown): Promise<InvocationResult>;
}

/** `arn:...:function:name[:qualifier]`, `account:function:name`, `name:qualifier` or `name` -> `name`. */
export function functionNameOf(reference: string): string {
  const parts = reference.split(':');
  const index = parts.indexOf('function');
  if (index >= 0 && parts[index + 1]) return parts[index + 1] ?? reference;
  return parts[0] ?? reference;
}
