import * as t from 'io-ts';
import { median, medianAbsoluteDeviation } from 'simple-statistics';
import { type AlertEvent, alertIdOf } from './alerts';
import { ANOMALY_RULE_ID } from './anomaly';
import type { WindowCounts } from './minute-bucket';

/*
 * The trained anomaly model: a seasonal baseline per series and per slot of the week (15 minutes by
 * default, so the morning ramp is not smeared over an hour), learnt from normal traffic, and scored as a
 * robust z-score in a variance-stabilised space:
 *  - counts (orders per minute) through the Anscombe transform 2√(x + 3/8), where Poisson noise has
 *    standard deviation ≈ 1 at every level (a drop to 0 from 20/min scores -7.8, not the -4.5 a raw
 *    z-score with √λ gives);
 *  - amounts (revenue per minute, a sum of order values) through √x, whose spread the training measures;
 *  - rates (payment decline rate) through the arcsine transform 2√n·asin√p against the slot's pooled
 *    rate, n the minute's payment attempts: a quiet minute's one decline in five attempts is noise, the
 *    same rate over eighty attempts is not.
 * Centre and spread are the median and MAD of the slot's training values, which injected or real
 * incidents in the training data cannot drag the way a mean and standard deviation are dragged.
 * `scoreMinute` in ./anomaly is the untrained variant that learns online; this is what the scorer serves.
 */

export const ANOMALY_MODEL_FORMAT = 'orderflow-anomaly-model/1';
export const SERIES_NAMES = ['orderRate', 'revenue', 'declineRate'] as const;
export type SeriesName = (typeof SERIES_NAMES)[number];

const MINUTE_MS = 60_000;
const WEEK_MINUTES = 7 * 24 * 60;
/** 0.6745 makes the MAD a consistent estimate of the standard deviation for normal data. */
const MAD_TO_SIGMA = 0.6745;

const Direction = t.keyof({ high: null, low: null, both: null }, 'Direction');
export type Direction = t.TypeOf<typeof Direction>;

const SlotBaseline = t.readonly(
  t.type({
    direction: Direction,
    /** |score| above this (in the series' direction) is anomalous. */
    threshold: t.number,
    center: t.readonlyArray(t.number),
    spread: t.readonlyArray(t.number),
  }),
);

const RateBaseline = t.readonly(
  t.type({
    direction: Direction,
    threshold: t.number,
    /** Pooled rate of the slot over the training weeks. */
    rate: t.readonlyArray(t.number),
    /** Over-dispersion: the spread of the training minutes' binomial z-scores (1 for pure binomial noise). */
    dispersion: t.number,
  }),
);

export const AnomalyModel = t.readonly(
  t.type({
    format: t.literal(ANOMALY_MODEL_FORMAT),
    ruleId: t.literal(ANOMALY_RULE_ID),
    /** Width of a seasonal slot; slot 0 starts Monday 00:00 UTC. */
    slotMinutes: t.number,
    trainedOn: t.readonly(
      t.type({
        generator: t.string,
        seed: t.number,
        weeks: t.number,
        from: t.string,
        /** Normal weeks (another seed) the thresholds were calibrated on. */
        calibrationWeeks: t.number,
      }),
    ),
    series: t.readonly(
      t.type({
        /** Orders placed per minute, Anscombe space; spread at least 1 (Poisson). */
        orderRate: SlotBaseline,
        /** Confirmed revenue per minute in minor units, √ space. */
        revenue: SlotBaseline,
        /** Declined ÷ payment attempts per minute, arcsine space weighted by the attempts. */
        declineRate: RateBaseline,
      }),
    ),
  }),
  'AnomalyModel',
);
export type AnomalyModel = t.TypeOf<typeof AnomalyModel>;

/** One minute of the series, as the scorer takes it (and as the endpoint's request carries it). */
export interface MinutePoint {
  /** Epoch ms of the minute's start. */
  readonly start: number;
  readonly orderRate: number;
  /** Minor units of the model's currency. */
  readonly revenue: number;
  /** Declined ÷ attempts; meaningless (and not scored) when there were no attempts. */
  readonly declineRate: number;
  readonly paymentAttempts: number;
}

export interface SeriesScore {
  readonly value: number;
  /** The slot's baseline in the series' own unit. */
  readonly expected: number;
  /** Robust z-score in the stabilised space: signed, 0 at the baseline. */
  readonly score: number;
  /** The series' threshold in the model: |score| past it, in the series' direction, is anomalous. */
  readonly threshold: number;
  readonly anomalous: boolean;
}

export interface MinuteScore {
  readonly start: number;
  /** null: nothing to score (a decline rate with no payment attempts). */
  readonly series: Readonly<Record<SeriesName, SeriesScore | null>>;
}

export const slotOfWeek = (epochMs: number, slotMinutes: number): number => {
  const date = new Date(epochMs);
  const minuteOfWeek =
    ((date.getUTCDay() + 6) % 7) * 24 * 60 + date.getUTCHours() * 60 + date.getUTCMinutes();
  return Math.floor(minuteOfWeek / slotMinutes);
};

const anscombe = (count: number): number => 2 * Math.sqrt(Math.max(count, 0) + 3 / 8);
const fromAnscombe = (y: number): number => Math.max((y / 2) ** 2 - 3 / 8, 0);
const root = (amount: number): number => Math.sqrt(Math.max(amount, 0));
const arcsine = (rate: number): number => Math.asin(Math.sqrt(Math.min(Math.max(rate, 0), 1)));

const isAnomalous = (score: number, direction: Direction, threshold: number): boolean =>
  direction === 'high'
    ? score > threshold
    : direction === 'low'
      ? score < -threshold
      : Math.abs(score) > threshold;

/** A missing slot is a model that does not fit its slotMinutes: a bug, not an input problem. */
export class AnomalyModelShapeError extends Error {
  override readonly name = 'AnomalyModelShapeError';
}

const at = (values: readonly number[], slot: number, what: string): number => {
  const value = values[slot];
  if (value === undefined) throw new AnomalyModelShapeError(`The model has no ${what} for slot ${slot}`);
  return value;
};

/** Scores every series of one minute against the model's baseline for the minute's slot of the week. */
export const scorePoint = (model: AnomalyModel, point: MinutePoint): MinuteScore => {
  const slot = slotOfWeek(point.start, model.slotMinutes);
  const { orderRate, revenue, declineRate } = model.series;
  const seasonal = (
    baseline: t.TypeOf<typeof SlotBaseline>,
    value: number,
    transform: (x: number) => number,
    inverse: (y: number) => number,
  ): SeriesScore => {
    const center = at(baseline.center, slot, 'centre');
    const score = (transform(value) - center) / at(baseline.spread, slot, 'spread');
    return {
      value,
      expected: inverse(center),
      score,
      threshold: baseline.threshold,
      anomalous: isAnomalous(score, baseline.direction, baseline.threshold),
    };
  };
  const rate = at(declineRate.rate, slot, 'rate');
  const declineScore =
    point.paymentAttempts > 0
      ? (2 * Math.sqrt(point.paymentAttempts) * (arcsine(point.declineRate) - arcsine(rate))) /
        declineRate.dispersion
      : null;
  return {
    start: point.start,
    series: {
      orderRate: seasonal(orderRate, point.orderRate, anscombe, fromAnscombe),
      revenue: seasonal(revenue, point.revenue, root, (y) => y * y),
      declineRate:
        declineScore === null
          ? null
          : {
              value: point.declineRate,
              expected: rate,
              score: declineScore,
              threshold: declineRate.threshold,
              anomalous: isAnomalous(declineScore, declineRate.direction, declineRate.threshold),
            },
    },
  };
};

export interface TrainingOptions {
  readonly slotMinutes: number;
  readonly trainedOn: Omit<AnomalyModel['trainedOn'], 'calibrationWeeks'>;
  /**
   * Normal minutes the baselines did not learn from: each series' threshold is the lowest candidate at
   * which these minutes raise at most `falseAlarmsPerWeek` anomalous minutes per week.
   */
  readonly calibration: {
    readonly points: readonly MinutePoint[];
    readonly candidates: readonly number[];
    readonly falseAlarmsPerWeek: number;
  };
  /** Floors of the spread in the stabilised spaces. */
  readonly minSpread?: { readonly orderRate: number; readonly revenue: number };
}

/** Rounded so that the shipped JSON is small and the same on every machine. */
const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

/** No candidate threshold keeps the calibration minutes quiet enough: the model would cry wolf. */
export class AnomalyCalibrationError extends Error {
  override readonly name = 'AnomalyCalibrationError';
}

/**
 * Learns the slot baselines from normal minutes (whole weeks, so every slot has samples), then each
 * series' threshold from other normal minutes. Only normal traffic is used: the incidents the model is
 * evaluated on are never seen by the training.
 */
export const trainAnomalyModel = (points: readonly MinutePoint[], options: TrainingOptions): AnomalyModel => {
  const slots = Math.ceil(WEEK_MINUTES / options.slotMinutes);
  const bySlot = Array.from({ length: slots }, () => ({
    orders: [] as number[],
    revenue: [] as number[],
    declined: 0,
    attempts: 0,
  }));
  for (const point of points) {
    const slot = bySlot[slotOfWeek(point.start, options.slotMinutes)];
    if (!slot) continue;
    slot.orders.push(anscombe(point.orderRate));
    slot.revenue.push(root(point.revenue));
    slot.declined += point.declineRate * point.paymentAttempts;
    slot.attempts += point.paymentAttempts;
  }
  const empty = bySlot.findIndex((slot) => slot.orders.length < 2);
  if (empty >= 0) throw new AnomalyCalibrationError(`Slot ${empty} has too few training minutes`);
  const floor = options.minSpread ?? { orderRate: 1, revenue: 1 };
  const baseline = (values: (slot: (typeof bySlot)[number]) => number[], minSpread: number) => ({
    center: bySlot.map((slot) => round(median(values(slot)))),
    spread: bySlot.map((slot) =>
      round(Math.max(medianAbsoluteDeviation(values(slot)) / MAD_TO_SIGMA, minSpread)),
    ),
  });
  const rates = bySlot.map((slot) => round(slot.attempts > 0 ? slot.declined / slot.attempts : 0, 5));
  // How far the training minutes stray from pure binomial noise around their slot's rate.
  const residuals = points
    .filter((point) => point.paymentAttempts > 0)
    .map(
      (point) =>
        2 *
        Math.sqrt(point.paymentAttempts) *
        (arcsine(point.declineRate) - arcsine(rates[slotOfWeek(point.start, options.slotMinutes)] ?? 0)),
    );
  const dispersion = residuals.length > 1 ? medianAbsoluteDeviation(residuals) / MAD_TO_SIGMA : 1;
  const { calibration } = options;
  const uncalibrated: AnomalyModel = {
    format: ANOMALY_MODEL_FORMAT,
    ruleId: ANOMALY_RULE_ID,
    slotMinutes: options.slotMinutes,
    trainedOn: { ...options.trainedOn, calibrationWeeks: round(calibration.points.length / WEEK_MINUTES, 2) },
    series: {
      orderRate: {
        direction: 'both',
        threshold: Infinity,
        ...baseline((slot) => slot.orders, floor.orderRate),
      },
      revenue: { direction: 'both', threshold: Infinity, ...baseline((slot) => slot.revenue, floor.revenue) },
      // Fewer declines than usual is good news, not an incident.
      declineRate: {
        direction: 'high',
        threshold: Infinity,
        rate: rates,
        dispersion: round(Math.max(dispersion, 1)),
      },
    },
  };
  const scored = calibration.points.map((point) => scorePoint(uncalibrated, point));
  const allowed = (calibration.falseAlarmsPerWeek * calibration.points.length) / WEEK_MINUTES;
  const thresholdOf = (series: SeriesName): number => {
    const direction = uncalibrated.series[series].direction;
    const threshold = [...calibration.candidates]
      .sort((a, b) => a - b)
      .find(
        (candidate) =>
          scored.filter((minute) => {
            const score = minute.series[series];
            return score !== null && isAnomalous(score.score, direction, candidate);
          }).length <= allowed,
      );
    if (threshold === undefined) {
      throw new AnomalyCalibrationError(
        `No candidate threshold keeps ${series} under ${allowed} false alarms`,
      );
    }
    return threshold;
  };
  const { orderRate, revenue, declineRate } = uncalibrated.series;
  return {
    ...uncalibrated,
    series: {
      orderRate: { ...orderRate, threshold: thresholdOf('orderRate') },
      revenue: { ...revenue, threshold: thresholdOf('revenue') },
      declineRate: { ...declineRate, threshold: thresholdOf('declineRate') },
    },
  };
};

/** Open anomaly alerts by series: the alert id raised when the series went out of bounds. */
export type OpenAnomalies = Readonly<Partial<Record<SeriesName, string>>>;

const summaryOf = (series: SeriesName, s: SeriesScore, iso: string): string =>
  `${series} ${round(s.value, 4)} at ${iso} scores ${s.score.toFixed(1)} against its seasonal baseline ${round(s.expected, 4)} (threshold ${s.threshold})`;

/**
 * Turns scored minutes (oldest first) into alerts: AlertRaised at a series' first anomalous minute while
 * none is open, AlertCleared at its first minute back inside. The alert id names rule, series and the
 * first anomalous minute, so scoring the same minutes again raises the same id.
 */
export const anomalyAlerts = (
  open: OpenAnomalies,
  scores: readonly MinuteScore[],
): { readonly alerts: readonly AlertEvent[]; readonly open: OpenAnomalies } => {
  const stillOpen = new Map(Object.entries(open) as [SeriesName, string][]);
  const alerts: AlertEvent[] = [];
  for (const minute of scores) {
    const iso = new Date(minute.start).toISOString();
    for (const series of SERIES_NAMES) {
      const score = minute.series[series];
      if (score === null) continue;
      const openId = stillOpen.get(series);
      if (score.anomalous && openId === undefined) {
        const alertId = alertIdOf(ANOMALY_RULE_ID, series, minute.start);
        stillOpen.set(series, alertId);
        alerts.push({
          type: 'AlertRaised',
          data: {
            alertId,
            ruleId: ANOMALY_RULE_ID,
            severity: 'warning',
            subject: series,
            summary: summaryOf(series, score, iso),
            evidence: [`${series}@${iso}`],
            window: { start: iso, end: new Date(minute.start + MINUTE_MS).toISOString() },
            raisedAt: iso,
          },
        });
      } else if (!score.anomalous && openId !== undefined) {
        stillOpen.delete(series);
        alerts.push({
          type: 'AlertCleared',
          data: { alertId: openId, ruleId: ANOMALY_RULE_ID, subject: series, clearedAt: iso },
        });
      }
    }
  }
  return { alerts, open: Object.fromEntries(stillOpen) };
};

/**
 * The minute's point from its merged counts: orders placed, revenue confirmed in `currency` (the model
 * is trained in one currency), declined ÷ payment attempts. A minute with no bucket is a minute with no
 * orders: pass EMPTY_COUNTS, so an outage scores as the drop it is instead of going unseen.
 */
export const minutePointOf = (counts: WindowCounts, start: number, currency: string): MinutePoint => {
  const attempts = counts.paymentsAuthorized + counts.paymentsDeclined;
  return {
    start,
    orderRate: counts.placed,
    revenue: counts.revenue[currency] ?? 0,
    declineRate: attempts > 0 ? counts.paymentsDeclined / attempts : 0,
    paymentAttempts: attempts,
  };
};
