import * as t from 'io-ts';
import { IsoDateTime } from '../shared/codecs';
import {
  type MinutePoint,
  type MinuteScore,
  SERIES_NAMES,
  type SeriesName,
  type SeriesScore,
} from './anomaly-model';

/*
 * The scorer endpoint's JSON (ContentType and Accept application/json), the same for the SageMaker
 * endpoint in the cloud and the local one (docs/analytics.md, "Anomaly scoring"):
 *
 *   request  {"minutes":[{"start":"2024-01-08T14:00:00.000Z","orderRate":112,"revenue":671200,
 *                         "declineRate":0.04,"paymentAttempts":112}, ...]}         at most 1440 minutes
 *   response {"model":"orderflow-anomaly-model/1","scores":[{"start":"2024-01-08T14:00:00.000Z",
 *             "series":{"orderRate":{"value":112,"expected":109.8,"score":0.21,"threshold":4.25,
 *             "anomalous":false},"revenue":{...},"declineRate":{...} or null}}, ...]}
 */

export const MAX_MINUTES_PER_REQUEST = 1440;

const finite = new t.Type<number, number, unknown>(
  'a finite number',
  (u): u is number => typeof u === 'number' && Number.isFinite(u),
  (u, c) => (typeof u === 'number' && Number.isFinite(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);
const nonNegative = t.refinement(finite, (n) => n >= 0, 'a non-negative number');
const rate = t.refinement(finite, (n) => n >= 0 && n <= 1, 'a rate between 0 and 1');
const minuteStart = t.refinement(IsoDateTime, (s) => Date.parse(s) % 60_000 === 0, 'the start of a minute');

export const WireMinutePoint = t.type({
  start: minuteStart,
  orderRate: nonNegative,
  revenue: nonNegative,
  declineRate: rate,
  paymentAttempts: nonNegative,
});

export const ScoreRequest = t.type({
  minutes: t.refinement(
    t.array(WireMinutePoint),
    (minutes) => minutes.length <= MAX_MINUTES_PER_REQUEST,
    `at most ${MAX_MINUTES_PER_REQUEST} minutes`,
  ),
});
export type ScoreRequest = t.TypeOf<typeof ScoreRequest>;

const WireSeriesScore = t.type({
  value: finite,
  expected: finite,
  score: finite,
  threshold: finite,
  anomalous: t.boolean,
});

export const ScoreResponse = t.type({
  model: t.string,
  scores: t.array(
    t.type({
      start: IsoDateTime,
      series: t.type({
        orderRate: t.union([WireSeriesScore, t.null]),
        revenue: t.union([WireSeriesScore, t.null]),
        declineRate: t.union([WireSeriesScore, t.null]),
      }),
    }),
  ),
});
export type ScoreResponse = t.TypeOf<typeof ScoreResponse>;

export const toWirePoint = (point: MinutePoint): t.TypeOf<typeof WireMinutePoint> => ({
  start: new Date(point.start).toISOString(),
  orderRate: point.orderRate,
  revenue: point.revenue,
  declineRate: point.declineRate,
  paymentAttempts: point.paymentAttempts,
});

export const fromWirePoint = (point: t.TypeOf<typeof WireMinutePoint>): MinutePoint => ({
  ...point,
  start: Date.parse(point.start),
});

const roundScore = (score: SeriesScore | null): SeriesScore | null =>
  score === null
    ? null
    : {
        ...score,
        expected: Number(score.expected.toFixed(4)),
        score: Number(score.score.toFixed(3)),
      };

export const toWireScore = (score: MinuteScore): ScoreResponse['scores'][number] => ({
  start: new Date(score.start).toISOString(),
  series: Object.fromEntries(
    SERIES_NAMES.map((series) => [series, roundScore(score.series[series])]),
  ) as Record<SeriesName, SeriesScore | null>,
});

export const fromWireScore = (score: ScoreResponse['scores'][number]): MinuteScore => ({
  start: Date.parse(score.start),
  series: score.series,
});
