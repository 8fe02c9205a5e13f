/**
 * Matches the bench's sends to the alerts it then sees: one sample per subject, from the send of the event
 * that trips the rule to the FIRST sighting of an alert of that rule about that subject. Delivery is at
 * least once (the ops queue may hand the same alertId over twice), so later sightings change nothing.
 */

export interface SeenAlert {
  readonly ruleId: string;
  readonly subject: string;
}

export class AlertSamples {
  private readonly expected: ReadonlySet<string>;
  private readonly sentAt = new Map<string, number>();
  private readonly seenAt = new Map<string, number>();
  /** Subjects whose alert was seen before the event meant to trip it was sent: the threshold is not what the bench assumed. */
  readonly early = new Set<string>();

  constructor(
    readonly ruleId: string,
    subjects: Iterable<string>,
  ) {
    this.expected = new Set(subjects);
  }

  /** `subject`'s tripping event is being sent at `at` (ms). */
  sent(subject: string, at: number): void {
    if (this.expected.has(subject) && !this.sentAt.has(subject)) this.sentAt.set(subject, at);
  }

  /** Alerts observed at `at` (ms); alerts of other rules and subjects are ignored. */
  observe(alerts: readonly SeenAlert[], at: number): void {
    for (const { ruleId, subject } of alerts) {
      if (ruleId !== this.ruleId || !this.expected.has(subject) || this.seenAt.has(subject)) continue;
      if (!this.sentAt.has(subject)) this.early.add(subject);
      this.seenAt.set(subject, at);
    }
  }

  /** Expected subjects not seen yet. */
  get pending(): number {
    return this.expected.size - this.seenAt.size;
  }

  /** Send → first sighting (ms), one per subject both sent and seen after its send. */
  latencies(): number[] {
    return [...this.seenAt]
      .filter(([subject]) => !this.early.has(subject) && this.sentAt.has(subject))
      .map(([subject, seen]) => seen - (this.sentAt.get(subject) as number));
  }
}
