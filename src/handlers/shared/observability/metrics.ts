import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger } from './logger';
import { orderScope } from './correlation';

/**
 * CloudWatch metrics as EMF lines on stdout (namespace POWERTOOLS_METRICS_NAMESPACE, dimension
 * `service`; a metric with a further dimension is also published by `service` alone, its total). Each business metric is emitted on its own line at once, with the order id as EMF
 * metadata (searchable in the logs, not a dimension). Metrics are emitted where the fact is recorded
 * (an append that succeeded), so a redelivered message or a retried step that appends nothing emits
 * nothing; PaymentLatency is a sample per provider call, retries included.
 */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'orderflow',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'orderflow',
  logger,
});

/** The order the current record (or else the invocation) is about, as far as it is known. */
export const currentOrderId = (): string | undefined => {
  const scoped = orderScope.getStore()?.orderId;
  if (scoped) return scoped;
  const invocation = logger.getCorrelationId();
  return typeof invocation === 'string' ? invocation : undefined;
};

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

function emit(
  name: string,
  unit: Unit,
  value: number,
  dimensions: Readonly<Record<string, string>> = {},
): void {
  const single = metrics.singleMetric();
  if (Object.keys(dimensions).length > 0) {
    // Two dimension sets: by `service` and the given dimensions, and by `service` alone (the total).
    for (const [dimension, dimensionValue] of Object.entries(dimensions)) {
      single.addDimension(dimension, dimensionValue);
    }
    single.addDimensions({});
  }
  const orderId = currentOrderId();
  if (orderId) single.addMetadata('orderId', orderId);
  single.addMetric(name, unit, value);
}

export type SagaOutcome = 'CONFIRMED' | 'CANCELLED';

export const orderMetrics = {
  placed: (): void => emit('OrdersPlaced', MetricUnit.Count, 1),
  confirmed: (): void => emit('OrdersConfirmed', MetricUnit.Count, 1),
  cancelled: (reason: string): void => emit('OrdersCancelled', MetricUnit.Count, 1, { reason }),
  /** From OrderPlaced to the outcome, by outcome. */
  sagaDuration: (outcome: SagaOutcome, ms: number): void =>
    emit('SagaDuration', MetricUnit.Milliseconds, ms, { outcome }),
};

/** Times one call to the payment provider (authorize, capture, void, refund), failed calls too. */
export async function timedPaymentCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await call();
  } finally {
    emit('PaymentLatency', MetricUnit.Milliseconds, Math.round(performance.now() - started), { operation });
  }
}

/** Alerts committed by the CEP pipeline, by rule (and in total); emitted once per commit, not per delivery. */
export const alertMetrics = {
  raised: (ruleId: string): void => emit('AlertsRaised', MetricUnit.Count, 1, { ruleId }),
  cleared: (ruleId: string): void => emit('AlertsCleared', MetricUnit.Count, 1, { ruleId }),
  /** Alerts committed but not yet on the bus after this invocation (PutEvents failed). */
  unpublished: (count: number): void => emit('AlertsUnpublished', MetricUnit.Count, count),
};
