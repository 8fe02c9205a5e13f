/*
 * Every timeout inside the saga must fire inside the execution (issue 12, item 6). The state machine's
 * own TimeoutSeconds ends the execution with States.Timeout, which no Catch can handle: nothing after it
 * runs, so an order whose review (or shipping) outlasts the execution keeps its stock reserved and its
 * payment held. The longest path through the saga (every Task at its worst: each retry, each backoff,
 * its own timeout, then the compensation behind it) must therefore end before the machine's timeout, on
 * every stage, with each stage's timeouts as the start function passes them to the execution.
 */
import { join } from 'node:path';
import { compileTemplate, resourcesOfType, type CfnTemplate } from '../../src/local/template';
import { referencedLogicalId } from '../../src/local/template-refs';
import { ciTemplate } from '../support/stack';

interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly BackoffRate?: number;
  readonly MaxAttempts?: number;
  readonly MaxDelaySeconds?: number;
}

interface State {
  readonly Type: string;
  readonly Resource?: string;
  readonly Parameters?: { FunctionName?: unknown };
  readonly Next?: string;
  readonly Default?: string;
  readonly Choices?: readonly { Next: string }[];
  readonly Catch?: readonly { Next: string }[];
  readonly Retry?: readonly Retrier[];
  readonly TimeoutSeconds?: number;
  readonly TimeoutSecondsPath?: string;
}

interface Definition {
  readonly StartAt: string;
  readonly TimeoutSeconds?: number;
  readonly States: Readonly<Record<string, State>>;
}

/**
 * A failed attempt of a token task fails while starting (invoking the function, sending the message),
 * not after waiting: the errors it retries are the start call's. Bounded by the invoked function's
 * timeout, or for an SQS send by this (an SDK call with its own retries).
 */
const SEND_MESSAGE_BOUND_SECONDS = 60;
/** Step Functions' defaults for a retrier that leaves them out. */
const RETRY_DEFAULTS = { IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3 };
/** Errors a token task must not retry: retrying its own timeout would restart the wait. */
const WAIT_ERRORS = ['States.ALL', 'States.Timeout', 'States.HeartbeatTimeout', 'States.TaskFailed'];

const SAGA_ID = 'OrderSagaStateMachine';
const START_FUNCTION_ID = 'StartSagaLambdaFunction';

/** The definition, with the references serverless-step-functions moved into Fn::Sub variables put back. */
function sagaDefinition(template: CfnTemplate): Definition {
  const definition = template.Resources[SAGA_ID]?.Properties?.DefinitionString as
    string | { 'Fn::Sub': [string, Record<string, unknown>?] };
  if (typeof definition === 'string') return JSON.parse(definition) as Definition;
  const [text, variables = {}] = definition['Fn::Sub'];
  return JSON.parse(text, (_key, value: unknown) => {
    const variable = typeof value === 'string' ? /^\$\{([\w]+)\}$/.exec(value)?.[1] : undefined;
    return variable !== undefined && variable in variables ? variables[variable] : value;
  }) as Definition;
}

/** The execution input's `config`, as the start function builds it from its environment on this stage. */
function sagaConfig(template: CfnTemplate): Record<string, number> {
  const env = (
    template.Resources[START_FUNCTION_ID]?.Properties?.Environment as {
      Variables: Record<string, unknown>;
    }
  ).Variables;
  return {
    reviewTimeoutSeconds: Number(env.REVIEW_TIMEOUT_SECONDS),
    shippingTimeoutSeconds: Number(env.SHIPPING_TIMEOUT_SECONDS),
  };
}

function functionTimeout(template: CfnTemplate, functionName: unknown): number {
  const id = referencedLogicalId(functionName) ?? '';
  const timeout = template.Resources[id]?.Properties?.Timeout;
  if (typeof timeout !== 'number') throw new RangeError(`no Timeout on the function ${id}`);
  return timeout;
}

/** The longest a Task can take: every retry (failing as late as it can) with its backoff, then its timeout. */
function worstTaskSeconds(template: CfnTemplate, name: string, state: State, config: Record<string, number>) {
  const path = state.TimeoutSecondsPath?.replace(/^\$\.config\./, '');
  const timeout = state.TimeoutSeconds ?? (path === undefined ? undefined : config[path]);
  if (timeout === undefined || !Number.isFinite(timeout)) throw new RangeError(`${name} has no timeout`);
  const isTokenTask = state.Resource?.endsWith('.waitForTaskToken') === true;
  if (isTokenTask) {
    const retriesWait = (state.Retry ?? [])
      .flatMap((r) => r.ErrorEquals)
      .filter((e) => WAIT_ERRORS.includes(e));
    if (retriesWait.length > 0) throw new RangeError(`${name} retries ${retriesWait.join(', ')}`);
  }
  const failedAttempt = !isTokenTask
    ? timeout
    : state.Resource?.startsWith('arn:aws:states:::lambda:')
      ? functionTimeout(template, state.Parameters?.FunctionName)
      : SEND_MESSAGE_BOUND_SECONDS;
  let seconds = timeout;
  for (const retrier of state.Retry ?? []) {
    const { IntervalSeconds, BackoffRate, MaxAttempts } = { ...RETRY_DEFAULTS, ...retrier };
    for (let retry = 0; retry < MaxAttempts; retry += 1) {
      const delay = IntervalSeconds * BackoffRate ** retry;
      seconds += failedAttempt + Math.min(delay, retrier.MaxDelaySeconds ?? delay);
    }
  }
  return seconds;
}

/** The longest path from StartAt to an end, in seconds, and the states on it. */
function longestPath(template: CfnTemplate, definition: Definition, config: Record<string, number>) {
  const memo = new Map<string, { seconds: number; path: string[] }>();
  const visit = (name: string, onPath: ReadonlySet<string>): { seconds: number; path: string[] } => {
    const known = memo.get(name);
    if (known) return known;
    if (onPath.has(name)) throw new RangeError(`the saga loops through ${name}`);
    const state = definition.States[name];
    if (!state) throw new RangeError(`no state ${name}`);
    const own = state.Type === 'Task' ? worstTaskSeconds(template, name, state, config) : 0;
    const nexts = [state.Next, state.Default, ...(state.Choices ?? []).map((c) => c.Next)]
      .concat((state.Catch ?? []).map((c) => c.Next))
      .filter((next): next is string => next !== undefined);
    const after = nexts
      .map((next) => visit(next, new Set([...onPath, name])))
      .reduce((a, b) => (b.seconds > a.seconds ? b : a), { seconds: 0, path: [] as string[] });
    const result = { seconds: own + after.seconds, path: [name, ...after.path] };
    memo.set(name, result);
    return result;
  };
  return visit(definition.StartAt, new Set());
}

const templates: Record<string, CfnTemplate> = {};

beforeAll(async () => {
  templates.ci = await ciTemplate();
  for (const stage of ['local', 'prod']) {
    templates[stage] = await compileTemplate(
      stage,
      join('.orderflow', 'package', `${stage}-timeouts-tests`),
      {
        ORDERFLOW_BUILD_DIR: join('.orderflow', 'build', `${stage}-timeouts-tests`),
      },
    );
  }
}, 180_000);

describe('compiled template: the saga ends by its own timeouts, never by the machine timeout', () => {
  it.each(['local', 'ci', 'prod'])(
    '%s: the longest path (review, shipping, retries, compensation) ends first',
    (stage) => {
      const template = templates[stage] as CfnTemplate;
      expect(resourcesOfType(template, 'AWS::StepFunctions::StateMachine').map(([id]) => id)).toEqual([
        SAGA_ID,
      ]);
      const definition = sagaDefinition(template);
      const config = sagaConfig(template);
      const machineTimeout = definition.TimeoutSeconds ?? Number.POSITIVE_INFINITY;
      const longest = longestPath(template, definition, config);
      // The path the issue found: a review left undecided, its timeout caught, and the compensation after it.
      expect(longest.path).toEqual(expect.arrayContaining(['ManualReview', 'RefundPayment', 'CancelOrder']));
      expect(config.reviewTimeoutSeconds).toBeLessThan(machineTimeout);
      expect({ stage, longest: longest.seconds, fitsInside: longest.seconds < machineTimeout }).toEqual({
        stage,
        longest: longest.seconds,
        fitsInside: true,
      });
    },
  );

  it('measures what it claims: a review as long as the machine timeout does not fit', () => {
    const template = templates.prod as CfnTemplate;
    const definition = sagaDefinition(template);
    const machineTimeout = definition.TimeoutSeconds ?? 0;
    const config = { ...sagaConfig(template), reviewTimeoutSeconds: machineTimeout };
    expect(longestPath(template, definition, config).seconds).toBeGreaterThan(machineTimeout);
  });
});
