import type { Rule } from './model';
import { nextFireTime, parseScheduleExpression, type ScheduleExpression } from './schedule-expression';

/** Node's timers hold at most 2^31-1 ms; a later fire is reached through intermediate wake-ups. */
const MAX_TIMER_MS = 6 * 3_600_000;

export interface RuleSchedulerOptions {
  /** Real milliseconds since the epoch. */
  readonly clock: () => number;
  /**
   * Schedule time runs this many times faster than real time (1: real rates). From the moment the
   * scheduler starts, a scale of 60 makes `rate(1 minute)` fire every second and a cron's minutes pass
   * 60 times as fast.
   */
  readonly timeScale: number;
  /** Delivers the rule's scheduled event; `dueAt` is the real time the tick was due. */
  readonly fire: (rule: Rule, dueAt: number) => void;
  /** Whether `rule` is still the live, enabled rule it was when armed. */
  readonly isLive: (rule: Rule) => boolean;
}

interface Armed {
  readonly expression: string;
  readonly schedule: ScheduleExpression;
  /** Schedule time at which the rule got this expression: rates count their periods from here. */
  readonly anchor: number;
  timer?: NodeJS.Timeout;
}

/**
 * Fires the ENABLED schedule rules: one unref'd timer per rule, re-armed after each tick, cleared when the
 * rule is disabled, deleted or changed and when the scheduler stops. Missed ticks (a busy event loop) are
 * skipped, not replayed in a burst; a tick is delivered at most once.
 */
export class RuleScheduler {
  private readonly armed = new Map<Rule, Armed>();
  private origin: number | undefined;

  constructor(private readonly options: RuleSchedulerOptions) {
    if (!Number.isFinite(options.timeScale) || options.timeScale <= 0) {
      throw new RangeError(`The schedule time scale must be a positive number, got ${options.timeScale}`);
    }
  }

  get running(): boolean {
    return this.origin !== undefined;
  }

  /** Starts firing the given rules (and every rule synced from now on). */
  start(rules: Iterable<Rule>): void {
    if (this.running) return;
    this.origin = this.options.clock();
    for (const rule of rules) this.sync(rule);
  }

  /** Clears every timer; nothing fires until started again. */
  stop(): void {
    for (const entry of this.armed.values()) clearTimeout(entry.timer);
    this.armed.clear();
    this.origin = undefined;
  }

  /** Brings the rule's timer in line with its state: called after PutRule, Enable/DisableRule and DeleteRule. */
  sync(rule: Rule): void {
    if (!this.running) return;
    const current = this.armed.get(rule);
    const expression = rule.scheduleExpression;
    if (expression === undefined || !this.options.isLive(rule)) {
      clearTimeout(current?.timer);
      // A disabled rule keeps its anchor, so a rate resumes on its grid when enabled again.
      if (expression === undefined || current?.expression !== expression) this.armed.delete(rule);
      else current.timer = undefined;
      return;
    }
    if (current?.expression === expression && current.timer !== undefined) return;
    clearTimeout(current?.timer);
    const entry: Armed =
      current?.expression === expression
        ? current
        : {
            expression,
            schedule: parseScheduleExpression(expression),
            anchor: this.scheduleTime(this.options.clock()),
          };
    this.armed.set(rule, entry);
    this.arm(rule, entry, this.scheduleTime(this.options.clock()));
  }

  /** Forgets a deleted rule. */
  forget(rule: Rule): void {
    clearTimeout(this.armed.get(rule)?.timer);
    this.armed.delete(rule);
  }

  private scheduleTime(real: number): number {
    const origin = this.origin ?? real;
    return origin + (real - origin) * this.options.timeScale;
  }

  private realTime(scheduled: number): number {
    const origin = this.origin ?? scheduled;
    return origin + (scheduled - origin) / this.options.timeScale;
  }

  /** Sets the timer for the first tick strictly after schedule time `after`. */
  private arm(rule: Rule, entry: Armed, after: number): void {
    const due = nextFireTime(entry.schedule, after, entry.anchor);
    if (due === undefined) return;
    const dueAt = Math.round(this.realTime(due));
    const wait = Math.max(0, dueAt - this.options.clock());
    const tick = () => {
      entry.timer = undefined;
      if (this.armed.get(rule) !== entry || !this.options.isLive(rule)) return;
      if (wait > MAX_TIMER_MS) {
        this.arm(rule, entry, after);
        return;
      }
      this.options.fire(rule, dueAt);
      // A timer may run a little early or very late: never the same tick twice, never a burst of missed ones.
      this.arm(rule, entry, Math.max(due, this.scheduleTime(this.options.clock())));
    };
    entry.timer = setTimeout(tick, Math.min(wait, MAX_TIMER_MS));
    entry.timer.unref();
  }
}
