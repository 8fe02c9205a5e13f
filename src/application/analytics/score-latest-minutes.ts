import {
  anomalyAlerts,
  BUCKET_MS,
  EMPTY_COUNTS,
  mergeCounts,
  minutePointOf,
  type AlertEvent,
  type MinuteBucket,
  type MinuteScore,
  type OpenAnomalies,
} from '../../domain/analytics';
import type { AnomalyScorer } from '../../ports/anomaly-scorer';
import type { AnalyticsStore } from './analytics-store';

/**
 * Scores the minutes [fromStart, toStart) of the per-minute series and turns the scores into anomaly
 * alerts, for the alerts tick. `open` is what the tick remembered of the last run (series → open alert
 * id; `{}` the first time); it stores the returned `open` for the next one, in the same write as
 * whatever marks these minutes scored. Scoring the same minutes again with the same `open` returns the
 * same events with the same ids, so a retried tick publishes nothing subscribers have not dropped.
 */
export async function scoreLatestMinutes(
  scorer: AnomalyScorer,
  input: {
    readonly store: Pick<AnalyticsStore, 'shares'>;
    readonly fromStart: number;
    readonly toStart: number;
    readonly open: OpenAnomalies;
    /** The currency revenue is scored in (the model's). */
    readonly currency: string;
  },
): Promise<{
  readonly events: readonly AlertEvent[];
  readonly open: OpenAnomalies;
  readonly scores: readonly MinuteScore[];
}> {
  const shares = await input.store.shares(input.fromStart, input.toStart);
  const byStart = new Map<number, MinuteBucket[]>();
  for (const { bucket } of shares) byStart.set(bucket.start, [...(byStart.get(bucket.start) ?? []), bucket]);
  const points = [];
  for (let start = input.fromStart; start < input.toStart; start += BUCKET_MS) {
    const parts = byStart.get(start);
    points.push(minutePointOf(parts ? mergeCounts(parts) : EMPTY_COUNTS, start, input.currency));
  }
  const scores = await scorer.score(points);
  const { alerts, open } = anomalyAlerts(input.open, scores);
  return { events: alerts, open, scores };
}
