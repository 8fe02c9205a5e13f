import type { PerOrder } from './per-order';
import { round } from './stats';

/**
 * AWS list prices, us-east-1, on-demand, beyond the free tiers (docs/cost.md says where each applies).
 * Kept here so that the bench's cost per million orders and the doc use the same figures.
 */
export const PRICES_USD = {
  lambdaPerMillionRequests: 0.2,
  /** arm64, first 7.5 billion GB-seconds a month. */
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaMemoryGb: 0.5,
  stepFunctionsStandardPerThousandTransitions: 0.025,
  /** On-demand: one write unit per item of up to 1 KB, two for a transactional write. */
  dynamoDbPerMillionWriteUnits: 0.625,
  /** On-demand: one read unit per strongly consistent read of up to 4 KB (half for eventually consistent). */
  dynamoDbPerMillionReadUnits: 0.125,
  eventBridgePerMillionEvents: 1.0,
  /** Standard queue; FIFO is 0.50. A message costs a send, a receive and a delete. */
  sqsPerMillionRequests: 0.4,
  sqsRequestsPerMessage: 3,
  snsPerMillionPublishes: 0.5,
  httpApiPerMillionRequests: 1.0,
} as const;

/** US dollars per million orders, by line, from the counts per order the bench measured. */
export function costPerMillionOrders(order: PerOrder) {
  const p = PRICES_USD;
  const gbSeconds = (order.lambda.durationMs / 1000) * p.lambdaMemoryGb;
  const writeUnits = order.dynamodb.writes + order.dynamodb.transactionalWrites; // transactional items count twice
  const lines = {
    lambdaRequests: order.lambda.invocations * p.lambdaPerMillionRequests,
    lambdaDuration: gbSeconds * p.lambdaArmPerGbSecond * 1e6,
    stepFunctions: (order.stateTransitions * p.stepFunctionsStandardPerThousandTransitions * 1e6) / 1000,
    dynamoDbWrites: writeUnits * p.dynamoDbPerMillionWriteUnits,
    dynamoDbReads: order.dynamodb.reads * p.dynamoDbPerMillionReadUnits,
    eventBridge: order.eventBridgeEvents * p.eventBridgePerMillionEvents,
    sqs: order.sqsMessages * p.sqsRequestsPerMessage * p.sqsPerMillionRequests,
    sns: order.snsPublishes * p.snsPerMillionPublishes,
    httpApi: order.httpRequests * p.httpApiPerMillionRequests,
  };
  const rounded = Object.fromEntries(Object.entries(lines).map(([k, v]) => [k, round(v, 2)]));
  return {
    ...rounded,
    total: round(
      Object.values(lines).reduce((a, b) => a + b, 0),
      2,
    ),
  };
}
