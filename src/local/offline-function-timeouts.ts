/** ORDERFLOW_OFFLINE_FUNCTION_TIMEOUTS_MS is not a JSON object of function keys to milliseconds. */
export class FunctionTimeoutsError extends Error {
  override readonly name = 'FunctionTimeoutsError';
}

/**
 * Gives offline functions the timeouts a stack asked for (`{"placeOrder": 1}`, in milliseconds),
 * instead of the template's seconds. Only serverless-offline sees them: they are set on the
 * framework's in-memory service when an offline command starts, never in what is packaged. A stack
 * uses them to make a function really run past its timeout, as on a busy Lambda, and see what
 * clients are told (the HTTP front's 504).
 */
export function applyOfflineFunctionTimeouts(
  functions: Record<string, { timeout?: number }>,
  raw: string | undefined,
): void {
  if (raw === undefined || raw === '') return;
  let timeouts: unknown;
  try {
    timeouts = JSON.parse(raw);
  } catch {
    throw new FunctionTimeoutsError(`ORDERFLOW_OFFLINE_FUNCTION_TIMEOUTS_MS is not JSON: ${raw}`);
  }
  if (typeof timeouts !== 'object' || timeouts === null || Array.isArray(timeouts)) {
    throw new FunctionTimeoutsError('ORDERFLOW_OFFLINE_FUNCTION_TIMEOUTS_MS must be a JSON object');
  }
  for (const [key, ms] of Object.entries(timeouts)) {
    const fn = functions[key];
    if (!fn) throw new FunctionTimeoutsError(`no function ${key} to give a timeout`);
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) {
      throw new FunctionTimeoutsError(
        `the timeout of ${key} must be a positive number of ms, got ${String(ms)}`,
      );
    }
    // serverless-offline reads a function's timeout in seconds and multiplies it by 1000.
    fn.timeout = ms / 1000;
  }
}
