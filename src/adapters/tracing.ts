import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * The function's X-Ray tracer: the handlers capture each invocation with it, and the client factories
 * of the adapters capture every AWS SDK call as a subsegment. Powertools switches it off by itself
 * where no Lambda runtime runs (no AWS_EXECUTION_ENV: serverless-offline, `sls invoke local`, jest),
 * or with POWERTOOLS_TRACE_ENABLED=false; it is then a pass-through and sends nothing.
 */
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'orderflow' });

/** An AWS SDK v3 client whose calls appear in the trace (the client itself when tracing is off). */
export const traced = <T>(client: T): T => tracer.captureAWSv3Client(client);
