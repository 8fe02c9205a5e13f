import { randomBytes, randomUUID } from 'node:crypto';
import { LOCAL_ACCOUNT_ID } from '../../template-arns';
import type { TargetDispatcher } from '../../targets';
import { AwsServiceError } from '../protocol';
import type { Attempt } from './attempt';
import { prepareDefinition } from './definition';
import { errorMessageOf, InvalidDefinitionError } from './errors';
import { ExecutionRun, type ExecutionHost } from './execution';
import { History } from './history';
import { Integrations, type LambdaInvokerLike, type ServiceIntegration } from './integrations';
import {
  isValidName,
  statesArnKind,
  StepFunctionsArns,
  type ExecutionRecord,
  type StateMachineRecord,
  type StateMachineType,
} from './model';

export interface StepFunctionsServiceOptions {
  readonly region: string;
  /** Invokes functions for Lambda tasks (the runtime's warm functions, or a test double). */
  readonly invoker: LambdaInvokerLike;
  /** Delivers `sqs:sendMessage`, `sns:publish` and `events:putEvents` to the local services. */
  readonly dispatcher: TargetDispatcher;
  /** Milliseconds since the epoch for dates and history timestamps; Date.now by default. Timers use real time. */
  readonly clock?: () => number;
  /** Default `000000000000` (LOCAL_ACCOUNT_ID). */
  readonly accountId?: string;
  /** More Task integrations, keyed `<service>:<action>` (e.g. `dynamodb:putItem`); see {@link ServiceIntegration}. */
  readonly integrations?: Readonly<Record<string, ServiceIntegration>>;
}

const MAX_INPUT_BYTES = 262_144;
const TOKEN_PATTERN = /^AQ[A-Za-z0-9_-]{80,}$/;

export const serviceError = (code: string, message: string) => new AwsServiceError(code, message);
export const stateMachineDoesNotExist = (arn: string) =>
  serviceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
const executionDoesNotExist = (arn: string) =>
  serviceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
export const invalidArn = (arn: string) =>
  serviceError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);

/**
 * The state and semantics of the local Step Functions, with no wire concerns: state machines, their
 * executions (each an {@link ExecutionRun} of the interpreter) and the task tokens handed out to
 * `.waitForTaskToken` tasks. The operations (operations.ts) read and change this state; the service
 * (service.ts) speaks the protocol.
 */
export class StepFunctionsEngine {
  readonly region: string;
  readonly accountId: string;
  readonly arns: StepFunctionsArns;
  readonly clock: () => number;
  readonly machines = new Map<string, StateMachineRecord>();
  private readonly integrations: Integrations;
  private readonly executions = new Map<string, ExecutionRun>();
  private readonly byMachine = new Map<string, ExecutionRun[]>();
  private readonly running = new Set<ExecutionRun>();
  /** Task tokens handed out: the open attempt, or null once it closed (then SendTask* is TaskTimedOut). */
  private readonly tokens = new Map<string, Attempt | null>();
  private readonly host: ExecutionHost;

  constructor(options: StepFunctionsServiceOptions) {
    this.region = options.region;
    this.accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
    this.arns = new StepFunctionsArns(this.region, this.accountId);
    this.clock = options.clock ?? Date.now;
    this.integrations = new Integrations({
      region: this.region,
      accountId: this.accountId,
      invoker: options.invoker,
      dispatcher: options.dispatcher,
      custom: options.integrations ?? {},
    });
    this.host = {
      region: this.region,
      integrations: this.integrations,
      clock: this.clock,
      mintToken: () => `AQ${randomBytes(66).toString('base64url')}`,
      openToken: (token, attempt) => this.tokens.set(token, attempt),
      closeToken: (token) => this.tokens.set(token, null),
    };
  }

  /** Resolves once no execution is running (executions started meanwhile included). */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running].map((run) => run.done));
  }

  /** Stops every running execution (ABORTED), which clears their timers, and waits for them to wind down. */
  async close(): Promise<void> {
    for (const run of this.running) run.stop();
    await this.whenIdle();
  }

  /** All executions of a state machine, newest first. */
  executionsOf(stateMachineArn: string): readonly ExecutionRecord[] {
    return (this.byMachine.get(stateMachineArn) ?? []).map((run) => run.record).reverse();
  }

  putStateMachine(spec: {
    name: string;
    definition: string;
    roleArn: string;
    type: StateMachineType;
    loggingConfiguration: Record<string, unknown>;
    tracingConfiguration: Record<string, unknown>;
    context?: string;
  }): StateMachineRecord {
    let definition;
    try {
      definition = prepareDefinition(spec.definition, (integration) =>
        this.integrations.supports(integration),
      );
    } catch (caught) {
      if (spec.context && caught instanceof InvalidDefinitionError) {
        throw new InvalidDefinitionError(`${spec.context}: ${caught.message}`);
      }
      throw caught;
    }
    const arn = this.arns.stateMachine(spec.name);
    const record: StateMachineRecord = {
      name: spec.name,
      arn,
      type: spec.type,
      roleArn: spec.roleArn,
      definition,
      creationDate: this.machines.get(arn)?.creationDate ?? this.clock(),
      loggingConfiguration: spec.loggingConfiguration,
      tracingConfiguration: spec.tracingConfiguration,
    };
    this.machines.set(arn, record);
    return record;
  }
  machineOf(arn: string): StateMachineRecord {
    if (statesArnKind(arn) !== 'stateMachine') throw invalidArn(arn);
    const machine = this.machines.get(arn);
    if (!machine) throw stateMachineDoesNotExist(arn);
    return machine;
  }
  runOf(arn: string): ExecutionRun {
    const kind = statesArnKind(arn);
    if (kind !== 'execution' && kind !== 'express') throw invalidArn(arn);
    const run = this.executions.get(arn);
    if (!run) throw executionDoesNotExist(arn);
    return run;
  }
  start(machine: StateMachineRecord, input: string, name?: string): ExecutionRun {
    const executionName = name ?? randomUUID();
    if (!isValidName(executionName)) throw serviceError('InvalidName', `Invalid Name: '${executionName}'`);
    if (Buffer.byteLength(input, 'utf8') > MAX_INPUT_BYTES) {
      throw serviceError(
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: the input is larger than 256 KiB',
      );
    }
    try {
      JSON.parse(input);
    } catch (caught) {
      throw serviceError(
        'InvalidExecutionInput',
        `Invalid State Machine Execution Input: '${errorMessageOf(caught)}'`,
      );
    }
    const arn = this.arns.execution(machine, executionName, randomUUID());
    const existing = this.executions.get(arn);
    if (existing) {
      // StartExecution is idempotent for a name whose execution is still open and got the same input.
      if (existing.isRunning && existing.record.input === input) return existing;
      throw serviceError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const record: ExecutionRecord = {
      arn,
      name: executionName,
      stateMachine: machine,
      input,
      startDate: this.clock(),
      history: new History(this.clock),
      status: 'RUNNING',
    };
    const run = new ExecutionRun(this.host, record);
    this.executions.set(arn, run);
    const list = this.byMachine.get(machine.arn) ?? [];
    list.push(run);
    this.byMachine.set(machine.arn, list);
    this.running.add(run);
    void run.done.finally(() => this.running.delete(run));
    return run;
  }
  /** The open attempt a task token belongs to, or the error SendTask* answers with. */
  attemptOf(token: string): Attempt {
    if (!TOKEN_PATTERN.test(token)) throw serviceError('InvalidToken', "Invalid Token: 'Invalid token'");
    const attempt = this.tokens.get(token);
    if (attempt === undefined) throw serviceError('TaskDoesNotExist', 'Task Does Not Exist');
    if (attempt === null || attempt.isSettled) {
      throw serviceError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    }
    return attempt;
  }
}
