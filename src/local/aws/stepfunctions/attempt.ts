import type { TaskSpec } from './definition';
import { ExecutionClosedError, TaskFailure, statesTimeout } from './errors';
import { dataDetails, type History } from './history';
import type { IntegrationCall, Integrations } from './integrations';

export interface AttemptContext {
  readonly history: History;
  readonly region: string;
  readonly integrations: Integrations;
  readonly call: IntegrationCall;
}

type Callback =
  { readonly ok: true; readonly output: unknown } | { readonly ok: false; readonly failure: TaskFailure };

/**
 * One attempt of a Task state (each retry is a new attempt): it records TaskScheduled, TaskStarted and how
 * it ended (TaskSucceeded / TaskFailed / TaskTimedOut, or the LambdaFunction* events for a function ARN as
 * Resource), enforces TimeoutSeconds, and for `.waitForTaskToken` records TaskSubmitted once the
 * message/invocation carrying the token went out, then waits for SendTaskSuccess/Failure under
 * HeartbeatSeconds. It settles once; whatever comes after (a late callback, a late function result) is
 * ignored, as Step Functions ignores it.
 */
export class Attempt {
  private settled = false;
  private submitted = false;
  private early?: Callback;
  private timeoutTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private resolve!: (value: unknown) => void;
  private reject!: (error: Error) => void;
  readonly done: Promise<unknown>;

  constructor(
    private readonly context: AttemptContext,
    readonly spec: TaskSpec,
    private readonly parameters: unknown,
    readonly taskToken: string | undefined,
    private readonly timeoutSeconds: number | undefined,
    private readonly heartbeatSeconds: number | undefined,
  ) {
    this.done = new Promise<unknown>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  get isSettled(): boolean {
    return this.settled;
  }

  private get isFunctionResource(): boolean {
    return this.spec.integration === 'lambda:function';
  }

  private emit(
    kind: 'Scheduled' | 'Started' | 'Submitted' | 'Succeeded' | 'Failed' | 'TimedOut',
    details?: Record<string, unknown>,
  ): void {
    const { history } = this.context;
    if (this.isFunctionResource) {
      if (kind === 'Submitted') return;
      history.add(`LambdaFunction${kind}`, kind === 'Started' ? undefined : details);
      return;
    }
    history.add(`Task${kind}`, {
      resourceType: this.spec.resourceType,
      resource: this.spec.resourceAction,
      ...details,
    });
  }

  /** Starts the attempt; resolves with the task's result, rejects with the States error. */
  start(): Promise<unknown> {
    const data = dataDetails(this.parameters);
    if (this.isFunctionResource) {
      this.emit('Scheduled', {
        resource: this.spec.resource,
        input: data.text,
        inputDetails: data.details,
        timeoutInSeconds: this.timeoutSeconds,
      });
    } else {
      this.emit('Scheduled', {
        region: this.context.region,
        parameters: data.text,
        timeoutInSeconds: this.timeoutSeconds,
        heartbeatInSeconds: this.heartbeatSeconds,
      });
    }
    this.emit('Started');
    const startClock = () => {
      if (this.timeoutSeconds !== undefined && !this.settled && !this.timeoutTimer) {
        this.timeoutTimer = setTimeout(() => this.timeOut(), this.timeoutSeconds * 1000);
      }
    };
    // A function task's clock starts when its handler does: offline it may wait for an execution
    // environment, where Lambda would have started another one. Token tasks time the wait itself.
    const timesFunction = this.spec.integration.startsWith('lambda:') && !this.spec.waitForTaskToken;
    if (!timesFunction) startClock();
    const call = timesFunction ? { ...this.context.call, onFunctionStart: startClock } : this.context.call;
    this.context.integrations.call(this.spec, this.parameters, call).then(
      (output) => (this.spec.waitForTaskToken ? this.submit(output) : this.succeed(output)),
      (error: unknown) =>
        this.fail(error instanceof TaskFailure ? error : new TaskFailure('States.TaskFailed', String(error))),
    );
    return this.done;
  }

  /** SendTaskSuccess. */
  callbackSuccess(output: unknown): void {
    if (this.submitted) this.succeed(output);
    else this.early ??= { ok: true, output };
  }

  /** SendTaskFailure. */
  callbackFailure(error: string | undefined, cause: string | undefined): void {
    const failure = new TaskFailure(error ?? '', cause);
    if (this.submitted) this.fail(failure);
    else this.early ??= { ok: false, failure };
  }

  /** SendTaskHeartbeat: restarts the heartbeat clock (which runs from the submission on). */
  heartbeat(): void {
    if (this.submitted && !this.settled) this.armHeartbeat();
  }

  /** The execution closed under the attempt: settle without an event. */
  abort(): void {
    if (!this.settle()) return;
    this.reject(new ExecutionClosedError('The execution is no longer running'));
  }

  private submit(output: unknown): void {
    if (this.settled) return;
    this.submitted = true;
    const data = dataDetails(output);
    this.emit('Submitted', { output: data.text, outputDetails: data.details });
    const early = this.early;
    if (early) {
      if (early.ok) this.succeed(early.output);
      else this.fail(early.failure);
      return;
    }
    this.armHeartbeat();
  }

  private armHeartbeat(): void {
    if (this.heartbeatSeconds === undefined) return;
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(() => this.timeOut(), this.heartbeatSeconds * 1000);
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    clearTimeout(this.timeoutTimer);
    clearTimeout(this.heartbeatTimer);
    return true;
  }

  private succeed(output: unknown): void {
    if (!this.settle()) return;
    const data = dataDetails(output);
    this.emit('Succeeded', { output: data.text, outputDetails: data.details });
    this.resolve(output);
  }

  private fail(failure: TaskFailure): void {
    if (!this.settle()) return;
    this.emit('Failed', { error: failure.name || undefined, cause: failure.causeText });
    this.reject(failure);
  }

  private timeOut(): void {
    if (!this.settle()) return;
    this.emit('TimedOut', { error: 'States.Timeout' });
    this.reject(statesTimeout());
  }
}
