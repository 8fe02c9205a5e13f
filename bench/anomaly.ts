/**
 * The anomaly suite: how well the shipped model (models/anomaly-model.json) finds incidents in a seeded
 * synthetic week it was not trained on, and how fast it scores. Incidents (order spikes, outages,
 * decline bursts, pricing bugs) are planted at random minutes and every minute is labelled per series;
 * each minute is scored through the domain code the endpoints run, and a minute counts as found when
 * its series scores anomalous. Minutes a planted incident moves only as a side effect (the revenue of
 * a decline burst, the decline rate of an outage's few payments) are left out of that series' counts.
 *
 *   npx tsx bench/anomaly.ts                 # or: npm run bench -- --only anomaly
 *   npx tsx bench/anomaly.ts --seed 7 --per-kind 10
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  AnomalyModel,
  type MinuteScore,
  scorePoint,
  SERIES_NAMES,
  type SeriesName,
} from '../src/domain/analytics/anomaly-model';
import { MODEL_PATH, TRAINING } from '../scripts/analytics/anomaly-training';
import { type IncidentKind, labelledWeek } from '../scripts/analytics/synthetic-traffic';
import { BenchError } from './errors';
import { round } from './stats';

export interface Confusion {
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  readonly precision: number;
  readonly recall: number;
}

export interface AnomalyFigures {
  readonly seed: number;
  readonly minutes: number;
  readonly incidents: Readonly<Record<IncidentKind, number>>;
  readonly bySeries: Readonly<Record<SeriesName, Confusion>>;
  readonly overall: Confusion;
  /** Incidents with at least one of their labelled minutes found, by kind. */
  readonly incidentsFound: Readonly<Record<IncidentKind, string>>;
  readonly scoredMinutesPerSecond: number;
  readonly goals: { readonly precision: number; readonly recall: number };
}

export const ANOMALY_GOALS = { precision: 0.9, recall: 0.9 } as const;

export const loadShippedModel = (): AnomalyModel => {
  const decoded = AnomalyModel.decode(JSON.parse(readFileSync(MODEL_PATH, 'utf8')));
  if (decoded._tag === 'Left') throw new BenchError(`${MODEL_PATH} is not an anomaly model`);
  return decoded.right;
};

const confusion = (tp: number, fp: number, fn: number): Confusion => ({
  truePositives: tp,
  falsePositives: fp,
  falseNegatives: fn,
  precision: round(tp + fp === 0 ? 1 : tp / (tp + fp), 3),
  recall: round(tp + fn === 0 ? 1 : tp / (tp + fn), 3),
});

export function benchAnomaly(options: { seed?: number; perKind?: number } = {}): AnomalyFigures {
  const seed = options.seed ?? 424242;
  const model = loadShippedModel();
  // The week after the training weeks, with its own seed: traffic the model has not seen.
  const week = labelledWeek(seed, TRAINING.weeks, options.perKind ?? 8);

  const started = process.hrtime.bigint();
  const scores: MinuteScore[] = week.points.map((point) => scorePoint(model, point));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  const counts = Object.fromEntries(SERIES_NAMES.map((s) => [s, { tp: 0, fp: 0, fn: 0 }])) as Record<
    SeriesName,
    { tp: number; fp: number; fn: number }
  >;
  scores.forEach((minute, i) => {
    const label = week.labels[i];
    if (!label) return;
    for (const series of SERIES_NAMES) {
      if (label.ignored.has(series)) continue;
      const found = minute.series[series]?.anomalous ?? false;
      const actual = label.anomalous.has(series);
      const count = counts[series];
      if (found && actual) count.tp += 1;
      else if (found) count.fp += 1;
      else if (actual) count.fn += 1;
    }
  });
  const total = Object.values(counts).reduce(
    (sum, c) => ({ tp: sum.tp + c.tp, fp: sum.fp + c.fp, fn: sum.fn + c.fn }),
    { tp: 0, fp: 0, fn: 0 },
  );
  const kinds = [...new Set(week.incidents.map((incident) => incident.kind))];
  const incidentsFound = Object.fromEntries(
    kinds.map((kind) => {
      const ofKind = week.incidents.filter((incident) => incident.kind === kind);
      const found = ofKind.filter((incident) =>
        scores
          .slice(incident.at, incident.at + incident.minutes)
          .some((minute) => incident.labels.some((series) => minute.series[series]?.anomalous)),
      );
      return [kind, `${found.length}/${ofKind.length}`];
    }),
  ) as Record<IncidentKind, string>;
  return {
    seed,
    minutes: week.points.length,
    incidents: Object.fromEntries(
      kinds.map((kind) => [kind, week.incidents.filter((i) => i.kind === kind).length]),
    ) as Record<IncidentKind, number>,
    bySeries: Object.fromEntries(
      SERIES_NAMES.map((series) => [
        series,
        confusion(counts[series].tp, counts[series].fp, counts[series].fn),
      ]),
    ) as Record<SeriesName, Confusion>,
    overall: confusion(total.tp, total.fp, total.fn),
    incidentsFound,
    scoredMinutesPerSecond: Math.round(week.points.length / seconds),
    goals: ANOMALY_GOALS,
  };
}

const mark = (ok: boolean) => (ok ? 'ok' : 'UNDER GOAL');

const confusionRow = (c: Confusion): string =>
  `precision ${c.precision}, recall ${c.recall} (TP ${c.truePositives}, FP ${c.falsePositives}, FN ${c.falseNegatives})`;

/** The suite's lines for the bench table. */
export const anomalyRows = (figures: AnomalyFigures): [string, string][] => [
  [
    'anomaly: synthetic week',
    `${figures.minutes} minutes, seed ${figures.seed}, incidents ${JSON.stringify(figures.incidentsFound)} found`,
  ],
  ...SERIES_NAMES.map((series): [string, string] => [`  ${series}`, confusionRow(figures.bySeries[series])]),
  [
    '  overall (minutes)',
    `${confusionRow(figures.overall)} [${mark(
      figures.overall.precision >= ANOMALY_GOALS.precision && figures.overall.recall >= ANOMALY_GOALS.recall,
    )}: ≥ ${ANOMALY_GOALS.precision} both]`,
  ],
  ['  scored minutes/s', `${figures.scoredMinutesPerSecond} (domain code, one process)`],
];

if (require.main === module) {
  const { values } = parseArgs({
    options: { seed: { type: 'string' }, 'per-kind': { type: 'string' } },
  });
  const figures = benchAnomaly({
    seed: values.seed === undefined ? undefined : Number(values.seed),
    perKind: values['per-kind'] === undefined ? undefined : Number(values['per-kind']),
  });
  const rows = anomalyRows(figures);
  const width = Math.max(...rows.map(([name]) => name.length));
  for (const [name, value] of rows) process.stdout.write(`${name.padEnd(width)}  ${value}\n`);
}
