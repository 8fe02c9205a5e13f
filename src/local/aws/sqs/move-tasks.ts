import { randomUUID } from 'node:crypto';
import { SqsError } from './errors';

export type MoveTaskStatus = 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';

export interface MoveTask {
  readonly taskHandle: string;
  status: MoveTaskStatus;
  readonly sourceArn: string;
  readonly destinationArn: string | undefined;
  readonly maxNumberOfMessagesPerSecond: number | undefined;
  moved: number;
  readonly toMove: number;
  failureReason: string | undefined;
  readonly startedTimestamp: number;
}

/** Moves one message for a task: 'moved', 'empty' when nothing is left to move, or a failure reason. */
export type MoveStep = (task: MoveTask) => 'moved' | 'empty' | { readonly failure: string };

const TASKS_KEPT_PER_SOURCE = 10;

/**
 * DLQ redrive tasks (StartMessageMoveTask and friends). A task moves the source queue's visible
 * messages, oldest first, up to the number that were there when it started, at the requested rate
 * or as fast as the event loop allows; one task per source queue runs at a time.
 */
export class MoveTasks {
  private readonly bySource = new Map<string, MoveTask[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly clock: () => number,
    private readonly step: MoveStep,
  ) {}

  start(
    sourceArn: string,
    destinationArn: string | undefined,
    maxNumberOfMessagesPerSecond: number | undefined,
    toMove: number,
  ): MoveTask {
    const tasks = this.bySource.get(sourceArn) ?? [];
    if (tasks.some((task) => task.status === 'RUNNING' || task.status === 'CANCELLING')) {
      throw new SqsError(
        'UnsupportedOperation',
        'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
      );
    }
    const task: MoveTask = {
      taskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn }), 'utf8').toString('base64'),
      status: 'RUNNING',
      sourceArn,
      destinationArn,
      maxNumberOfMessagesPerSecond,
      moved: 0,
      toMove,
      failureReason: undefined,
      startedTimestamp: this.clock(),
    };
    tasks.unshift(task);
    tasks.splice(TASKS_KEPT_PER_SOURCE);
    this.bySource.set(sourceArn, tasks);
    this.schedule(task, 0);
    return task;
  }

  /** Most recent first. */
  list(sourceArn: string, maxResults: number): readonly MoveTask[] {
    return (this.bySource.get(sourceArn) ?? []).slice(0, maxResults);
  }

  cancel(taskHandle: string): MoveTask {
    const task = [...this.bySource.values()].flat().find((candidate) => candidate.taskHandle === taskHandle);
    if (!task) throw new SqsError('ResourceNotFoundException', 'Task does not exist.');
    if (task.status !== 'RUNNING') {
      throw new SqsError(
        'UnsupportedOperation',
        `Only a RUNNING task can be cancelled; this one is ${task.status}.`,
      );
    }
    task.status = 'CANCELLED';
    return task;
  }

  /** Fails the running tasks of a deleted queue. */
  queueDeleted(arn: string): void {
    for (const task of [...this.bySource.values()].flat()) {
      if (task.status === 'RUNNING' && (task.sourceArn === arn || task.destinationArn === arn)) {
        task.status = 'FAILED';
        task.failureReason = 'AWS.SimpleQueueService.NonExistentQueue';
      }
    }
    this.bySource.delete(arn);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(task: MoveTask, delayMs: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.run(task);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  private run(task: MoveTask): void {
    const rate = task.maxNumberOfMessagesPerSecond;
    // Unthrottled tasks move in slices so the endpoint keeps answering meanwhile.
    const slice = rate ?? 100;
    for (let i = 0; i < slice; i += 1) {
      if (task.status !== 'RUNNING' || this.closed) return;
      if (task.moved >= task.toMove) {
        task.status = 'COMPLETED';
        return;
      }
      const outcome = this.step(task);
      if (outcome === 'empty') {
        task.status = 'COMPLETED';
        return;
      }
      if (outcome !== 'moved') {
        task.status = 'FAILED';
        task.failureReason = outcome.failure;
        return;
      }
      task.moved += 1;
    }
    if (task.moved >= task.toMove) task.status = 'COMPLETED';
    else this.schedule(task, rate === undefined ? 0 : 1000);
  }
}
