import type { IntrinsicContext } from '../../intrinsics';
import type { CfnTemplate } from '../../template';
import { UnknownTargetError, type Delivery, type TargetHandler } from '../../targets';
import {
  AwsServiceError,
  jsonError,
  jsonResponse,
  type AwsRequest,
  type AwsResponse,
  type LocalAwsService,
} from '../protocol';
import { parseJsonBody } from '../shared/json-input';
import { StepFunctionsEngine, stateMachineDoesNotExist, type StepFunctionsServiceOptions } from './engine';
import type { ExecutionRecord } from './model';
import { OPERATIONS } from './operations';
import { readStateMachines } from './template';

export type { StepFunctionsServiceOptions } from './engine';

/**
 * AWS Step Functions, in memory, over the AWS JSON 1.0 protocol (`X-Amz-Target: AWSStepFunctions.<Op>`).
 * The ASL is interpreted by aws-local-stepfunctions; Task resources are bound locally (Lambda through the
 * invoker, SQS/SNS/EventBridge through the target dispatcher), `.waitForTaskToken` is emulated with task
 * tokens answered by SendTaskSuccess/Failure/Heartbeat, and the execution history has AWS's event types,
 * ids and details, one TaskScheduled/TaskStarted/Task* group per attempt.
 *
 * This class is the wire (parse, dispatch through OPERATIONS, serialise) and the in-process API; the
 * state machines, executions and task tokens are in engine.ts, each operation in operations.ts.
 */
export class StepFunctionsService implements LocalAwsService {
  readonly name = 'states';
  readonly jsonTargetPrefix = 'AWSStepFunctions';
  private readonly engine: StepFunctionsEngine;

  constructor(options: StepFunctionsServiceOptions) {
    this.engine = new StepFunctionsEngine(options);
  }

  get region(): string {
    return this.engine.region;
  }

  get accountId(): string {
    return this.engine.accountId;
  }

  async handle(request: AwsRequest): Promise<AwsResponse> {
    try {
      const operation = Object.hasOwn(OPERATIONS, request.operation)
        ? OPERATIONS[request.operation]
        : undefined;
      if (!operation) {
        throw new AwsServiceError(
          'UnknownOperationException',
          `Operation ${request.operation || '(none)'} is not supported by the local Step Functions.`,
        );
      }
      return jsonResponse((await operation(this.engine, parseJsonBody(request.body))) ?? {});
    } catch (caught) {
      if (caught instanceof AwsServiceError) return jsonError(caught);
      throw caught;
    }
  }

  /** Resolves once no execution is running (executions started meanwhile included). */
  whenIdle(): Promise<void> {
    return this.engine.whenIdle();
  }

  /** Stops every running execution (ABORTED), which clears their timers, and waits for them to wind down. */
  close(): Promise<void> {
    return this.engine.close();
  }

  // ---- in-process API --------------------------------------------------------------------------

  /**
   * Creates (or updates) the state machines of a compiled template: every `AWS::StepFunctions::StateMachine`,
   * its definition evaluated against the template (`ctx`: region and local endpoint). Throws
   * {@link InvalidDefinitionError} for a definition the local interpreter cannot run.
   */
  loadTemplate(template: CfnTemplate, ctx: IntrinsicContext): void {
    for (const machine of readStateMachines(template, ctx, this.engine.accountId)) {
      this.engine.putStateMachine({
        name: machine.name,
        definition: machine.definition,
        roleArn: machine.roleArn,
        type: machine.type,
        loggingConfiguration: machine.loggingConfiguration,
        tracingConfiguration: machine.tracingConfiguration,
        context: `State machine ${machine.logicalId} (${machine.name})`,
      });
    }
  }

  /** Starts an execution in process (as StartExecution); input is JSON text. */
  startExecution(
    stateMachineArn: string,
    input = '{}',
    name?: string,
  ): { executionArn: string; startDate: number } {
    const machine = this.engine.machines.get(stateMachineArn);
    if (!machine) throw stateMachineDoesNotExist(stateMachineArn);
    const run = this.engine.start(machine, input, name);
    return { executionArn: run.record.arn, startDate: run.record.startDate };
  }

  /**
   * A {@link TargetHandler} for the dispatcher's `states` service: an EventBridge rule (or anything else)
   * targeting a state machine starts an execution with the delivery's body as input.
   */
  deliveryHandler(): TargetHandler {
    return async (arn: string, delivery: Delivery) => {
      const machine = this.engine.machines.get(arn);
      if (!machine) throw new UnknownTargetError(`No state machine ${arn}`);
      this.engine.start(machine, delivery.body);
    };
  }

  /** All executions of a state machine, newest first (for tests and tools). */
  executionsOf(stateMachineArn: string): readonly ExecutionRecord[] {
    return this.engine.executionsOf(stateMachineArn);
  }
}
