import type { HistoryEvent } from '@aws-sdk/client-sfn';

export interface SagaStep {
  readonly name: string;
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  readonly startedAt: string;
  readonly endedAt?: string;
  /** How many times the task was scheduled (1 + retries). */
  readonly attempts: number;
  readonly error?: { readonly error: string; readonly cause?: string };
}

const TASK_END: Record<string, SagaStep['status']> = {
  TaskSucceeded: 'SUCCEEDED',
  TaskFailed: 'FAILED',
  TaskTimedOut: 'TIMED_OUT',
};

/**
 * The Task states of an execution, in the order they ran, from its history (GetExecutionHistory has
 * the same shape in the cloud and offline, so this is the same code in both).
 */
export function sagaSteps(history: readonly HistoryEvent[]): SagaStep[] {
  const steps: SagaStep[] = [];
  let current: { -readonly [K in keyof SagaStep]: SagaStep[K] } | undefined;
  const iso = (event: HistoryEvent) => (event.timestamp ? new Date(event.timestamp).toISOString() : '');
  for (const event of history) {
    const type = event.type ?? '';
    if (type === 'TaskStateEntered') {
      current = {
        name: event.stateEnteredEventDetails?.name ?? '?',
        status: 'RUNNING',
        startedAt: iso(event),
        attempts: 0,
      };
      steps.push(current);
    } else if (!current) {
      continue;
    } else if (type === 'TaskScheduled') {
      current.attempts += 1;
      current.status = 'RUNNING';
    } else if (TASK_END[type]) {
      current.status = TASK_END[type] as SagaStep['status'];
      current.endedAt = iso(event);
      const details = event.taskFailedEventDetails ?? event.taskTimedOutEventDetails;
      if (details)
        current.error = {
          error: details.error ?? 'unknown',
          ...(details.cause ? { cause: details.cause } : {}),
        };
      else delete current.error;
    } else if (type === 'TaskStateExited') {
      current.endedAt = iso(event);
      current = undefined;
    }
  }
  return steps.map((step) => ({ ...step }));
}
