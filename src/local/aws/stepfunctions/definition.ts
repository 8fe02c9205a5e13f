import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { isObject, type JsonObject } from '../shared/json-input';
import { InvalidDefinitionError, errorMessageOf } from './errors';
import './polyfill';

/**
 * The interpreter's own per-task timer (it defaults to 60 s, which Step Functions does not have) is set
 * to the longest a Node timer can wait; task timeouts and heartbeats are enforced here instead.
 */
const INTERPRETER_TASK_TIMEOUT_SECONDS = 2_147_483;

/** How a Task's Resource is bound locally. */
export interface TaskSpec {
  readonly stateName: string;
  readonly resource: string;
  /** `lambda`, `sqs`, `sns`, `events`, ... as TaskScheduled reports it. */
  readonly resourceType: string;
  /** `invoke`, `sendMessage.waitForTaskToken`, ... as TaskScheduled reports it. */
  readonly resourceAction: string;
  /** `lambda:invoke`, `sqs:sendMessage`, ...; `lambda:function` for a function ARN as Resource. */
  readonly integration: string;
  readonly waitForTaskToken: boolean;
  readonly timeoutSeconds?: number;
  readonly heartbeatSeconds?: number;
  readonly timeoutSecondsPath?: string;
  readonly heartbeatSecondsPath?: string;
}

/** What each task handler receives: the evaluated Parameters and the values of the *SecondsPath fields. */
export interface TaskHandlerInput {
  readonly parameters: unknown;
  readonly timeoutSeconds?: unknown;
  readonly heartbeatSeconds?: unknown;
}

export interface PreparedDefinition {
  /** The definition as given (DescribeStateMachine returns it). */
  readonly text: string;
  /** What the interpreter runs: Task states rewritten (see {@link prepareDefinition}). */
  readonly runnable: StateMachineDefinition;
  /** Every Task state, nested ones included, by name (names are unique in a whole state machine). */
  readonly tasks: ReadonlyMap<string, TaskSpec>;
  /** Every state as written, nested ones included, by name. */
  readonly states: ReadonlyMap<string, JsonObject>;
}

const LAMBDA_FUNCTION_ARN =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$/;

/** Splits `arn:aws:states:::sqs:sendMessage.waitForTaskToken` into service, action and pattern. */
export function parseResource(resource: string): {
  resourceType: string;
  resourceAction: string;
  integration: string;
  waitForTaskToken: boolean;
  pattern?: string;
} {
  if (LAMBDA_FUNCTION_ARN.test(resource)) {
    return {
      resourceType: 'lambda',
      resourceAction: resource,
      integration: 'lambda:function',
      waitForTaskToken: false,
    };
  }
  const parts = resource.split(':');
  if (
    parts.length >= 7 &&
    parts[0] === 'arn' &&
    parts[2] === 'states' &&
    parts[3] === '' &&
    parts[4] === ''
  ) {
    const resourceType = parts[5] ?? '';
    const resourceAction = parts.slice(6).join(':');
    const dot = resourceAction.indexOf('.');
    const action = dot >= 0 ? resourceAction.slice(0, dot) : resourceAction;
    const pattern = dot >= 0 ? resourceAction.slice(dot + 1) : undefined;
    return {
      resourceType,
      resourceAction,
      integration: `${resourceType}:${action}`,
      waitForTaskToken: pattern === 'waitForTaskToken',
      pattern,
    };
  }
  return {
    resourceType: '',
    resourceAction: resource,
    integration: '',
    waitForTaskToken: false,
    pattern: 'unknown',
  };
}

const positiveInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value > 0;

/** Calls `visit` for every state, descending into Parallel branches and Map processors. */
function forEachState(machine: JsonObject, visit: (name: string, state: JsonObject) => void): void {
  const states = machine.States;
  if (!isObject(states)) return;
  for (const [name, state] of Object.entries(states)) {
    if (!isObject(state)) continue;
    visit(name, state);
    if (Array.isArray(state.Branches)) {
      for (const branch of state.Branches) if (isObject(branch)) forEachState(branch, visit);
    }
    for (const key of ['Iterator', 'ItemProcessor']) {
      const processor = state[key];
      if (isObject(processor)) forEachState(processor, visit);
    }
  }
}

/**
 * Fields the interpreter would silently ignore: JSONata's and variables' (Assign, Arguments, Output, Items,
 * Condition), and a Distributed Map's (ItemReader, ItemBatcher, ResultWriter). Refused rather than run wrong.
 */
const UNSUPPORTED_FIELDS = [
  'Assign',
  'Arguments',
  'Output',
  'Items',
  'Condition',
  'ItemReader',
  'ItemBatcher',
  'ResultWriter',
];

function checkSupported(definition: JsonObject): void {
  const problems: string[] = [];
  if (definition.QueryLanguage !== undefined && definition.QueryLanguage !== 'JSONPath') {
    problems.push(`QueryLanguage ${String(definition.QueryLanguage)} is not supported (JSONPath only)`);
  }
  forEachState(definition, (name, state) => {
    if (state.QueryLanguage !== undefined && state.QueryLanguage !== 'JSONPath') {
      problems.push(`state ${name}: QueryLanguage ${String(state.QueryLanguage)} is not supported`);
    }
    for (const field of UNSUPPORTED_FIELDS) {
      if (state[field] !== undefined) problems.push(`state ${name}: ${field} is not supported`);
    }
  });
  if (problems.length > 0) {
    throw new InvalidDefinitionError(
      `The local Step Functions interpreter cannot run this definition: ${problems.join('; ')}`,
    );
  }
}

function taskSpec(name: string, state: JsonObject, isSupported: (integration: string) => boolean): TaskSpec {
  const resource = state.Resource;
  if (typeof resource !== 'string')
    throw new InvalidDefinitionError(`state ${name}: Resource must be a string`);
  const parsed = parseResource(resource);
  if (parsed.pattern !== undefined && parsed.pattern !== 'waitForTaskToken') {
    throw new InvalidDefinitionError(
      `state ${name}: resource ${resource} is not supported locally (no .sync, activities or unknown resources)`,
    );
  }
  if (parsed.integration !== 'lambda:function' && !isSupported(parsed.integration)) {
    throw new InvalidDefinitionError(
      `state ${name}: no local binding for the ${parsed.integration} integration`,
    );
  }
  for (const field of ['TimeoutSeconds', 'HeartbeatSeconds']) {
    if (state[field] !== undefined && !positiveInteger(state[field])) {
      throw new InvalidDefinitionError(`state ${name}: ${field} must be a positive integer`);
    }
  }
  const timeoutSeconds = state.TimeoutSeconds as number | undefined;
  const heartbeatSeconds = state.HeartbeatSeconds as number | undefined;
  if (timeoutSeconds !== undefined && heartbeatSeconds !== undefined && heartbeatSeconds >= timeoutSeconds) {
    throw new InvalidDefinitionError(`state ${name}: HeartbeatSeconds must be smaller than TimeoutSeconds`);
  }
  const path = (field: string): string | undefined => {
    const value = state[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !value.startsWith('$')) {
      throw new InvalidDefinitionError(`state ${name}: ${field} must be a reference path`);
    }
    return value;
  };
  return {
    stateName: name,
    resource,
    resourceType: parsed.resourceType,
    resourceAction: parsed.resourceAction,
    integration: parsed.integration,
    waitForTaskToken: parsed.waitForTaskToken,
    timeoutSeconds,
    heartbeatSeconds,
    timeoutSecondsPath: path('TimeoutSecondsPath'),
    heartbeatSecondsPath: path('HeartbeatSecondsPath'),
  };
}

/**
 * The Task state as the interpreter runs it: its timeout fields removed (enforced here, per attempt),
 * and its Parameters wrapped so that the handler also receives the values TimeoutSecondsPath and
 * HeartbeatSecondsPath select, evaluated by the interpreter's own JSONPath against the same input.
 */
function rewriteTask(state: JsonObject, spec: TaskSpec): void {
  const wrapper: JsonObject =
    state.Parameters === undefined ? { 'parameters.$': '$' } : { parameters: state.Parameters };
  if (spec.timeoutSecondsPath) wrapper['timeoutSeconds.$'] = spec.timeoutSecondsPath;
  if (spec.heartbeatSecondsPath) wrapper['heartbeatSeconds.$'] = spec.heartbeatSecondsPath;
  delete state.TimeoutSecondsPath;
  delete state.HeartbeatSecondsPath;
  delete state.HeartbeatSeconds;
  state.TimeoutSeconds = INTERPRETER_TASK_TIMEOUT_SECONDS;
  state.Parameters = wrapper;
}

/**
 * Parses and validates an ASL definition (with the interpreter's own validator, plus the checks that the
 * local bindings need) and prepares the copy the interpreter runs. Throws {@link InvalidDefinitionError}.
 */
export function prepareDefinition(
  text: string,
  isSupported: (integration: string) => boolean,
): PreparedDefinition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidDefinitionError(
      `Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: ${errorMessageOf(error)}'`,
    );
  }
  if (!isObject(parsed))
    throw new InvalidDefinitionError('Invalid State Machine Definition: not a JSON object');
  checkSupported(parsed);
  try {
    new StateMachine(parsed as unknown as StateMachineDefinition);
  } catch (error) {
    throw new InvalidDefinitionError(
      `Invalid State Machine Definition: '${errorMessageOf(error).replace(/\s+/g, ' ')}'`,
    );
  }
  const states = new Map<string, JsonObject>();
  const tasks = new Map<string, TaskSpec>();
  forEachState(parsed, (name, state) => {
    states.set(name, state);
    if (state.Type === 'Task') tasks.set(name, taskSpec(name, state, isSupported));
  });
  // a fresh parse, not structuredClone: the interpreter tests `Object.getPrototypeOf(x) === Object.prototype`,
  // which objects cloned in another realm (e.g. under jest) fail
  const runnable = JSON.parse(text) as JsonObject;
  forEachState(runnable, (name, state) => {
    const spec = tasks.get(name);
    if (state.Type === 'Task' && spec) rewriteTask(state, spec);
  });
  return { text, runnable: runnable as unknown as StateMachineDefinition, tasks, states };
}
