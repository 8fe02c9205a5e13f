import { median, medianAbsoluteDeviation } from 'simple-statistics';
import { type AlertEvent, alertIdOf } from './alerts';

/*
 * Anomaly scoring of the per-minute series (order rate, revenue, decline rate) by a seasonal robust
 * z-score: each value is compared with the values seen in the same hour of the week (a Monday 09:xx
 * minute with earlier Monday 09:xx minutes), by median and median absolute deviation, which one
 * outlier cannot drag the way a mean and standard deviation are dragged. Chosen over a Random Cut
 * Forest because npm has no maintained one and the robust z-score needs no trained model, explains
 * itself (baseline, deviation, score) in the alert, and is a few lines over simple-statistics.
 */

export const ANOMALY_RULE_ID = 'anomaly';

export interface SeriesConfig {
  /** Which deviations count: a drop in order rate is an outage, a drop in declines is good news. */
  readonly direction: 'high' | 'low' | 'both';
  /**
   * Smallest scale the score divides by, in the series' unit: with a flat baseline (MAD 0) any change
   * would otherwise score infinite.
   */
  readonly minScale: number;
  /**
   * Smallest scale as a fraction of the baseline. Per-minute counts are small integers whose MAD
   * comes out coarse (often 1): without a floor, ordinary Poisson noise would score as anomalous.
   */
  readonly minRelativeScale: number;
  /** A count (orders per minute): its scale is at least √baseline, the Poisson standard deviation. */
  readonly isCount: boolean;
}

export interface AnomalyConfig {
  readonly threshold: number;
  /** Samples an hour-of-week bucket needs before it scores anything (warm-up). */
  readonly minSamples: number;
  /** Samples kept per bucket (the oldest go first): about this many minutes of that hour over the weeks. */
  readonly maxSamples: number;
  readonly series: Readonly<Record<string, SeriesConfig>>;
}

export const DEFAULT_ANOMALY: AnomalyConfig = {
  // About five standard deviations: per-minute Poisson traffic of 35 orders dropping to 0 scores ~6.
  threshold: 5,
  minSamples: 30,
  maxSamples: 240,
  series: {
    orderRate: { direction: 'both', minScale: 1, minRelativeScale: 0, isCount: true },
    revenue: { direction: 'both', minScale: 1000, minRelativeScale: 0.35, isCount: false },
    declineRate: { direction: 'high', minScale: 0.02, minRelativeScale: 0, isCount: false },
  },
};

/** 0.6745 makes the MAD a consistent estimate of the standard deviation for normal data. */
const MAD_TO_SIGMA = 0.6745;

export interface AnomalyState {
  /** Samples by series, then by hour of the week (0 = Monday 00:xx UTC). */
  readonly baselines: Readonly<Record<string, Readonly<Record<string, readonly number[]>>>>;
  /** Series with an open anomaly alert, and its id. */
  readonly open: Readonly<Record<string, string>>;
}

export const EMPTY_ANOMALY_STATE: AnomalyState = { baselines: {}, open: {} };

export const hourOfWeek = (epochMs: number): number => {
  const date = new Date(epochMs);
  return ((date.getUTCDay() + 6) % 7) * 24 + date.getUTCHours();
};

export interface Score {
  readonly score: number;
  readonly baseline: number;
  readonly scale: number;
}

/** The robust z-score of a value against its bucket's samples; null during warm-up. */
export const robustScore = (
  samples: readonly number[],
  value: number,
  series: Pick<SeriesConfig, 'minScale' | 'minRelativeScale' | 'isCount'>,
  minSamples: number,
): Score | null => {
  if (samples.length < minSamples) return null;
  const baseline = median([...samples]);
  const scale = Math.max(
    medianAbsoluteDeviation([...samples]) / MAD_TO_SIGMA,
    series.minScale,
    series.minRelativeScale * Math.abs(baseline),
    series.isCount ? Math.sqrt(Math.max(baseline, 0)) : 0,
  );
  return { score: (value - baseline) / scale, baseline, scale };
};

const isAnomalous = (score: number, direction: SeriesConfig['direction'], threshold: number): boolean =>
  direction === 'high'
    ? score > threshold
    : direction === 'low'
      ? score < -threshold
      : Math.abs(score) > threshold;

/**
 * Scores one minute of every configured series present in `values`, then adds the values to the
 * baseline. Raises an `anomaly` alert per series when the score crosses the threshold, and clears it
 * at the first minute back inside.
 */
export const scoreMinute = (
  state: AnomalyState,
  minuteStart: number,
  values: Readonly<Record<string, number>>,
  config: AnomalyConfig = DEFAULT_ANOMALY,
): {
  readonly state: AnomalyState;
  readonly alerts: readonly AlertEvent[];
  readonly scores: Readonly<Record<string, Score | null>>;
} => {
  const bucket = String(hourOfWeek(minuteStart));
  const baselines: Record<string, Readonly<Record<string, readonly number[]>>> = { ...state.baselines };
  const open = new Map<string, string>(Object.entries(state.open));
  const alerts: AlertEvent[] = [];
  const scores: Record<string, Score | null> = {};
  const iso = new Date(minuteStart).toISOString();
  for (const [series, seriesConfig] of Object.entries(config.series)) {
    const value = values[series];
    if (value === undefined) continue;
    const samples = baselines[series]?.[bucket] ?? [];
    const score = robustScore(samples, value, seriesConfig, config.minSamples);
    scores[series] = score;
    const anomalous = score !== null && isAnomalous(score.score, seriesConfig.direction, config.threshold);
    const openId = open.get(series);
    if (anomalous && openId === undefined) {
      const alertId = alertIdOf(ANOMALY_RULE_ID, series, minuteStart);
      open.set(series, alertId);
      alerts.push({
        type: 'AlertRaised',
        data: {
          alertId,
          ruleId: ANOMALY_RULE_ID,
          severity: 'warning',
          subject: series,
          summary: `${series} ${value} at ${iso} scores ${score.score.toFixed(1)} against its hour-of-week baseline ${score.baseline} (scale ${score.scale.toFixed(3)}, threshold ${config.threshold})`,
          evidence: [`${series}@${iso}`],
          window: { start: iso, end: new Date(minuteStart + 60_000).toISOString() },
          raisedAt: iso,
        },
      });
    } else if (!anomalous && openId !== undefined && score !== null) {
      open.delete(series);
      alerts.push({
        type: 'AlertCleared',
        data: { alertId: openId, ruleId: ANOMALY_RULE_ID, subject: series, clearedAt: iso },
      });
    }
    // Anomalous minutes stay out of the baseline, so an incident does not teach it that incidents are normal.
    if (!anomalous) {
      baselines[series] = { ...baselines[series], [bucket]: [...samples, value].slice(-config.maxSamples) };
    }
  }
  return {
    state: { baselines, open: Object.fromEntries(open) },
    alerts,
    scores,
  };
};
