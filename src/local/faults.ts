import {
  AwsServiceError,
  jsonResponse,
  type AwsRequest,
  type AwsResponse,
  type LocalAwsService,
} from './aws/protocol';
import type { FunctionInvoker, InvocationResult, InvokeOptions } from './lambda/invoker';

/**
 * Faults the offline runtime injects on request, so tests and the chaos harness can show that the
 * system holds under them. Product code has no branch for any of this: faults happen around it.
 * - `crash-after-invoke`: the function runs to completion (its side effects happen), then the
 *   invocation is reported as a crash, as if the process died before answering.
 * - `throttle-dynamodb`: the next DynamoDB requests are refused with ProvisionedThroughputExceededException
 *   before they reach the table; `functionName` names the table (`*`: any request). The SDK's retries
 *   are what carries callers through. Naming a table keeps a test's throttle from being spent by
 *   whatever else the stack is doing at that moment.
 * - `duplicate-stream-record`: a stream batch the function handled is delivered to it once more, as
 *   when a poller loses its checkpoint (at-least-once delivery).
 * - `duplicate-sqs-message`: a queue batch the function handled is handed to it again, same MessageIds,
 *   before it is deleted (a standard queue's at-least-once delivery).
 * - `duplicate-eventbridge-event`: an event delivered to a rule target is delivered to it a second time.
 * - `duplicate-kafka-record`: a Kafka batch the function handled is handed to it again before the
 *   consumer group's offset is committed (an MSK event source's at-least-once delivery).
 * - `delay-sqs-message` / `delay-eventbridge-event`: the delivery waits `delayMs` before it happens.
 * For delivery faults `functionName` names the consumer: the function reading the stream or queue, or,
 * for EventBridge, the target's resource name (queue, topic, function); `*` matches any.
 */
export type FaultKind =
  | 'crash-after-invoke'
  | 'throttle-dynamodb'
  | 'duplicate-stream-record'
  | 'duplicate-sqs-message'
  | 'duplicate-eventbridge-event'
  | 'duplicate-kafka-record'
  | 'delay-sqs-message'
  | 'delay-eventbridge-event';
export const FAULT_KINDS: readonly FaultKind[] = [
  'crash-after-invoke',
  'throttle-dynamodb',
  'duplicate-stream-record',
  'duplicate-sqs-message',
  'duplicate-eventbridge-event',
  'duplicate-kafka-record',
  'delay-sqs-message',
  'delay-eventbridge-event',
];
const DEFAULT_DELAY_MS = 1_000;
/** Longer delays would outlast the local queues' visibility timeout and the tests' patience. */
const MAX_DELAY_MS = 60_000;

export interface Fault {
  readonly kind: FaultKind;
  readonly functionName: string;
  remaining: number;
  /** For the delay kinds. */
  readonly delayMs?: number;
}

/** Where an event source or a bus asks whether to duplicate or delay a delivery. */
export interface DeliveryFaults {
  /** True when this delivery to `consumer` must happen twice. */
  duplicate(
    kind:
      | 'duplicate-stream-record'
      | 'duplicate-sqs-message'
      | 'duplicate-eventbridge-event'
      | 'duplicate-kafka-record',
    consumer: string,
  ): boolean;
  /** Milliseconds to hold this delivery to `consumer` back (0: none). */
  delayMs(kind: 'delay-sqs-message' | 'delay-eventbridge-event', consumer: string): number;
}

export class FaultRegistry implements DeliveryFaults {
  private readonly faults: Fault[] = [];
  injected = 0;
  readonly injectedByKind: Partial<Record<FaultKind, number>> = {};

  arm(fault: Fault): void {
    this.faults.push(fault);
  }

  clear(): void {
    this.faults.length = 0;
  }

  list(): readonly Fault[] {
    return this.faults.filter((fault) => fault.remaining > 0);
  }

  /** True while a fault of `kind` is armed for anything. */
  armed(kind: FaultKind): boolean {
    return this.faults.some((f) => f.kind === kind && f.remaining > 0);
  }

  /** Takes one armed fault of `kind` for `functionName` (or armed for `*`), if any. */
  takeFault(kind: FaultKind, functionName: string): Fault | undefined {
    const fault = this.faults.find(
      (f) =>
        f.kind === kind && (f.functionName === functionName || f.functionName === '*') && f.remaining > 0,
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    this.injected += 1;
    this.injectedByKind[kind] = (this.injectedByKind[kind] ?? 0) + 1;
    return fault;
  }

  take(kind: FaultKind, functionName: string): boolean {
    return this.takeFault(kind, functionName) !== undefined;
  }

  duplicate(kind: Parameters<DeliveryFaults['duplicate']>[0], consumer: string): boolean {
    return this.take(kind, consumer);
  }

  delayMs(kind: Parameters<DeliveryFaults['delayMs']>[0], consumer: string): number {
    return this.takeFault(kind, consumer)?.delayMs ?? 0;
  }
}

/** The invoker every event source and the Step Functions service use, with faults applied. */
export function faultyInvoker(invoker: FunctionInvoker, faults: FaultRegistry): FunctionInvoker {
  return {
    invoke: async (
      functionName: string,
      event: unknown,
      options?: InvokeOptions,
    ): Promise<InvocationResult> => {
      const result = await invoker.invoke(functionName, event, options);
      if (!result.functionError && faults.take('crash-after-invoke', functionName)) {
        return {
          functionError: 'Unhandled',
          payload: {
            errorType: 'Runtime.ExitError',
            errorMessage: 'injected: the process exited after its work',
            trace: [],
          },
        };
      }
      return result;
    },
  };
}

interface InjectFaultRequest {
  readonly kind?: unknown;
  readonly functionName?: unknown;
  readonly count?: unknown;
  readonly delayMs?: unknown;
}

function parseInjectFault(body: InjectFaultRequest): Fault {
  if (!FAULT_KINDS.includes(body.kind as FaultKind) || typeof body.functionName !== 'string') {
    throw new AwsServiceError(
      'ValidationException',
      `kind must be one of ${FAULT_KINDS.join(', ')} and functionName a string ('*' for any)`,
    );
  }
  const count = body.count ?? 1;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
    throw new AwsServiceError('ValidationException', 'count must be a positive integer');
  }
  const kind = body.kind as FaultKind;
  if (!kind.startsWith('delay-')) return { kind, functionName: body.functionName, remaining: count };
  const delayMs = body.delayMs ?? DEFAULT_DELAY_MS;
  if (typeof delayMs !== 'number' || !Number.isInteger(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS) {
    throw new AwsServiceError(
      'ValidationException',
      `delayMs must be a whole number of ms, 0-${MAX_DELAY_MS}`,
    );
  }
  return { kind, functionName: body.functionName, remaining: count, delayMs };
}

/**
 * The control API, on the same endpoint as the AWS services (`X-Amz-Target: OrderflowLocal.<Op>`):
 * InjectFault `{kind, functionName, count, delayMs?}`, ClearFaults, ListFaults.
 */
export class FaultControlService implements LocalAwsService {
  readonly name = 'orderflow-local';
  readonly jsonTargetPrefix = 'OrderflowLocal';

  constructor(private readonly faults: FaultRegistry) {}

  async handle(request: AwsRequest): Promise<AwsResponse> {
    const body = JSON.parse(request.body.toString('utf8') || '{}') as InjectFaultRequest;
    switch (request.operation) {
      case 'InjectFault':
        this.faults.arm(parseInjectFault(body));
        return jsonResponse({ armed: this.faults.list() });
      case 'ClearFaults':
        this.faults.clear();
        return jsonResponse({});
      case 'ListFaults':
        return jsonResponse({
          armed: this.faults.list(),
          injected: this.faults.injected,
          injectedByKind: this.faults.injectedByKind,
        });
      default:
        throw new AwsServiceError(
          'UnknownOperationException',
          `OrderflowLocal has no operation ${request.operation}`,
        );
    }
  }
}
