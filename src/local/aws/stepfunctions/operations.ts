import {
  isObject,
  optionalInteger,
  optionalString,
  requiredString,
  validationError,
  type JsonObject,
} from '../shared/json-input';
import { invalidArn, serviceError, type StepFunctionsEngine } from './engine';
import { errorMessageOf, InvalidDefinitionError } from './errors';
import type { HistoryEvent } from './history';
import {
  EXECUTION_STATUSES,
  isValidName,
  statesArnKind,
  type ExecutionRecord,
  type StateMachineRecord,
} from './model';

/** One Step Functions operation: the request's JSON body in, the answer's JSON body out (or an AwsServiceError). */
export type Operation = (engine: StepFunctionsEngine, input: JsonObject) => unknown;

const seconds = (ms: number): number => ms / 1000;

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
      throw serviceError('InvalidToken', `Invalid Token: '${token}'`);
    }
  }
  const slice = items.slice(start, start + size);
  return start + size < items.length
    ? { items: slice, nextToken: Buffer.from(`offset:${start + size}`).toString('base64url') }
    : { items: slice };
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

const createStateMachine = (engine: StepFunctionsEngine, input: JsonObject) => {
  const name = requiredString(input, 'name');
  if (!isValidName(name)) throw serviceError('InvalidName', `Invalid Name: '${name}'`);
  const definition = requiredString(input, 'definition');
  const roleArn = requiredString(input, 'roleArn');
  const type = optionalString(input, 'type') ?? 'STANDARD';
  if (type !== 'STANDARD' && type !== 'EXPRESS') {
    throw validationError(
      `1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, EXPRESS]`,
    );
  }
  const existing = engine.machines.get(engine.arns.stateMachine(name));
  if (existing) {
    if (existing.definition.text === definition && existing.roleArn === roleArn && existing.type === type) {
      return { stateMachineArn: existing.arn, creationDate: seconds(existing.creationDate) };
    }
    throw serviceError('StateMachineAlreadyExists', `State Machine Already Exists: '${existing.arn}'`);
  }
  const logging = isObject(input.loggingConfiguration) ? input.loggingConfiguration : {};
  const tracing = isObject(input.tracingConfiguration) ? input.tracingConfiguration : {};
  let record: StateMachineRecord;
  try {
    record = engine.putStateMachine({
      name,
      definition,
      roleArn,
      type,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false, ...logging },
      tracingConfiguration: { enabled: false, ...tracing },
    });
  } catch (caught) {
    if (caught instanceof InvalidDefinitionError) throw serviceError('InvalidDefinition', caught.message);
    throw caught;
  }
  return { stateMachineArn: record.arn, creationDate: seconds(record.creationDate) };
};
const deleteStateMachine = (engine: StepFunctionsEngine, input: JsonObject) => {
  const arn = requiredString(input, 'stateMachineArn');
  if (statesArnKind(arn) !== 'stateMachine') throw invalidArn(arn);
  engine.machines.delete(arn);
  return {};
};
const describeStateMachine = (machine: StateMachineRecord) => {
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
};
const describeStateMachineForExecution = (engine: StepFunctionsEngine, input: JsonObject) => {
  const machine = engine.runOf(requiredString(input, 'executionArn')).record.stateMachine;
  const description: Partial<ReturnType<typeof describeStateMachine>> = describeStateMachine(machine);
  const updateDate = description.creationDate;
  delete description.status;
  delete description.type;
  delete description.creationDate;
  return { ...description, updateDate };
};
const listStateMachines = (engine: StepFunctionsEngine, input: JsonObject) => {
  const machines = [...engine.machines.values()].sort((a, b) => a.name.localeCompare(b.name));
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
};
const startExecution = (engine: StepFunctionsEngine, input: JsonObject) => {
  const machine = engine.machineOf(requiredString(input, 'stateMachineArn'));
  const run = engine.start(machine, optionalString(input, 'input') ?? '{}', optionalString(input, 'name'));
  return { executionArn: run.record.arn, startDate: seconds(run.record.startDate) };
};
const startSyncExecution = async (engine: StepFunctionsEngine, input: JsonObject) => {
  const machine = engine.machineOf(requiredString(input, 'stateMachineArn'));
  if (machine.type !== 'EXPRESS') {
    throw serviceError(
      'StateMachineTypeNotSupported',
      'This operation is supported only by EXPRESS state machines.',
    );
  }
  const run = engine.start(machine, optionalString(input, 'input') ?? '{}', optionalString(input, 'name'));
  await run.done;
  return describe(run.record);
};
/** What ListExecutions gives of an execution; DescribeExecution and StartSyncExecution add its data. */
const summary = (record: ExecutionRecord) => ({
  executionArn: record.arn,
  stateMachineArn: record.stateMachine.arn,
  name: record.name,
  status: record.status,
  startDate: seconds(record.startDate),
  stopDate: record.stopDate === undefined ? undefined : seconds(record.stopDate),
  redriveCount: 0,
});
const describe = (record: ExecutionRecord) => ({
  ...summary(record),
  input: record.input,
  inputDetails: { included: true },
  output: record.output,
  outputDetails: record.output === undefined ? undefined : { included: true },
  error: record.error,
  cause: record.cause,
});
const describeExecution = (engine: StepFunctionsEngine, input: JsonObject) => {
  return describe(engine.runOf(requiredString(input, 'executionArn')).record);
};
const listExecutions = (engine: StepFunctionsEngine, input: JsonObject) => {
  const machine = engine.machineOf(requiredString(input, 'stateMachineArn'));
  const status = optionalString(input, 'statusFilter');
  if (status !== undefined && !EXECUTION_STATUSES.has(status)) {
    throw validationError(
      `1 validation error detected: Value '${status}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]`,
    );
  }
  const records = engine
    .executionsOf(machine.arn)
    .filter((record) => status === undefined || record.status === status);
  const { items, nextToken } = page(records, input);
  return {
    executions: items.map(summary),
    nextToken,
  };
};
const getExecutionHistory = (engine: StepFunctionsEngine, input: JsonObject) => {
  const { history } = engine.runOf(requiredString(input, 'executionArn')).record;
  const reverse = input.reverseOrder === true;
  const withData = input.includeExecutionData !== false;
  const events = reverse ? [...history.events].reverse() : [...history.events];
  const { items, nextToken } = page(events, input);
  return { events: withData ? items : items.map(withoutData), nextToken };
};
const stopExecution = (engine: StepFunctionsEngine, input: JsonObject) => {
  const run = engine.runOf(requiredString(input, 'executionArn'));
  run.stop(optionalString(input, 'error'), optionalString(input, 'cause'));
  return { stopDate: seconds(run.record.stopDate ?? engine.clock()) };
};
const sendTaskSuccess = (engine: StepFunctionsEngine, input: JsonObject) => {
  const attempt = engine.attemptOf(requiredString(input, 'taskToken'));
  const text = requiredString(input, 'output');
  let output: unknown;
  try {
    output = JSON.parse(text);
  } catch (caught) {
    throw serviceError('InvalidOutput', `Invalid Output: '${errorMessageOf(caught)}'`);
  }
  attempt.callbackSuccess(output);
  return {};
};
const sendTaskFailure = (engine: StepFunctionsEngine, input: JsonObject) => {
  const attempt = engine.attemptOf(requiredString(input, 'taskToken'));
  attempt.callbackFailure(optionalString(input, 'error'), optionalString(input, 'cause'));
  return {};
};
/** Every operation the local Step Functions answers, by its wire name: add an operation here. */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  CreateStateMachine: createStateMachine,
  DeleteStateMachine: deleteStateMachine,
  DescribeExecution: describeExecution,
  DescribeStateMachine: (engine, input) =>
    describeStateMachine(engine.machineOf(requiredString(input, 'stateMachineArn'))),
  DescribeStateMachineForExecution: describeStateMachineForExecution,
  GetExecutionHistory: getExecutionHistory,
  ListExecutions: listExecutions,
  ListStateMachines: listStateMachines,
  SendTaskFailure: sendTaskFailure,
  SendTaskHeartbeat: (engine, input) => {
    engine.attemptOf(requiredString(input, 'taskToken')).heartbeat();
    return {};
  },
  SendTaskSuccess: sendTaskSuccess,
  StartExecution: startExecution,
  StartSyncExecution: startSyncExecution,
  StopExecution: stopExecution,
};
