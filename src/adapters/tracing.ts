import type { Tracer } from '@aws-lambda-powertools/tracer';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Whether this process traces to X-Ray: Powertools Tracer's own rule, read from the same variables. Off
 * where no Lambda runtime sets AWS_EXECUTION_ENV (the offline runtime's workers, `sls invoke local`, jest), under
 * SAM local or the Amplify mock, and wherever POWERTOOLS_TRACE_ENABLED is `false`.
 */
export function isTracingEnabled(env: Env = process.env): boolean {
  const read = (key: string): string => env[key]?.trim() ?? '';
  const executionEnv = read('AWS_EXECUTION_ENV');
  return (
    read('POWERTOOLS_TRACE_ENABLED').toLowerCase() !== 'false' &&
    executionEnv !== '' &&
    executionEnv !== 'AWS_Lambda_amplify-mock' &&
    read('AWS_SAM_LOCAL') === ''
  );
}

let loaded: { readonly tracer: Tracer | undefined } | undefined;

/**
 * The function's X-Ray tracer where tracing is on, else undefined. Evaluating the tracer module evaluates
 * the X-Ray SDK (aws-xray-sdk-core, the largest cost of a cold start), so it is loaded here, on first use,
 * and only where it will trace: a cold start with tracing off never evaluates it. Decided once per
 * container, as Powertools does when it constructs its tracer.
 */
export function xrayTracer(): Tracer | undefined {
  loaded ??= {
    tracer: isTracingEnabled()
      ? // A require, not an import: the bundler then evaluates the module only when this line runs.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require('./tracing-xray') as typeof import('./tracing-xray')).tracer
      : undefined,
  };
  return loaded.tracer;
}

/** An AWS SDK v3 client whose calls appear in the trace (the client itself when tracing is off). */
export const traced = <T>(client: T): T => {
  const tracer = xrayTracer();
  return tracer ? tracer.captureAWSv3Client(client) : client;
};
