import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * The function's X-Ray tracer: the handlers capture each invocation with it, and the client factories
 * of the adapters capture every AWS SDK call as a subsegment. Only tracing.ts loads this module, and only
 * where tracing is on: importing it evaluates the X-Ray SDK.
 */
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'orderflow' });
