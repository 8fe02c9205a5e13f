import type { MinutePoint, SeriesName } from '../../src/domain/analytics/anomaly-model';

/*
 * Seeded synthetic per-minute traffic, shared by the anomaly model's training (normal weeks) and its
 * evaluation (a week with labelled incidents). The same seed gives the same minutes on every machine:
 * the shipped model is checked against a re-training, so nothing here may depend on the clock, the
 * locale or Math.random.
 *
 * Orders per minute are Poisson around a daily cycle (a night trough of ~20, an afternoon peak of ~130
 * and an evening bump) times a weekday factor (Saturday busier, Sunday quieter) times a day-to-day level
 * drift of a few percent. Each order attempts one payment, declined with a probability near 4 %; a
 * confirmed order's value is log-normal around 60.00 (minor units, one currency).
 */

export const GENERATOR_ID = 'orderflow-synthetic-traffic/1';
export const MINUTE_MS = 60_000;
export const WEEK_MINUTES = 7 * 24 * 60;
/** A Monday, 00:00 UTC: weeks start here so slot 0 is the first minute. */
export const FIRST_MONDAY = Date.parse('2024-01-01T00:00:00.000Z');

/** mulberry32: a small, fast, seeded PRNG with good enough statistics for traffic. */
export const prng = (seed: number): (() => number) => {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const normal = (random: () => number): number =>
  Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

/** By inversion (one uniform per draw); large means are split in parts whose exp(-λ) stays representable. */
export const poisson = (random: () => number, lambda: number): number => {
  if (lambda <= 0) return 0;
  if (lambda > 40) return poisson(random, lambda / 2) + poisson(random, lambda / 2);
  const u = random();
  let k = 0;
  let p = Math.exp(-lambda);
  let cumulative = p;
  while (u > cumulative && p > 0) {
    k += 1;
    p *= lambda / k;
    cumulative += p;
  }
  return k;
};

/** By inversion, in parts of at most 50 trials so (1 - p)^n stays representable. */
export const binomial = (random: () => number, n: number, p: number): number => {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (n > 50) return binomial(random, 50, p) + binomial(random, n - 50, p);
  const u = random();
  let k = 0;
  let probability = (1 - p) ** n;
  let cumulative = probability;
  while (u > cumulative && k < n) {
    probability *= ((n - k) / (k + 1)) * (p / (1 - p));
    k += 1;
    cumulative += probability;
  }
  return k;
};

const WEEKDAY_FACTOR = [1, 1, 1.02, 1.04, 1.08, 1.15, 0.85];
const BASE_DECLINE_RATE = 0.04;
const ORDER_VALUE_MEAN = 6000;
const ORDER_VALUE_SIGMA = 0.6;
const ORDER_VALUE_MU = Math.log(ORDER_VALUE_MEAN) - ORDER_VALUE_SIGMA ** 2 / 2;
const ORDER_VALUE_SD = ORDER_VALUE_MEAN * Math.sqrt(Math.exp(ORDER_VALUE_SIGMA ** 2) - 1);

/**
 * The value of `orders` orders: each drawn when few, their sum by the central limit theorem when many
 * (drawing each of a week's ~900 000 orders made training too slow for a test to repeat it).
 */
const orderValues = (random: () => number, orders: number): number => {
  if (orders > 20) {
    const sum = orders * ORDER_VALUE_MEAN + Math.sqrt(orders) * ORDER_VALUE_SD * normal(random);
    return Math.max(0, sum);
  }
  let sum = 0;
  for (let i = 0; i < orders; i += 1) sum += Math.exp(ORDER_VALUE_MU + ORDER_VALUE_SIGMA * normal(random));
  return sum;
};

/** Mean orders per minute at an instant, before the day's drift. */
export const meanOrderRate = (epochMs: number): number => {
  const date = new Date(epochMs);
  const hour = date.getUTCHours() + date.getUTCMinutes() / 60;
  const weekday = (date.getUTCDay() + 6) % 7;
  const daily = 0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 4)) / 24);
  const evening = Math.exp(-(((hour - 20.5) / 1.5) ** 2));
  return (20 + 95 * daily + 25 * evening) * (WEEKDAY_FACTOR[weekday] ?? 1);
};

/** What an incident does to a minute; the identity for normal minutes. */
export interface MinuteEffect {
  readonly orderFactor: number;
  /** Replaces the decline probability. */
  readonly declineRate?: number;
  readonly orderValueFactor: number;
}

const NORMAL: MinuteEffect = { orderFactor: 1, orderValueFactor: 1 };

/** `minutes` minutes from `from` (a minute start), each changed by `effectAt` (no change by default). */
export const generateTraffic = (
  seed: number,
  from: number,
  minutes: number,
  effectAt: (minute: number) => MinuteEffect = () => NORMAL,
): MinutePoint[] => {
  const random = prng(seed);
  const points: MinutePoint[] = [];
  let drift = 1;
  let declineDrift = 1;
  for (let m = 0; m < minutes; m += 1) {
    const start = from + m * MINUTE_MS;
    if (m % (24 * 60) === 0) {
      // A new day: its level differs a little from the last one's, as real days do.
      drift = 1 + 0.04 * normal(random);
      declineDrift = 1 + 0.15 * normal(random);
    }
    const effect = effectAt(m);
    const orders = poisson(random, meanOrderRate(start) * drift * effect.orderFactor);
    const declineProbability = effect.declineRate ?? BASE_DECLINE_RATE * declineDrift;
    const declined = binomial(random, orders, declineProbability);
    const revenue = Math.round(orderValues(random, orders - declined) * effect.orderValueFactor);
    points.push({
      start,
      orderRate: orders,
      revenue,
      declineRate: orders > 0 ? declined / orders : 0,
      paymentAttempts: orders,
    });
  }
  return points;
};

/** Normal traffic for training: `weeks` whole weeks from the first Monday. */
export const normalWeeks = (seed: number, weeks: number): MinutePoint[] =>
  generateTraffic(seed, FIRST_MONDAY, weeks * WEEK_MINUTES);

export type IncidentKind = 'orderSpike' | 'orderDrop' | 'declineBurst' | 'priceBug';

export interface Incident {
  readonly kind: IncidentKind;
  /** Minute index into the week. */
  readonly at: number;
  readonly minutes: number;
  readonly effect: MinuteEffect;
  /** Series the incident changes by design: its minutes are anomalous there. */
  readonly labels: readonly SeriesName[];
  /** Series it moves as a side effect (fewer orders, fewer payments): left out of the evaluation there. */
  readonly ignore: readonly SeriesName[];
}

const between = (random: () => number, low: number, high: number): number => low + (high - low) * random();

const INCIDENTS: Record<IncidentKind, (random: () => number) => Omit<Incident, 'at' | 'kind'>> = {
  // A flash sale or a bot: 2.5–4 × the orders, and the revenue with them.
  orderSpike: (random) => ({
    minutes: Math.round(between(random, 5, 20)),
    effect: { orderFactor: between(random, 2.5, 4), orderValueFactor: 1 },
    labels: ['orderRate', 'revenue'],
    ignore: [],
  }),
  // An outage: orders fall to 0–15 % of normal; the few payments left make the decline rate noise.
  orderDrop: (random) => ({
    minutes: Math.round(between(random, 5, 30)),
    effect: { orderFactor: between(random, 0, 0.15), orderValueFactor: 1 },
    labels: ['orderRate', 'revenue'],
    ignore: ['declineRate'],
  }),
  // A payment provider failing: 30–60 % declined; revenue falls with the confirmed orders.
  declineBurst: (random) => ({
    minutes: Math.round(between(random, 5, 20)),
    effect: { orderFactor: 1, declineRate: between(random, 0.3, 0.6), orderValueFactor: 1 },
    labels: ['declineRate'],
    ignore: ['revenue'],
  }),
  // A pricing bug: orders as usual, each worth 5–20 % or 3.5–5 × its price.
  priceBug: (random) => ({
    minutes: Math.round(between(random, 10, 30)),
    effect: {
      orderFactor: 1,
      orderValueFactor: random() < 0.5 ? between(random, 0.05, 0.2) : between(random, 3.5, 5),
    },
    labels: ['revenue'],
    ignore: [],
  }),
};

/**
 * `perKind` incidents of each kind at random minutes of a week, none within an hour of another, so each
 * one starts from normal traffic and its end is not another's start.
 */
export const plantIncidents = (seed: number, perKind: number): Incident[] => {
  const random = prng(seed);
  const incidents: Incident[] = [];
  const kinds = Object.keys(INCIDENTS) as IncidentKind[];
  for (let i = 0; i < perKind * kinds.length; i += 1) {
    const kind = kinds[i % kinds.length] as IncidentKind;
    const shape = INCIDENTS[kind](random);
    for (;;) {
      const at = Math.floor(between(random, 60, WEEK_MINUTES - 60 - shape.minutes));
      const clear = incidents.every(
        (other) => at + shape.minutes + 60 <= other.at || other.at + other.minutes + 60 <= at,
      );
      if (clear) {
        incidents.push({ kind, at, ...shape });
        break;
      }
    }
  }
  return incidents.sort((a, b) => a.at - b.at);
};

export interface LabelledWeek {
  readonly points: readonly MinutePoint[];
  readonly incidents: readonly Incident[];
  /** Per minute: the series that are anomalous by design, and those left out of the evaluation. */
  readonly labels: readonly {
    readonly anomalous: ReadonlySet<SeriesName>;
    readonly ignored: ReadonlySet<SeriesName>;
  }[];
}

/** A week of traffic after `weeksAfterTraining` weeks, with incidents planted and every minute labelled. */
export const labelledWeek = (seed: number, weekIndex: number, perKind: number): LabelledWeek => {
  const incidents = plantIncidents(seed + 1, perKind);
  const incidentAt = (minute: number) =>
    incidents.find((incident) => minute >= incident.at && minute < incident.at + incident.minutes);
  const points = generateTraffic(
    seed,
    FIRST_MONDAY + weekIndex * WEEK_MINUTES * MINUTE_MS,
    WEEK_MINUTES,
    (minute) => incidentAt(minute)?.effect ?? NORMAL,
  );
  const labels = points.map((_, minute) => {
    const incident = incidentAt(minute);
    return {
      anomalous: new Set<SeriesName>(incident?.labels ?? []),
      ignored: new Set<SeriesName>(incident?.ignore ?? []),
    };
  });
  return { points, incidents, labels };
};
