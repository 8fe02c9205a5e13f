import {
  AwsServiceError,
  jsonResponse,
  type AwsRequest,
  type AwsResponse,
  type LocalAwsService,
} from './aws/protocol';
import type { FunctionInvoker, InvocationResult } from './lambda/invoker';

/**
 * Faults the offline runtime injects on request, so tests and the chaos harness can show that the
 * system holds under them. Product code has no branch for any of this: faults happen around it.
 * - `crash-after-invoke`: the function runs to completion (its side effects happen), then the
 *   invocation is reported as a crash, as if the process died before answering.
 * - `throttle-dynamodb`: the next DynamoDB requests are refused with ProvisionedThroughputExceededException
 *   before they reach the table (`functionName` is `*`); the SDK's retries are what carries callers through.
 */
export type FaultKind = 'crash-after-invoke' | 'throttle-dynamodb';
const FAULT_KINDS: readonly FaultKind[] = ['crash-after-invoke', 'throttle-dynamodb'];

export interface Fault {
  readonly kind: FaultKind;
  readonly functionName: string;
  remaining: number;
}

export class FaultRegistry {
  private readonly faults: Fault[] = [];
  injected = 0;

  arm(fault: Fault): void {
    this.faults.push(fault);
  }

  clear(): void {
    this.faults.length = 0;
  }

  list(): readonly Fault[] {
    return this.faults.filter((fault) => fault.remaining > 0);
  }

  /** Takes one armed fault of `kind` for `functionName`, if any. */
  take(kind: FaultKind, functionName: string): boolean {
    const fault = this.faults.find(
      (f) => f.kind === kind && f.functionName === functionName && f.remaining > 0,
    );
    if (!fault) return false;
    fault.remaining -= 1;
    this.injected += 1;
    return true;
  }
}

/** The invoker every event source and the Step Functions service use, with faults applied. */
export function faultyInvoker(invoker: FunctionInvoker, faults: FaultRegistry): FunctionInvoker {
  return {
    invoke: async (functionName: string, event: unknown): Promise<InvocationResult> => {
      const result = await invoker.invoke(functionName, event);
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

/**
 * The control API, on the same endpoint as the AWS services (`X-Amz-Target: OrderflowLocal.<Op>`):
 * InjectFault `{kind, functionName, count}`, ClearFaults, ListFaults.
 */
export class FaultControlService implements LocalAwsService {
  readonly name = 'orderflow-local';
  readonly jsonTargetPrefix = 'OrderflowLocal';

  constructor(private readonly faults: FaultRegistry) {}

  async handle(request: AwsRequest): Promise<AwsResponse> {
    const body = JSON.parse(request.body.toString('utf8') || '{}') as Partial<Fault> & { count?: number };
    switch (request.operation) {
      case 'InjectFault': {
        if (!FAULT_KINDS.includes(body.kind as FaultKind) || typeof body.functionName !== 'string') {
          throw new AwsServiceError(
            'ValidationException',
            `kind must be one of ${FAULT_KINDS.join(', ')} and functionName a string ('*' for throttling)`,
          );
        }
        this.faults.arm({
          kind: body.kind as FaultKind,
          functionName: body.functionName,
          remaining: body.count ?? 1,
        });
        return jsonResponse({ armed: this.faults.list() });
      }
      case 'ClearFaults':
        this.faults.clear();
        return jsonResponse({});
      case 'ListFaults':
        return jsonResponse({ armed: this.faults.list(), injected: this.faults.injected });
      default:
        throw new AwsServiceError(
          'UnknownOperationException',
          `OrderflowLocal has no operation ${request.operation}`,
        );
    }
  }
}
