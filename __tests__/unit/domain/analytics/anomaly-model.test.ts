import {
  type AnomalyModel,
  anomalyAlerts,
  type MinutePoint,
  scorePoint,
  slotOfWeek,
  trainAnomalyModel,
} from '../../../../src/domain/analytics/anomaly-model';
import {
  FIRST_MONDAY,
  generateTraffic,
  MINUTE_MS,
  WEEK_MINUTES,
} from '../../../../scripts/analytics/synthetic-traffic';

const SLOT = 60;
/** A small model (hour slots, two weeks) trained the way the shipped one is. */
const model: AnomalyModel = trainAnomalyModel(generateTraffic(1, FIRST_MONDAY, 2 * WEEK_MINUTES), {
  slotMinutes: SLOT,
  trainedOn: { generator: 'test', seed: 1, weeks: 2, from: new Date(FIRST_MONDAY).toISOString() },
  calibration: {
    points: generateTraffic(2, FIRST_MONDAY + 2 * WEEK_MINUTES * MINUTE_MS, WEEK_MINUTES),
    candidates: [3.5, 4, 4.5, 5, 6, 8],
    falseAlarmsPerWeek: 1,
  },
});

/** Tuesday 14:00 UTC of the third week: busy, about 110 orders a minute. */
const busy = FIRST_MONDAY + 2 * WEEK_MINUTES * MINUTE_MS + (24 + 14) * 60 * MINUTE_MS;
const normalAt = (start: number): MinutePoint => {
  const hour = slotOfWeek(start, SLOT);
  const orders = Math.round(((model.series.orderRate.center[hour] ?? 0) / 2) ** 2);
  return {
    start,
    orderRate: orders,
    revenue: Math.round((model.series.revenue.center[hour] ?? 0) ** 2),
    declineRate: model.series.declineRate.rate[hour] ?? 0,
    paymentAttempts: orders,
  };
};

describe('trained seasonal anomaly model', () => {
  it('numbers slots of the week from Monday 00:00 UTC', () => {
    expect(slotOfWeek(FIRST_MONDAY, 15)).toBe(0);
    expect(slotOfWeek(FIRST_MONDAY + WEEK_MINUTES * MINUTE_MS - 1, 15)).toBe(671);
    expect(slotOfWeek(Date.parse('2024-05-01T09:31:00Z'), 60)).toBe(2 * 24 + 9);
  });

  it('learns the daily cycle: the afternoon baseline is several times the night one', () => {
    const night = slotOfWeek(busy - 10 * 60 * MINUTE_MS, SLOT);
    const afternoon = slotOfWeek(busy, SLOT);
    const orders = (slot: number) => ((model.series.orderRate.center[slot] ?? 0) / 2) ** 2;
    expect(orders(afternoon)).toBeGreaterThan(3 * orders(night));
  });

  it('scores a typical minute near zero on every series', () => {
    const scores = scorePoint(model, normalAt(busy)).series;
    for (const score of Object.values(scores)) {
      expect(Math.abs(score?.score ?? Infinity)).toBeLessThan(1);
      expect(score?.anomalous).toBe(false);
    }
  });

  it('finds an outage, a spike, a pricing bug and a decline burst each on its own series', () => {
    const normal = normalAt(busy);
    const outage = scorePoint(model, { ...normal, orderRate: 2, paymentAttempts: 2, revenue: 12_000 });
    expect(outage.series.orderRate).toMatchObject({ anomalous: true });
    expect(outage.series.orderRate?.score).toBeLessThan(-5);
    expect(
      scorePoint(model, { ...normal, orderRate: normal.orderRate * 3 }).series.orderRate?.anomalous,
    ).toBe(true);
    const cheap = scorePoint(model, { ...normal, revenue: normal.revenue / 10 }).series;
    expect(cheap.revenue?.anomalous).toBe(true);
    expect(cheap.orderRate?.anomalous).toBe(false);
    const declines = scorePoint(model, { ...normal, declineRate: 0.4 }).series;
    expect(declines.declineRate?.anomalous).toBe(true);
    expect(declines.orderRate?.anomalous).toBe(false);
  });

  it('does not flag fewer declines than usual, nor a decline rate without payments', () => {
    const normal = normalAt(busy);
    expect(scorePoint(model, { ...normal, declineRate: 0 }).series.declineRate?.anomalous).toBe(false);
    expect(scorePoint(model, { ...normal, paymentAttempts: 0 }).series.declineRate).toBeNull();
  });

  it('weighs a decline rate by its payments: one decline in two is noise, half of a hundred is not', () => {
    const normal = normalAt(busy);
    expect(
      scorePoint(model, { ...normal, declineRate: 0.5, paymentAttempts: 2 }).series.declineRate?.anomalous,
    ).toBe(false);
    expect(
      scorePoint(model, { ...normal, declineRate: 0.5, paymentAttempts: 100 }).series.declineRate?.anomalous,
    ).toBe(true);
  });
});

describe('anomaly alerts from scored minutes', () => {
  const minutes = [0, 1, 2, 3].map((m) => busy + m * MINUTE_MS);
  const scored = minutes.map((start, m) =>
    scorePoint(model, m === 1 || m === 2 ? { ...normalAt(start), orderRate: 0 } : normalAt(start)),
  );

  it('raises once when a series goes out of bounds and clears at its first minute back', () => {
    const { alerts, open } = anomalyAlerts({}, scored);
    expect(alerts.map((a) => [a.type, a.data.subject])).toEqual([
      ['AlertRaised', 'orderRate'],
      ['AlertCleared', 'orderRate'],
    ]);
    expect(alerts[0]?.data).toMatchObject({
      alertId: `anomaly:orderRate:${new Date(minutes[1] ?? 0).toISOString()}`,
      ruleId: 'anomaly',
      severity: 'warning',
    });
    expect(open).toEqual({});
  });

  it('raises the same alert id when the same minutes are scored again (a redelivered tick)', () => {
    const first = anomalyAlerts({}, scored.slice(0, 2));
    const again = anomalyAlerts({}, scored.slice(0, 2));
    expect(again.alerts).toEqual(first.alerts);
    expect(first.open).toEqual({ orderRate: `anomaly:orderRate:${new Date(minutes[1] ?? 0).toISOString()}` });
  });

  it('does not raise again for a series whose alert is already open, and clears that one', () => {
    const { alerts } = anomalyAlerts({ orderRate: 'anomaly:orderRate:earlier' }, scored.slice(1));
    expect(alerts).toEqual([
      {
        type: 'AlertCleared',
        data: {
          alertId: 'anomaly:orderRate:earlier',
          ruleId: 'anomaly',
          subject: 'orderRate',
          clearedAt: new Date(minutes[3] ?? 0).toISOString(),
        },
      },
    ]);
  });
});
