/** One GetExecutionHistory event: `id`s count from 1; `previousEventId` is 0 for the first. */
export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  /** Epoch seconds (the JSON protocol's timestamp format). */
  readonly timestamp: number;
  readonly type: string;
  readonly [details: string]: unknown;
}

/** `TaskScheduled` -> `taskScheduledEventDetails`; every `*StateEntered`/`*StateExited` share one shape. */
export function detailsKeyOf(type: string): string {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
}

/** Drops `undefined` fields so the JSON has no nulls where AWS omits a member. */
const compact = (details: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined));

/**
 * An execution's event history. Events are appended in the order things happen; `previousEventId` is the
 * event before, as in AWS for a sequential workflow. Once the closing event (ExecutionSucceeded, Failed,
 * Aborted or TimedOut) is in, nothing more is appended.
 */
export class History {
  private readonly list: HistoryEvent[] = [];
  private closed = false;

  constructor(private readonly clock: () => number) {}

  get events(): readonly HistoryEvent[] {
    return this.list;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  add(type: string, details?: Record<string, unknown>): void {
    if (this.closed) return;
    const id = this.list.length + 1;
    this.list.push({
      id,
      previousEventId: id - 1,
      timestamp: this.clock() / 1000,
      type,
      ...(details ? { [detailsKeyOf(type)]: compact(details) } : {}),
    });
  }

  close(type: string, details?: Record<string, unknown>): void {
    this.add(type, details);
    this.closed = true;
  }
}

/** A payload as history events carry it: JSON text and its `truncated` flag. */
export const dataDetails = (value: unknown): { text: string; details: { truncated: boolean } } => ({
  text: JSON.stringify(value ?? null),
  details: { truncated: false },
});
