import { dynamoDbItemUsage, itemsReturned } from './dynamodb-items';

/** Reads and writes of DynamoDB items (see dynamodb-items.ts for what one counts). */
export interface DynamoDbItemCounts {
  reads: number;
  writes: number;
  transactionalReads: number;
  transactionalWrites: number;
  /** Items returned by Query and Scan (each of which counts as one read). */
  itemsReturned: number;
  readonly byTable: Record<string, { reads: number; writes: number }>;
}

export interface LambdaInvocationCounts {
  invocations: number;
  errors: number;
  /** Invocations that started a new execution environment (a cold start). */
  coldStarts: number;
  /** Wall time of the invocations as the runtime saw them, cold starts included. */
  durationMs: number;
}

/** Everything counted since the last reset. */
export interface RequestCounts {
  readonly since: string;
  /** Requests to the AWS endpoint: service name (dynamodb, sqs, events, sns, states) → operation → count. */
  readonly requests: Record<string, Record<string, number>>;
  readonly dynamodb: DynamoDbItemCounts;
  /** Entries of PutEvents requests to the endpoint (EventBridge bills per event published). */
  eventBridgeEntries: number;
  /** Messages of SendMessage / SendMessageBatch requests to the endpoint. */
  sqsMessagesSent: number;
  /**
   * In-process deliveries by the runtime's routing (EventBridge rule targets, SNS subscriptions,
   * Step Functions service integrations), by target service: on AWS these are SQS messages sent,
   * events put, topics published to, functions and state machines started.
   */
  readonly deliveries: Record<string, number>;
  /** Function invocations driven by the runtime (streams, queues, rule targets, state machine tasks). */
  readonly lambda: Record<string, LambdaInvocationCounts>;
  /**
   * CPU time of the runtime's whole process (endpoint, services, and the function workers, which are its
   * threads): unlike wall-clock latency, barely moved by other work on a shared machine.
   */
  readonly cpuMs?: { readonly user: number; readonly system: number };
}

type JsonObject = Record<string, unknown>;

const parseObject = (body: Buffer): JsonObject => {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8') || '{}');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as JsonObject)
      : {};
  } catch {
    return {};
  }
};

const entriesOf = (body: Buffer): number => {
  const entries = parseObject(body).Entries;
  return Array.isArray(entries) ? entries.length : 0;
};

const emptyCounts = (): RequestCounts => ({
  since: new Date().toISOString(),
  requests: {},
  dynamodb: {
    reads: 0,
    writes: 0,
    transactionalReads: 0,
    transactionalWrites: 0,
    itemsReturned: 0,
    byTable: {},
  },
  eventBridgeEntries: 0,
  sqsMessagesSent: 0,
  deliveries: {},
  lambda: {},
});

/**
 * Counts what the offline runtime serves, so the bench can say what one order costs in requests,
 * item reads and writes, events, messages and invocations: the figures the AWS bill is made of.
 * Counting is a few map updates per request; DynamoDB and batch request bodies are parsed once more.
 */
export class RequestCounter {
  private counts = emptyCounts();
  private cpuAtReset = process.cpuUsage();

  /** One request the endpoint routed to `service` (its name) and answered with `responseBody`. */
  countRequest(service: string, operation: string, body: Buffer, responseBody: string | Buffer): void {
    const byOperation = (this.counts.requests[service] ??= {});
    byOperation[operation] = (byOperation[operation] ?? 0) + 1;
    if (service === 'dynamodb') this.countItems(operation, body, responseBody);
    else if (service === 'events' && operation === 'PutEvents')
      this.counts.eventBridgeEntries += entriesOf(body);
    else if (service === 'sqs' && operation === 'SendMessage') this.counts.sqsMessagesSent += 1;
    else if (service === 'sqs' && operation === 'SendMessageBatch')
      this.counts.sqsMessagesSent += entriesOf(body);
  }

  countDelivery(targetService: string): void {
    this.counts.deliveries[targetService] = (this.counts.deliveries[targetService] ?? 0) + 1;
  }

  countInvocation(functionName: string, durationMs: number, failed: boolean, coldStart = false): void {
    const counts = (this.counts.lambda[functionName] ??= {
      invocations: 0,
      errors: 0,
      coldStarts: 0,
      durationMs: 0,
    });
    counts.invocations += 1;
    if (coldStart) counts.coldStarts += 1;
    counts.durationMs += durationMs;
    if (failed) counts.errors += 1;
  }

  snapshot(): RequestCounts {
    const cpu = process.cpuUsage(this.cpuAtReset);
    return {
      ...(JSON.parse(JSON.stringify(this.counts)) as RequestCounts),
      cpuMs: { user: cpu.user / 1000, system: cpu.system / 1000 },
    };
  }

  /** Starts counting afresh; returns what was counted until now. */
  reset(): RequestCounts {
    const before = this.snapshot();
    this.counts = emptyCounts();
    this.cpuAtReset = process.cpuUsage();
    return before;
  }

  private countItems(operation: string, body: Buffer, responseBody: string | Buffer): void {
    const usage = dynamoDbItemUsage(operation, parseObject(body));
    const totals = this.counts.dynamodb;
    for (const { table, reads, writes, transactional } of usage) {
      totals.reads += reads;
      totals.writes += writes;
      if (transactional) {
        totals.transactionalReads += reads;
        totals.transactionalWrites += writes;
      }
      const byTable = (totals.byTable[table] ??= { reads: 0, writes: 0 });
      byTable.reads += reads;
      byTable.writes += writes;
    }
    totals.itemsReturned += itemsReturned(operation, responseBody);
  }
}
