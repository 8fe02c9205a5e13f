import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import './polyfill';

/**
 * A task attempt that failed with a States error name (`Error`) and a cause (`Cause`): the function's
 * `errorType`, `Lambda.ServiceException`, `SQS.QueueDoesNotExistException`, or what SendTaskFailure gave.
 * The interpreter matches Retry/Catch `ErrorEquals` against `name` and puts `message` in the Catch output.
 */
export class TaskFailure extends Error {
  constructor(
    name: string,
    readonly causeText?: string,
  ) {
    super(causeText ?? '');
    this.name = name;
  }
}

/**
 * The execution was stopped (StopExecution, the execution timed out, or the service closed) while an
 * attempt was running: neither retried nor caught, so the interpreter unwinds.
 */
export class ExecutionClosedError extends Error {
  override readonly name = 'ExecutionClosed';
  readonly isRetryable = false;
  readonly isCatchable = false;
}

/** `States.Runtime`: not retriable, not catchable (e.g. a TimeoutSecondsPath that is not a positive integer). */
export class StatesRuntimeFailure extends Error {
  override readonly name = 'States.Runtime';
  readonly isRetryable = false;
  readonly isCatchable = false;
}

/** A definition the local interpreter cannot run, or that Step Functions would reject. */
export class InvalidDefinitionError extends Error {
  override readonly name = 'InvalidDefinitionError';
}

type TimeoutErrorType = new () => Error;

let timeoutErrorType: TimeoutErrorType | undefined;
let probing: Promise<void> | undefined;

/**
 * The interpreter treats `States.TaskFailed` as matching every error except ITS `States.Timeout` class
 * (an `instanceof` test on a class it does not export). Timeouts raised here (task TimeoutSeconds,
 * HeartbeatSeconds) must be of that class, so it is taken once from a 1 ms run of a task that never
 * answers, the only way the library hands one out.
 */
export function loadStatesTimeoutType(): Promise<void> {
  probing ??= (async () => {
    const probe = new StateMachine(
      {
        StartAt: 'Probe',
        States: {
          Probe: {
            Type: 'Task',
            Resource: 'arn:aws:lambda:us-east-1:000000000000:function:probe',
            TimeoutSeconds: 1e-9,
            End: true,
          },
        },
      },
      { validationOptions: { noValidate: true } },
    );
    const execution = probe.run(null, {
      overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => undefined) } },
    });
    try {
      await execution.result;
    } catch (error) {
      const cause = error instanceof ExecutionError ? error.cause : undefined;
      if (cause instanceof Error && cause.name === 'States.Timeout') {
        timeoutErrorType = cause.constructor as TimeoutErrorType;
      }
    }
  })();
  return probing;
}

/** A `States.Timeout` error the interpreter recognises as such (see {@link loadStatesTimeoutType}). */
export function statesTimeout(cause?: string): Error {
  const error = timeoutErrorType ? new timeoutErrorType() : new TaskFailure('States.Timeout');
  error.message = cause ?? '';
  return error;
}

export const errorMessageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
