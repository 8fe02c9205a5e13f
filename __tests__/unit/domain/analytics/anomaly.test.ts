import {
  type AlertEvent,
  type AnomalyState,
  DEFAULT_ANOMALY,
  EMPTY_ANOMALY_STATE,
  hourOfWeek,
  robustScore,
  scoreMinute,
} from '../../../../src/domain/analytics';

/** Seeded PRNG (mulberry32) so the generated traffic is the same on every run. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const MONDAY = Date.parse('2024-04-29T00:00:00.000Z');
const MINUTE = 60_000;

/**
 * Orders per minute with a daily cycle (busy afternoons, quiet nights) and noise of Poisson-like spread
 * (standard deviation √mean; a sum of three uniforms, so near-normal).
 */
const normalTraffic = (random: () => number, at: number) => {
  const hour = new Date(at).getUTCHours();
  const mean = 20 + 15 * Math.sin(((hour - 6) / 24) * 2 * Math.PI);
  const noise = (random() + random() + random() - 1.5) * 2;
  const orders = Math.max(0, Math.round(mean + noise * Math.sqrt(mean)));
  return { orderRate: orders, revenue: orders * 2500, declineRate: 0.05 + (random() - 0.5) * 0.04 };
};

/** Feeds `minutes` minutes from `start`, the values of each minute from `valuesAt`. */
const feed = (
  state: AnomalyState,
  start: number,
  minutes: number,
  valuesAt: (at: number) => Record<string, number>,
) => {
  const alerts: AlertEvent[] = [];
  for (let m = 0; m < minutes; m += 1) {
    const result = scoreMinute(state, start + m * MINUTE, valuesAt(start + m * MINUTE));
    state = result.state;
    alerts.push(...result.alerts);
  }
  return { state, alerts };
};

describe('seasonal robust z-score', () => {
  const random = prng(42);
  // A week to warm up every hour-of-week bucket (60 samples each, above the 30 minimum).
  const warm = feed(EMPTY_ANOMALY_STATE, MONDAY, 7 * 24 * 60, (at) => normalTraffic(random, at));

  it('numbers hours of the week from Monday 00:00 UTC', () => {
    expect(hourOfWeek(MONDAY)).toBe(0);
    expect(hourOfWeek(MONDAY + 7 * 24 * 60 * MINUTE - 1)).toBe(167);
    expect(hourOfWeek(Date.parse('2024-05-01T09:30:00Z'))).toBe(2 * 24 + 9);
  });

  it('scores nothing while a bucket warms up', () => {
    expect(
      robustScore(
        [1, 2, 3],
        100,
        DEFAULT_ANOMALY.series.orderRate ?? { minScale: 1, minRelativeScale: 0, isCount: true },
        30,
      ),
    ).toBeNull();
    const { alerts } = feed(EMPTY_ANOMALY_STATE, MONDAY, 20, () => ({ orderRate: 1000 }));
    expect(alerts).toEqual([]);
  });

  it('raises no alert over a second week of normal traffic with the same daily cycle', () => {
    expect(warm.alerts).toEqual([]);
    const week2 = feed(warm.state, MONDAY + 7 * 24 * 60 * MINUTE, 7 * 24 * 60, (at) =>
      normalTraffic(random, at),
    );
    expect(week2.alerts).toEqual([]);
  });

  it('raises one anomaly alert for a spike in order rate, and clears it when traffic is normal again', () => {
    const start = MONDAY + 7 * 24 * 60 * MINUTE + 14 * 60 * MINUTE; // a busy Monday afternoon
    const { alerts } = feed(warm.state, start, 10, (at) => {
      const normal = normalTraffic(random, at);
      const spiking = at >= start + 3 * MINUTE && at < start + 6 * MINUTE;
      return spiking ? { ...normal, orderRate: normal.orderRate * 4 } : normal;
    });
    expect(alerts.map((a) => `${a.type}:${a.data.ruleId}:${a.data.subject}`)).toEqual([
      'AlertRaised:anomaly:orderRate',
      'AlertCleared:anomaly:orderRate',
    ]);
    expect(alerts[0]?.type === 'AlertRaised' && alerts[0].data.window.start).toBe(
      new Date(start + 3 * MINUTE).toISOString(),
    );
  });

  it('flags a rise in the decline rate but not a fall (direction)', () => {
    const at = MONDAY + 7 * 24 * 60 * MINUTE + 10 * 60 * MINUTE;
    const base = normalTraffic(random, at);
    expect(scoreMinute(warm.state, at, { ...base, declineRate: 0.6 }).alerts).toHaveLength(1);
    expect(scoreMinute(warm.state, at, { ...base, declineRate: 0 }).alerts).toEqual([]);
  });

  it('compares with the same hour of the week: a night-time rate is normal at night and low in the afternoon', () => {
    const night = MONDAY + 7 * 24 * 60 * MINUTE + 0 * 60 * MINUTE;
    const afternoon = MONDAY + 7 * 24 * 60 * MINUTE + 12 * 60 * MINUTE;
    const quiet = normalTraffic(prng(7), night).orderRate;
    const atNight = scoreMinute(warm.state, night, { orderRate: quiet });
    const inTheAfternoon = scoreMinute(warm.state, afternoon, { orderRate: quiet });
    expect(Math.abs(atNight.scores.orderRate?.score ?? Infinity)).toBeLessThan(2);
    expect(inTheAfternoon.scores.orderRate?.score).toBeLessThan(-3);
    // An empty afternoon (the shop is down) crosses the threshold.
    expect(scoreMinute(warm.state, afternoon, { orderRate: 0 }).alerts).toHaveLength(1);
    expect(DEFAULT_ANOMALY.threshold).toBeGreaterThan(3);
  });
});
