import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type RunOptions,
} from 'aws-local-stepfunctions';
import { Attempt } from './attempt';
import type { TaskHandlerInput, TaskSpec } from './definition';
import { ExecutionClosedError, StatesRuntimeFailure, errorMessageOf, loadStatesTimeoutType } from './errors';
import { dataDetails } from './history';
import type { Integrations } from './integrations';
import type { ExecutionRecord, ExecutionStatus } from './model';
import './polyfill';

/** What an execution needs from the service. */
export interface ExecutionHost {
  readonly region: string;
  readonly integrations: Integrations;
  readonly clock: () => number;
  mintToken(): string;
  openToken(token: string, attempt: Attempt): void;
  closeToken(token: string): void;
}

type Overrides = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type LibraryRun = ReturnType<StateMachine['run']>;
type LibraryEvent = LibraryRun['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

interface Outcome {
  readonly status: Exclude<ExecutionStatus, 'RUNNING'>;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** `$`, `$.a.b`, `$.a[0]`, `$['a']`: enough to report a Map's item count; undefined otherwise. */
function selectSimplePath(value: unknown, path: string | undefined): unknown {
  if (path === undefined) return value;
  if (!/^\$((\.[A-Za-z_][\w-]*)|(\[\d+\])|(\['[^']*'\]))*$/.test(path)) return undefined;
  let current = value;
  for (const match of path.slice(1).matchAll(/\.([A-Za-z_][\w-]*)|\[(\d+)\]|\['([^']*)'\]/g)) {
    const key = match[1] ?? match[3] ?? Number(match[2]);
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/**
 * One execution: its definition run by aws-local-stepfunctions (Choice, Retry, Catch, Parallel, Map, paths,
 * intrinsics are all the library's), its Task states bound to {@link Attempt}s, and the library's event log
 * turned into Step Functions history events as they come.
 *
 * Ordering: the library's events arrive on an async iterator, a few microtasks after they happen, while
 * a task handler is called synchronously; each attempt therefore starts on the next turn of the event loop,
 * once the events before it (e.g. TaskStateEntered) are in the history.
 */
export class ExecutionRun {
  readonly done: Promise<void>;
  private readonly attempts = new Set<Attempt>();
  private readonly failedCompound = new Set<string>();
  private pendingToken?: string;
  private run?: LibraryRun;
  private failedFailState?: string;

  constructor(
    private readonly host: ExecutionHost,
    readonly record: ExecutionRecord,
  ) {
    record.history.add('ExecutionStarted', {
      input: record.input,
      inputDetails: { truncated: false },
      roleArn: record.stateMachine.roleArn,
    });
    this.done = this.execute().catch((error: unknown) => {
      this.finish({ status: 'FAILED', error: 'States.Runtime', cause: errorMessageOf(error) });
    });
  }

  get isRunning(): boolean {
    return this.record.status === 'RUNNING';
  }

  /** StopExecution (or the service closing): ABORTED at once; open attempts end without events. */
  stop(error?: string, cause?: string): void {
    if (!this.isRunning) return;
    const { record } = this;
    record.status = 'ABORTED';
    record.stopDate = this.host.clock();
    record.error = error;
    record.cause = cause;
    record.history.close('ExecutionAborted', { error, cause });
    this.abortAttempts();
    this.run?.abort();
  }

  private async execute(): Promise<void> {
    await loadStatesTimeoutType();
    if (!this.isRunning) return;
    const { record } = this;
    const machine = new StateMachine(record.stateMachine.definition.runnable, {
      validationOptions: { noValidate: true },
    });
    const run = machine.run(JSON.parse(record.input), {
      overrides: { taskResourceLocalHandlers: this.handlers() },
      context: this.contextObject(),
    });
    this.run = run;
    const consumed = this.consume(run.eventLogs);
    let outcome: Outcome;
    try {
      outcome = { status: 'SUCCEEDED', output: await run.result };
    } catch (error) {
      outcome = this.outcomeOf(error);
    }
    await consumed;
    this.finish(outcome);
  }

  private finish(outcome: Outcome): void {
    if (this.isRunning) {
      const { record } = this;
      record.status = outcome.status;
      record.stopDate = this.host.clock();
      record.error = outcome.error;
      record.cause = outcome.cause;
      if (outcome.status === 'SUCCEEDED') {
        const data = dataDetails(outcome.output);
        record.output = data.text;
        record.history.close('ExecutionSucceeded', { output: data.text, outputDetails: data.details });
      } else {
        const type = outcome.status === 'TIMED_OUT' ? 'ExecutionTimedOut' : 'ExecutionFailed';
        record.history.close(type, { error: outcome.error, cause: outcome.cause });
      }
    }
    this.abortAttempts();
  }

  private abortAttempts(): void {
    for (const attempt of this.attempts) attempt.abort();
  }

  private outcomeOf(error: unknown): Outcome {
    if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
    if (error instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT', error: 'States.Timeout' };
    const cause = error instanceof ExecutionError ? error.cause : error;
    if (!(cause instanceof Error)) return { status: 'FAILED', error: 'States.Runtime', cause: String(cause) };
    const failState = this.failedFailState
      ? this.record.stateMachine.definition.states.get(this.failedFailState)
      : undefined;
    if (failState) {
      const hasError = failState.Error !== undefined || failState.ErrorPath !== undefined;
      const hasCause = failState.Cause !== undefined || failState.CausePath !== undefined;
      return {
        status: 'FAILED',
        error: hasError ? cause.name : undefined,
        cause: hasCause ? cause.message : undefined,
      };
    }
    return { status: 'FAILED', error: cause.name || undefined, cause: cause.message || undefined };
  }

  // ---- the context object and task handlers ----------------------------------------------------

  private contextObject(): NonNullable<RunOptions['context']> {
    const { record } = this;
    const currentToken = () => this.currentToken();
    return {
      Execution: {
        Id: record.arn,
        Name: record.name,
        RoleArn: record.stateMachine.roleArn,
        StartTime: new Date(record.startDate).toISOString(),
      },
      StateMachine: { Id: record.stateMachine.arn, Name: record.stateMachine.name },
      // `$$.Task.Token` is read while a Task's Parameters are evaluated, right before its handler runs.
      Task: {
        get Token(): string {
          return currentToken();
        },
      },
    };
  }

  /** A token for the Parameters being evaluated now; the handler that follows claims it. */
  private currentToken(): string {
    if (this.pendingToken === undefined) {
      const token = this.host.mintToken();
      this.pendingToken = token;
      // read outside a Task's Parameters (e.g. a Pass state): dropped, not handed to the next task
      queueMicrotask(() => {
        if (this.pendingToken === token) this.pendingToken = undefined;
      });
    }
    return this.pendingToken;
  }

  private handlers(): Overrides {
    const handlers: Overrides = {};
    for (const [name, spec] of this.record.stateMachine.definition.tasks) {
      handlers[name] = (input) => {
        const token = this.pendingToken;
        this.pendingToken = undefined;
        // the rewritten Parameters (see prepareDefinition) make the input a TaskHandlerInput; results are JSON
        return this.runTask(spec, input as unknown as TaskHandlerInput, token) as Promise<never>;
      };
    }
    return handlers;
  }

  private secondsFrom(path: string | undefined, value: unknown): number | undefined {
    if (path === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new StatesRuntimeFailure(
        `Path expression '${path}' evaluated to ${JSON.stringify(value)}, but expected a positive integer`,
      );
    }
    return value;
  }

  private async runTask(
    spec: TaskSpec,
    input: TaskHandlerInput,
    token: string | undefined,
  ): Promise<unknown> {
    await nextTurn();
    if (!this.isRunning) throw new ExecutionClosedError('The execution is no longer running');
    const timeoutSeconds =
      spec.timeoutSeconds ?? this.secondsFrom(spec.timeoutSecondsPath, input.timeoutSeconds);
    const heartbeatSeconds =
      spec.heartbeatSeconds ?? this.secondsFrom(spec.heartbeatSecondsPath, input.heartbeatSeconds);
    const taskToken = spec.waitForTaskToken ? (token ?? this.host.mintToken()) : undefined;
    const { record } = this;
    const attempt = new Attempt(
      {
        history: record.history,
        region: this.host.region,
        integrations: this.host.integrations,
        call: {
          executionArn: record.arn,
          stateMachineArn: record.stateMachine.arn,
          stateName: spec.stateName,
          taskToken,
        },
      },
      spec,
      input.parameters,
      taskToken,
      timeoutSeconds,
      spec.waitForTaskToken ? heartbeatSeconds : undefined,
    );
    this.attempts.add(attempt);
    if (taskToken) this.host.openToken(taskToken, attempt);
    try {
      return await attempt.start();
    } finally {
      this.attempts.delete(attempt);
      if (taskToken) this.host.closeToken(taskToken);
    }
  }

  // ---- the library's event log -> history ------------------------------------------------------

  private async consume(events: AsyncGenerator<LibraryEvent>): Promise<void> {
    for await (const event of events) {
      if (!this.isRunning) continue;
      this.recordEvent(event);
    }
  }

  private recordEvent(event: LibraryEvent): void {
    const { history } = this.record;
    switch (event.type) {
      case 'StateEntered': {
        const { name, type, input } = event.state;
        const data = dataDetails(input);
        history.add(`${type}StateEntered`, { name, input: data.text, inputDetails: data.details });
        if (type === 'Parallel') history.add('ParallelStateStarted');
        if (type === 'Map') history.add('MapStateStarted', { length: this.mapLength(name, input) });
        return;
      }
      case 'StateExited': {
        const { name, type, output } = event.state;
        if ((type === 'Parallel' || type === 'Map') && !this.failedCompound.delete(name)) {
          history.add(`${type}StateSucceeded`);
        }
        const data = dataDetails(output);
        history.add(`${type}StateExited`, { name, output: data.text, outputDetails: data.details });
        return;
      }
      case 'StateFailed': {
        const { name, type } = event.state;
        if (type === 'Fail') this.failedFailState = name;
        if (type === 'Parallel' || type === 'Map') {
          this.failedCompound.add(name);
          history.add(`${type}StateFailed`);
        }
        return;
      }
      case 'StateRetried':
        this.failedCompound.delete(event.state.name);
        return;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        history.add(event.type, { name: event.parentState.name, index: event.index });
        return;
      default:
        return;
    }
  }

  private mapLength(name: string, input: unknown): number | undefined {
    const state = this.record.stateMachine.definition.states.get(name);
    if (!state) return undefined;
    const inputPath = typeof state.InputPath === 'string' ? state.InputPath : undefined;
    const itemsPath = typeof state.ItemsPath === 'string' ? state.ItemsPath : undefined;
    const items = selectSimplePath(selectSimplePath(input, inputPath), itemsPath);
    return Array.isArray(items) ? items.length : undefined;
  }
}
