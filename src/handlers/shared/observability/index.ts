import type { MiddlewareObj } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import { xrayTracer } from '../../../adapters/tracing';
import { inOrderScope, orderIdOf, orderIdsOf, orderScope } from './correlation';
import { logger } from './logger';
import { metrics } from './metrics';

export { logger } from './logger';
export { alertMetrics, metrics, orderMetrics, timedPaymentCall } from './metrics';
export { recordedEvents } from './order-commands';

/**
 * Makes `orderId` the correlation id of whatever is logged from now on in this invocation (or, in a
 * record's scope, of this record), and annotates the trace with it. Keys are reset after each
 * invocation (injectLambdaContext with resetKeys), so an order never leaks into the next one.
 */
export function correlate(orderId: string | undefined): void {
  if (!orderId) return;
  const scope = orderScope.getStore();
  if (scope) {
    scope.orderId = orderId;
    return;
  }
  logger.setCorrelationId(orderId);
  xrayTracer()?.putAnnotation('orderId', orderId);
}

/** Correlates the invocation with the one order its event (or every record of its batch) is about. */
const correlation = (): MiddlewareObj => ({
  before: ({ event }) => {
    const records = (event as { Records?: unknown }).Records;
    const orderIds = Array.isArray(records) ? orderIdsOf(records) : [orderIdOf(event)];
    if (orderIds.length === 1) correlate(orderIds[0]);
  },
});

/** ColdStart once per container; anything a handler stored with `metrics.addMetric` is flushed. */
const flushMetrics = (): MiddlewareObj => {
  const flush = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return {
    before: ({ context }) => metrics.captureColdStartMetric(context.functionName),
    after: flush,
    onError: flush,
  };
};

/**
 * The invocation as an X-Ray subsegment (with the ColdStart annotation), where tracing is on; nothing
 * where it is off (Powertools' middleware would then only pass through, after loading the X-Ray SDK).
 */
const tracing = (): MiddlewareObj[] => {
  const tracer = xrayTracer();
  // The response may hold customer data: traces keep errors, not answers.
  return tracer ? [captureLambdaHandler(tracer, { captureResponse: false }) as MiddlewareObj] : [];
};

/**
 * Logger, Metrics and Tracer for a handler, as the first middlewares of its middy chain:
 * `middy().use(observability()).use(...).handler(...)`.
 */
export const observability = (): MiddlewareObj[] => [
  ...tracing(),
  injectLambdaContext(logger, { resetKeys: true }) as MiddlewareObj,
  flushMetrics(),
  correlation(),
];

/** Identifies a record in the log: an SQS message id or a stream sequence number. */
const recordIdOf = (record: unknown): Record<string, string> => {
  const r = record as { messageId?: unknown; dynamodb?: { SequenceNumber?: unknown } };
  if (typeof r.messageId === 'string') return { messageId: r.messageId };
  if (typeof r.dynamodb?.SequenceNumber === 'string') return { sequenceNumber: r.dynamodb.SequenceNumber };
  return {};
};

/**
 * Handles a batch's records side by side, each in the scope of its own order (so its log lines carry
 * that order id), and logs each outcome. Settles like Promise.allSettled, the shape
 * @middy/sqs-partial-batch-failure reads.
 */
export const eachRecord = <R, T>(
  records: readonly R[],
  handle: (record: R) => Promise<T>,
): Promise<PromiseSettledResult<T>[]> =>
  Promise.allSettled(
    records.map((record) =>
      inOrderScope(orderIdOf(record), async () => {
        try {
          const result = await handle(record);
          logger.info('record handled', recordIdOf(record));
          return result;
        } catch (error) {
          logger.error('record failed', { ...recordIdOf(record), error });
          throw error;
        }
      }),
    ),
  );

/** Runs `work` in the scope of one order (a stream handler's per-order work). */
export const forOrder = <T>(orderId: string, work: () => Promise<T>): Promise<T> =>
  inOrderScope(orderId, work);
