import type { RequestCounts } from '../src/local/metrics/request-counter';
import { round } from './stats';

/** HTTP API calls by route (`POST /orders`, `GET /orders/{}`), as apiFetch counted them. */
export type ApiCalls = ReadonlyMap<string, number>;

export const callsSince = (now: ApiCalls, before: ApiCalls): Map<string, number> =>
  new Map([...now].map(([route, n]) => [route, n - (before.get(route) ?? 0)]));

/** What one GET /orders/{id} costs the store, measured on its own so the bench's polling can be taken out. */
export interface ReadCost {
  readonly reads: number;
  readonly writes: number;
}

export function readCostOf(counts: RequestCounts, calls: number): ReadCost {
  return { reads: counts.dynamodb.reads / calls, writes: counts.dynamodb.writes / calls };
}

const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);

export interface PerOrderInput {
  readonly counts: RequestCounts;
  readonly calls: ApiCalls;
  readonly orders: number;
  readonly transitionsPerOrder: number;
  readonly readCost: ReadCost;
}

/**
 * The counts of one phase divided by its orders: DynamoDB item reads and writes (minus the bench's
 * own GET polling), Lambda invocations (as the runtime counted them, the bench's GET /orders/{id}
 * left out), state transitions, and the events, messages and publishes the bill is made of.
 */
export function perOrder(input: PerOrderInput) {
  const { counts, calls, orders } = input;
  const per = (value: number, digits = 2) => round(value / orders, digits);
  const polls = calls.get('GET /orders/{}') ?? 0;
  const posts = calls.get('POST /orders') ?? 0;
  const reads = Math.max(0, counts.dynamodb.reads - polls * input.readCost.reads);
  const writes = Math.max(0, counts.dynamodb.writes - polls * input.readCost.writes);
  // The runtime counts every invocation, HTTP ones too; getOrder's are the bench's own polling.
  const ordersOwn = Object.entries(counts.lambda).filter(([name]) => !name.endsWith('-getOrder'));
  const invocations = sum(ordersOwn.map(([, f]) => f.invocations));
  const invocationMs = sum(ordersOwn.map(([, f]) => f.durationMs));
  const byFunction = Object.fromEntries(
    ordersOwn
      .map(([name, f]) => [name.replace(/^orderflow-[a-z0-9]+-/, ''), per(f.invocations)] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  const request = (service: string, operation: string) => counts.requests[service]?.[operation] ?? 0;
  return {
    orders,
    dynamodb: {
      reads: per(reads),
      writes: per(writes),
      transactionalWrites: per(counts.dynamodb.transactionalWrites),
      itemsReturnedByQueries: per(counts.dynamodb.itemsReturned),
      storeOps: per(reads + writes),
      pollingReadsTakenOut: round(polls * input.readCost.reads),
    },
    lambda: {
      invocations: per(invocations),
      http: per(posts),
      runtime: per(invocations - posts),
      byFunction,
      // Wall time as the runtime saw it (cold starts included): an upper bound.
      durationMs: per(invocationMs, 0),
    },
    stateTransitions: input.transitionsPerOrder,
    stepFunctionsExecutions: per(request('states', 'StartExecution') + (counts.deliveries.states ?? 0)),
    eventBridgeEvents: per(counts.eventBridgeEntries + (counts.deliveries.events ?? 0)),
    sqsMessages: per(counts.sqsMessagesSent + (counts.deliveries.sqs ?? 0)),
    snsPublishes: per(request('sns', 'Publish') + (counts.deliveries.sns ?? 0)),
    httpRequests: per(posts),
  };
}

export type PerOrder = ReturnType<typeof perOrder>;
