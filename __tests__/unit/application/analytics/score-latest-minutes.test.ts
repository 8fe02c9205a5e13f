import type { AnalyticsStore, BucketShare } from '../../../../src/application/analytics/analytics-store';
import { scoreLatestMinutes } from '../../../../src/application/analytics/score-latest-minutes';
import {
  emptyBucket,
  scorePoint,
  type MinutePoint,
  type MinuteScore,
} from '../../../../src/domain/analytics';
import { loadShippedModel } from '../../../../src/local/aws/sagemaker';
import type { AnomalyScorer } from '../../../../src/ports/anomaly-scorer';

/** The scorer port in process, over the shipped model: what the endpoints answer, without HTTP. */
class InProcessScorer implements AnomalyScorer {
  private readonly model = loadShippedModel();
  readonly calls: MinutePoint[][] = [];
  async score(points: readonly MinutePoint[]): Promise<readonly MinuteScore[]> {
    this.calls.push([...points]);
    return points.map((point) => scorePoint(this.model, point));
  }
}

/** Shares as the analytics table holds them: each partition's part of a minute. */
const store = (shares: BucketShare[]): Pick<AnalyticsStore, 'shares'> => ({
  shares: async (from, to) => shares.filter(({ bucket }) => bucket.start >= from && bucket.start < to),
});

// Tuesday 2024-01-09 14:00 UTC: about 115 orders a minute in the training traffic.
const T = Date.parse('2024-01-09T14:00:00.000Z');
const MINUTE = 60_000;
/** A minute of normal traffic split over two partitions. */
const normalShares = (start: number, declined = 2): BucketShare[] => [
  {
    partition: '0',
    bucket: {
      ...emptyBucket(start),
      placed: 60,
      revenue: { EUR: 340_000 },
      paymentsAuthorized: 58,
      paymentsDeclined: declined,
    },
  },
  {
    partition: '1',
    bucket: { ...emptyBucket(start), placed: 55, revenue: { EUR: 330_000 }, paymentsAuthorized: 55 },
  },
];

describe('scoreLatestMinutes (for the alerts tick)', () => {
  it('merges the partitions of each minute and raises nothing for normal traffic', async () => {
    const scorer = new InProcessScorer();
    const shares = [0, 1, 2].flatMap((m) => normalShares(T + m * MINUTE));
    const result = await scoreLatestMinutes(scorer, {
      store: store(shares),
      fromStart: T,
      toStart: T + 3 * MINUTE,
      open: {},
      currency: 'EUR',
    });
    expect(scorer.calls[0]?.[0]).toEqual({
      start: T,
      orderRate: 115,
      revenue: 670_000,
      declineRate: 2 / 115,
      paymentAttempts: 115,
    });
    expect(result.events).toEqual([]);
    expect(result.open).toEqual({});
  });

  it('scores a minute with no bucket at all as zero orders: an outage raises, recovery clears', async () => {
    const scorer = new InProcessScorer();
    // Minutes 1 and 2 have no buckets: nothing was ordered.
    const shares = [...normalShares(T), ...normalShares(T + 3 * MINUTE)];
    const result = await scoreLatestMinutes(scorer, {
      store: store(shares),
      fromStart: T,
      toStart: T + 4 * MINUTE,
      open: {},
      currency: 'EUR',
    });
    expect(result.events.map((e) => [e.type, e.data.subject, e.data.alertId])).toEqual([
      ['AlertRaised', 'orderRate', 'anomaly:orderRate:2024-01-09T14:01:00.000Z'],
      ['AlertRaised', 'revenue', 'anomaly:revenue:2024-01-09T14:01:00.000Z'],
      ['AlertCleared', 'orderRate', 'anomaly:orderRate:2024-01-09T14:01:00.000Z'],
      ['AlertCleared', 'revenue', 'anomaly:revenue:2024-01-09T14:01:00.000Z'],
    ]);
    expect(result.scores).toHaveLength(4);
  });

  it('carries an open alert across ticks and returns the same events when a tick runs twice', async () => {
    const shares = [...normalShares(T, 40), ...normalShares(T + MINUTE, 45), ...normalShares(T + 2 * MINUTE)];
    const tick = (fromStart: number, toStart: number, open: Record<string, string>) =>
      scoreLatestMinutes(new InProcessScorer(), {
        store: store(shares),
        fromStart,
        toStart,
        open,
        currency: 'EUR',
      });
    const first = await tick(T, T + MINUTE, {});
    expect(first.events.map((e) => [e.type, e.data.subject])).toEqual([['AlertRaised', 'declineRate']]);
    expect(await tick(T, T + MINUTE, {})).toEqual(first);
    // The next tick: still bad (no second raise), then back to normal (cleared with the first id).
    const second = await tick(T + MINUTE, T + 3 * MINUTE, { ...first.open });
    expect(second.events).toEqual([
      {
        type: 'AlertCleared',
        data: {
          alertId: 'anomaly:declineRate:2024-01-09T14:00:00.000Z',
          ruleId: 'anomaly',
          subject: 'declineRate',
          clearedAt: '2024-01-09T14:02:00.000Z',
        },
      },
    ]);
    expect(second.open).toEqual({});
  });
});
