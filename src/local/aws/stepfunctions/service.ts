import { randomBytes, randomUUID } from 'node:crypto';
import type { IntrinsicContext } from '../../intrinsics';
import { LOCAL_ACCOUNT_ID } from '../../template-arns';
import type { CfnTemplate } from '../../template';
import { UnknownTargetError, type Delivery, type TargetDispatcher, type TargetHandler } from '../../targets';
import {
  isObject,
  optionalInteger,
  optionalString,
  parseJsonBody,
  requiredString,
  validationError,
  type JsonObject,
} from '../shared/json-input';
import {
  AwsServiceError,
  jsonError,
  jsonResponse,
  type AwsRequest,
  type AwsResponse,
  type LocalAwsService,
} from '../protocol';
import type { Attempt } from './attempt';
import { prepareDefinition } from './definition';
import { errorMessageOf, InvalidDefinitionError } from './errors';
import { ExecutionRun, type ExecutionHost } from './execution';
import { History, type HistoryEvent } from './history';
import { Integrations, type LambdaInvokerLike, type ServiceIntegration } from './integrations';
import {
  EXECUTION_STATUSES,
  isValidName,
  statesArnKind,
  StepFunctionsArns,
  type ExecutionRecord,
  type StateMachineRecord,
  type StateMachineType,
} from './model';
import { readStateMachines } from './template';

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
const seconds = (ms: number): number => ms / 1000;

const error = (code: string, message: string) => new AwsServiceError(code, message);
const stateMachineDoesNotExist = (arn: string) =>
  error('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
const executionDoesNotExist = (arn: string) =>
  error('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
const invalidArn = (arn: string) =>
  error('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);

/** `maxResults` (0 = the default 100, at most 1000) and an opaque `nextToken` over a list. */
function page<T>(items: readonly T[], input: JsonObject): { items: T[]; nextToken?: string } {
  const max = optionalInteger(input, 'maxResults') ?? 0;
  if (max < 0 || max > 1000) {
    throw validationError(
      `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`,
    );
  }
  const size = max === 0 ? 100 : max;
  const token = optionalString(input, 'nextToken');
  let start = 0;
  if (token !== undefined) {
    start = Number(
      Buffer.from(token, 'base64url')
        .toString('utf8')
        .replace(/^offset:/, ''),
    );
    if (!Number.isInteger(start) || start < 0 || start > items.length) {
      throw error('InvalidToken', `Invalid Token: '${token}'`);
    }
  }
  const slice = items.slice(start, start + size);
  return start + size < items.length
    ? { items: slice, nextToken: Buffer.from(`offset:${start + size}`).toString('base64url') }
    : { items: slice };
}

/**
 * AWS Step Functions, in memory, over the AWS JSON 1.0 protocol (`X-Amz-Target: AWSStepFunctions.<Op>`).
 * The ASL is interpreted by aws-local-stepfunctions; Task resources are bound locally (Lambda through the
 * invoker, SQS/SNS/EventBridge through the target dispatcher), `.waitForTaskToken` is emulated with task
 * tokens answered by SendTaskSuccess/Failure/Heartbeat, and the execution history has AWS's event types,
 * ids and details, one TaskScheduled/TaskStarted/Task* group per attempt.
 */
export class StepFunctionsService implements LocalAwsService {
  readonly name = 'states';
  readonly jsonTargetPrefix = 'AWSStepFunctions';
  readonly region: string;
  readonly accountId: string;

  private readonly arns: StepFunctionsArns;
  private readonly clock: () => number;
  private readonly integrations: Integrations;
  private readonly machines = new Map<string, StateMachineRecord>();
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

  // ---- LocalAwsService -------------------------------------------------------------------------

  async handle(request: AwsRequest): Promise<AwsResponse> {
    try {
      const operation = this.operations[request.operation];
      if (!operation) {
        throw new AwsServiceError(
          'UnknownOperationException',
          `Operation ${request.operation || '(none)'} is not supported by the local Step Functions.`,
        );
      }
      return jsonResponse((await operation(parseJsonBody(request.body))) ?? {});
    } catch (caught) {
      if (caught instanceof AwsServiceError) return jsonError(caught);
      throw caught;
    }
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

  // ---- in-process API --------------------------------------------------------------------------

  /**
   * Creates (or updates) the state machines of a compiled template: every `AWS::StepFunctions::StateMachine`,
   * its definition evaluated against the template (`ctx`: region and local endpoint). Throws
   * {@link InvalidDefinitionError} for a definition the local interpreter cannot run.
   */
  loadTemplate(template: CfnTemplate, ctx: IntrinsicContext): void {
    for (const machine of readStateMachines(template, ctx, this.accountId)) {
      this.putStateMachine({
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
    const machine = this.machines.get(stateMachineArn);
    if (!machine) throw stateMachineDoesNotExist(stateMachineArn);
    const run = this.start(machine, input, name);
    return { executionArn: run.record.arn, startDate: run.record.startDate };
  }

  /**
   * A {@link TargetHandler} for the dispatcher's `states` service: an EventBridge rule (or anything else)
   * targeting a state machine starts an execution with the delivery's body as input.
   */
  deliveryHandler(): TargetHandler {
    return async (arn: string, delivery: Delivery) => {
      const machine = this.machines.get(arn);
      if (!machine) throw new UnknownTargetError(`No state machine ${arn}`);
      this.start(machine, delivery.body);
    };
  }

  /** All executions of a state machine, newest first (for tests and tools). */
  executionsOf(stateMachineArn: string): readonly ExecutionRecord[] {
    return (this.byMachine.get(stateMachineArn) ?? []).map((run) => run.record).reverse();
  }

  // ---- operations ------------------------------------------------------------------------------

  private readonly operations: Record<string, (input: JsonObject) => unknown> = {
    CreateStateMachine: (input) => this.createStateMachine(input),
    DeleteStateMachine: (input) => this.deleteStateMachine(input),
    DescribeStateMachine: (input) =>
      this.describeStateMachine(this.machineOf(requiredString(input, 'stateMachineArn'))),
    DescribeStateMachineForExecution: (input) => this.describeStateMachineForExecution(input),
    ListStateMachines: (input) => this.listStateMachines(input),
    StartExecution: (input) => this.startExecutionOperation(input),
    StartSyncExecution: (input) => this.startSyncExecution(input),
    DescribeExecution: (input) => this.describeExecution(input),
    ListExecutions: (input) => this.listExecutions(input),
    GetExecutionHistory: (input) => this.getExecutionHistory(input),
    StopExecution: (input) => this.stopExecution(input),
    SendTaskSuccess: (input) => this.sendTaskSuccess(input),
    SendTaskFailure: (input) => this.sendTaskFailure(input),
    SendTaskHeartbeat: (input) => {
      this.attemptOf(requiredString(input, 'taskToken')).heartbeat();
      return {};
    },
  };

  private putStateMachine(spec: {
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

  private createStateMachine(input: JsonObject) {
    const name = requiredString(input, 'name');
    if (!isValidName(name)) throw error('InvalidName', `Invalid Name: '${name}'`);
    const definition = requiredString(input, 'definition');
    const roleArn = requiredString(input, 'roleArn');
    const type = optionalString(input, 'type') ?? 'STANDARD';
    if (type !== 'STANDARD' && type !== 'EXPRESS') {
      throw validationError(
        `1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]`,
      );
    }
    const existing = this.machines.get(this.arns.stateMachine(name));
    if (existing) {
      if (existing.definition.text === definition && existing.roleArn === roleArn && existing.type === type) {
        return { stateMachineArn: existing.arn, creationDate: seconds(existing.creationDate) };
      }
      throw error('StateMachineAlreadyExists', `State Machine Already Exists: '${existing.arn}'`);
    }
    const logging = isObject(input.loggingConfiguration) ? input.loggingConfiguration : {};
    const tracing = isObject(input.tracingConfiguration) ? input.tracingConfiguration : {};
    let record: StateMachineRecord;
    try {
      record = this.putStateMachine({
        name,
        definition,
        roleArn,
        type,
        loggingConfiguration: { level: 'OFF', includeExecutionData: false, ...logging },
        tracingConfiguration: { enabled: false, ...tracing },
      });
    } catch (caught) {
      if (caught instanceof InvalidDefinitionError) throw error('InvalidDefinition', caught.message);
      throw caught;
    }
    return { stateMachineArn: record.arn, creationDate: seconds(record.creationDate) };
  }

  private deleteStateMachine(input: JsonObject) {
    const arn = requiredString(input, 'stateMachineArn');
    if (statesArnKind(arn) !== 'stateMachine') throw invalidArn(arn);
    this.machines.delete(arn);
    return {};
  }

  private machineOf(arn: string): StateMachineRecord {
    if (statesArnKind(arn) !== 'stateMachine') throw invalidArn(arn);
    const machine = this.machines.get(arn);
    if (!machine) throw stateMachineDoesNotExist(arn);
    return machine;
  }

  private runOf(arn: string): ExecutionRun {
    const kind = statesArnKind(arn);
    if (kind !== 'execution' && kind !== 'express') throw invalidArn(arn);
    const run = this.executions.get(arn);
    if (!run) throw executionDoesNotExist(arn);
    return run;
  }

  private describeStateMachine(machine: StateMachineRecord) {
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: machine.definition.text,
      roleArn: machine.roleArn,
      type: machine.type,
      creationDate: seconds(machine.creationDate),
      loggingConfiguration: machine.loggingConfiguration,
      tracingConfiguration: machine.tracingConfiguration,
    };
  }

  private describeStateMachineForExecution(input: JsonObject) {
    const machine = this.runOf(requiredString(input, 'executionArn')).record.stateMachine;
    const description: Partial<ReturnType<StepFunctionsService['describeStateMachine']>> =
      this.describeStateMachine(machine);
    const updateDate = description.creationDate;
    delete description.status;
    delete description.type;
    delete description.creationDate;
    return { ...description, updateDate };
  }

  private listStateMachines(input: JsonObject) {
    const machines = [...this.machines.values()].sort((a, b) => a.name.localeCompare(b.name));
    const { items, nextToken } = page(machines, input);
    return {
      stateMachines: items.map((machine) => ({
        stateMachineArn: machine.arn,
        name: machine.name,
        type: machine.type,
        creationDate: seconds(machine.creationDate),
      })),
      nextToken,
    };
  }

  private start(machine: StateMachineRecord, input: string, name?: string): ExecutionRun {
    const executionName = name ?? randomUUID();
    if (!isValidName(executionName)) throw error('InvalidName', `Invalid Name: '${executionName}'`);
    if (Buffer.byteLength(input, 'utf8') > MAX_INPUT_BYTES) {
      throw error(
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: the input is larger than 256 KiB',
      );
    }
    try {
      JSON.parse(input);
    } catch (caught) {
      throw error(
        'InvalidExecutionInput',
        `Invalid State Machine Execution Input: '${errorMessageOf(caught)}'`,
      );
    }
    const arn = this.arns.execution(machine, executionName, randomUUID());
    const existing = this.executions.get(arn);
    if (existing) {
      // StartExecution is idempotent for a name whose execution is still open and got the same input.
      if (existing.isRunning && existing.record.input === input) return existing;
      throw error('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
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

  private startExecutionOperation(input: JsonObject) {
    const machine = this.machineOf(requiredString(input, 'stateMachineArn'));
    const run = this.start(machine, optionalString(input, 'input') ?? '{}', optionalString(input, 'name'));
    return { executionArn: run.record.arn, startDate: seconds(run.record.startDate) };
  }

  private async startSyncExecution(input: JsonObject) {
    const machine = this.machineOf(requiredString(input, 'stateMachineArn'));
    if (machine.type !== 'EXPRESS') {
      throw error(
        'StateMachineTypeNotSupported',
        'This operation is supported only by EXPRESS state machines.',
      );
    }
    const run = this.start(machine, optionalString(input, 'input') ?? '{}', optionalString(input, 'name'));
    await run.done;
    return this.describe(run.record);
  }

  private describe(record: ExecutionRecord) {
    return {
      executionArn: record.arn,
      stateMachineArn: record.stateMachine.arn,
      name: record.name,
      status: record.status,
      startDate: seconds(record.startDate),
      stopDate: record.stopDate === undefined ? undefined : seconds(record.stopDate),
      input: record.input,
      inputDetails: { included: true },
      output: record.output,
      outputDetails: record.output === undefined ? undefined : { included: true },
      error: record.error,
      cause: record.cause,
      redriveCount: 0,
    };
  }

  private describeExecution(input: JsonObject) {
    return this.describe(this.runOf(requiredString(input, 'executionArn')).record);
  }

  private listExecutions(input: JsonObject) {
    const machine = this.machineOf(requiredString(input, 'stateMachineArn'));
    const status = optionalString(input, 'statusFilter');
    if (status !== undefined && !EXECUTION_STATUSES.has(status)) {
      throw validationError(
        `1 validation error detected: Value '${status}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]`,
      );
    }
    const records = this.executionsOf(machine.arn).filter(
      (record) => status === undefined || record.status === status,
    );
    const { items, nextToken } = page(records, input);
    return {
      executions: items.map((record) => ({
        executionArn: record.arn,
        stateMachineArn: record.stateMachine.arn,
        name: record.name,
        status: record.status,
        startDate: seconds(record.startDate),
        stopDate: record.stopDate === undefined ? undefined : seconds(record.stopDate),
        redriveCount: 0,
      })),
      nextToken,
    };
  }

  private getExecutionHistory(input: JsonObject) {
    const { history } = this.runOf(requiredString(input, 'executionArn')).record;
    const reverse = input.reverseOrder === true;
    const withData = input.includeExecutionData !== false;
    const events = reverse ? [...history.events].reverse() : [...history.events];
    const { items, nextToken } = page(events, input);
    return { events: withData ? items : items.map(withoutData), nextToken };
  }

  private stopExecution(input: JsonObject) {
    const run = this.runOf(requiredString(input, 'executionArn'));
    run.stop(optionalString(input, 'error'), optionalString(input, 'cause'));
    return { stopDate: seconds(run.record.stopDate ?? this.clock()) };
  }

  /** The open attempt a task token belongs to, or the error SendTask* answers with. */
  private attemptOf(token: string): Attempt {
    if (!TOKEN_PATTERN.test(token)) throw error('InvalidToken', "Invalid Token: 'Invalid token'");
    const attempt = this.tokens.get(token);
    if (attempt === undefined) throw error('TaskDoesNotExist', 'Task Does Not Exist');
    if (attempt === null || attempt.isSettled) {
      throw error('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    }
    return attempt;
  }

  private sendTaskSuccess(input: JsonObject) {
    const attempt = this.attemptOf(requiredString(input, 'taskToken'));
    const text = requiredString(input, 'output');
    let output: unknown;
    try {
      output = JSON.parse(text);
    } catch (caught) {
      throw error('InvalidOutput', `Invalid Output: '${errorMessageOf(caught)}'`);
    }
    attempt.callbackSuccess(output);
    return {};
  }

  private sendTaskFailure(input: JsonObject) {
    const attempt = this.attemptOf(requiredString(input, 'taskToken'));
    attempt.callbackFailure(optionalString(input, 'error'), optionalString(input, 'cause'));
    return {};
  }
}

const DATA_FIELDS = new Set(['input', 'inputDetails', 'output', 'outputDetails', 'parameters']);

/** `includeExecutionData: false`: events without their input, output and parameters. */
function withoutData(event: HistoryEvent): HistoryEvent {
  return Object.fromEntries(
    Object.entries(event).map(([key, value]) =>
      isObject(value)
        ? [key, Object.fromEntries(Object.entries(value).filter(([field]) => !DATA_FIELDS.has(field)))]
        : [key, value],
    ),
  ) as unknown as HistoryEvent;
}
