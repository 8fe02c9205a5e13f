import { BUCKET_MS, type AlertEvent } from '../../domain/analytics';
import { AnomalyScorerError, type AnomalyScorer } from '../../ports/anomaly-scorer';
import type { AnalyticsStore } from './analytics-store';
import type { AnomalyProgress } from './alerts-store';
import { scoreLatestMinutes } from './score-latest-minutes';

/** What the alerts tick needs to score the per-minute series. */
export interface AnomalyScoring {
  readonly scorer: AnomalyScorer;
  readonly store: Pick<AnalyticsStore, 'shares'>;
  /** The currency revenue is scored in (the model's). */
  readonly currency: string;
  /** A minute is closed (its counts final) once its end is this far in the past. */
  readonly allowedLatenessMs: number;
  /** At most this many minutes per tick: a long outage is caught up over several ticks. */
  readonly maxMinutesPerTick: number;
}

export const DEFAULT_MAX_MINUTES_PER_TICK = 60;

/** What one tick's scoring did, for the log. */
export interface AnomalyOutcome {
  /** Minutes scored (their alerts are committed with the state). */
  readonly scored: number;
  /** Minutes given up on: the scorer refused them for good. */
  readonly skipped: number;
  /** Why the scorer did not answer, when it did not (retryable: the minutes are scored by a later tick). */
  readonly error?: { readonly message: string; readonly code: string; readonly retryable: boolean };
}

export interface AnomalyPlan {
  readonly events: readonly AlertEvent[];
  /** The progress to commit with the state (unchanged when nothing was scored). */
  readonly progress: AnomalyProgress | undefined;
  readonly outcome: AnomalyOutcome;
}

/**
 * Scores the closed minutes the tick has not scored yet. The first time, only the last closed minute (no
 * backfill of history); after that from `scoredUntil` on, at most `maxMinutesPerTick` at once. A
 * retryable scorer error leaves `scoredUntil` where it was (the next tick tries again); any other one
 * moves it past the minutes (retrying would fail the same way), keeping the open alerts as they were.
 */
export async function planAnomalies(
  scoring: AnomalyScoring,
  progress: AnomalyProgress | undefined,
  now: number,
): Promise<AnomalyPlan> {
  const closedUntil = Math.floor((now - scoring.allowedLatenessMs) / BUCKET_MS) * BUCKET_MS;
  const fromStart = progress?.scoredUntil ?? closedUntil - BUCKET_MS;
  const toStart = Math.min(closedUntil, fromStart + scoring.maxMinutesPerTick * BUCKET_MS);
  const open = progress?.open ?? {};
  if (toStart <= fromStart) return { events: [], progress, outcome: { scored: 0, skipped: 0 } };
  const minutes = (toStart - fromStart) / BUCKET_MS;
  try {
    const scored = await scoreLatestMinutes(scoring.scorer, {
      store: scoring.store,
      fromStart,
      toStart,
      open,
      currency: scoring.currency,
    });
    return {
      events: scored.events,
      progress: { scoredUntil: toStart, open: scored.open },
      outcome: { scored: minutes, skipped: 0 },
    };
  } catch (error) {
    if (!(error instanceof AnomalyScorerError)) throw error;
    const { message, code, retryable } = error;
    return retryable
      ? { events: [], progress, outcome: { scored: 0, skipped: 0, error: { message, code, retryable } } }
      : {
          events: [],
          progress: { scoredUntil: toStart, open },
          outcome: { scored: 0, skipped: minutes, error: { message, code, retryable } },
        };
  }
}
