import { UnknownTargetError } from '../../targets';
import { AwsServiceError } from '../protocol';

/** Exponential backoff with jitter, in real milliseconds: `baseMs * 2^(retry-1)`, capped, times 0.5..1. */
export interface RetryDelay {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const retryDelayMs = (delay: RetryDelay, retry: number): number => {
  const ceiling = Math.min(delay.maxMs, delay.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling * (0.5 + Math.random() * 0.5));
};

/**
 * Deliveries that run after the API call that caused them has been answered, tracked so tests and
 * benchmarks can wait for quiescence (`whenIdle`) and so `close` can cancel pending retries.
 */
export class PendingWork {
  private readonly pending = new Set<Promise<void>>();
  private readonly sleepers = new Set<{ readonly timer: NodeJS.Timeout; readonly wake: () => void }>();
  private closed = false;

  constructor(private readonly onUnexpected: (error: unknown) => void) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** Starts `work` on a later turn of the event loop (after the current response is written). */
  run(work: () => Promise<void>): void {
    if (this.closed) return;
    const promise: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => (this.closed ? undefined : work()))
      .catch((error: unknown) => this.onUnexpected(error))
      .finally(() => {
        this.pending.delete(promise);
      });
    this.pending.add(promise);
  }

  /** Waits `ms`; resolves false at once when closed (then the caller stops retrying). */
  sleep(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const sleeper = {
        timer: setTimeout(() => {
          this.sleepers.delete(sleeper);
          resolve(!this.closed);
        }, ms),
        wake: () => resolve(false),
      };
      this.sleepers.add(sleeper);
    });
  }

  get size(): number {
    return this.pending.size;
  }

  /** Resolves once nothing is pending, including work started by work that was pending. */
  async whenIdle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Stops retries and new work; in-flight attempts finish, their retries do not happen. */
  async close(): Promise<void> {
    this.closed = true;
    for (const sleeper of this.sleepers) {
      clearTimeout(sleeper.timer);
      sleeper.wake();
    }
    this.sleepers.clear();
    await this.whenIdle();
  }
}

/** Why retrying stopped. */
export type ExhaustedCondition = 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds';

export type RetryOutcome =
  | { readonly delivered: true; readonly retries: number }
  | {
      readonly delivered: false;
      readonly error: unknown;
      readonly retries: number;
      /** Absent when the error was not retriable at all (or the service was closed). */
      readonly exhausted?: ExhaustedCondition;
    };

export interface RetryPlan {
  readonly maxRetries: number;
  /** Epoch ms (by `clock`) after which no retry starts. */
  readonly deadline?: number;
  readonly clock: () => number;
  readonly delay: (retry: number) => number;
  readonly retriable: (error: unknown) => boolean;
}

/** Runs `attempt` until it succeeds, a non-retriable error, the retry budget or the deadline. */
export async function withRetries(
  pending: PendingWork,
  plan: RetryPlan,
  attempt: () => Promise<void>,
): Promise<RetryOutcome> {
  let retries = 0;
  for (;;) {
    try {
      await attempt();
      return { delivered: true, retries };
    } catch (error) {
      if (!plan.retriable(error)) return { delivered: false, error, retries };
      if (retries >= plan.maxRetries) {
        return { delivered: false, error, retries, exhausted: 'MaximumRetryAttempts' };
      }
      const wait = plan.delay(retries + 1);
      if (plan.deadline !== undefined && plan.clock() + wait > plan.deadline) {
        return { delivered: false, error, retries, exhausted: 'MaximumEventAgeInSeconds' };
      }
      if (!(await pending.sleep(wait))) return { delivered: false, error, retries };
      retries += 1;
    }
  }
}

const THROTTLING_CODES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestThrottled',
]);

/**
 * Whether a target error is worth retrying, as AWS decides for AWS-managed targets: a target that does
 * not exist and 4xx client errors are not (throttling excepted); server errors and anything else are.
 */
export function isRetriableTargetError(error: unknown): boolean {
  if (error instanceof UnknownTargetError) return false;
  if (error instanceof AwsServiceError) {
    if (THROTTLING_CODES.has(error.code) || error.status === 429) return true;
    return error.status >= 500;
  }
  return true;
}

export const errorMessageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
