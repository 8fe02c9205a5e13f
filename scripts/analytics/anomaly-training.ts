import { join } from 'node:path';
import { type AnomalyModel, trainAnomalyModel } from '../../src/domain/analytics/anomaly-model';
import {
  FIRST_MONDAY,
  GENERATOR_ID,
  MINUTE_MS,
  normalWeeks,
  WEEK_MINUTES,
  generateTraffic,
} from './synthetic-traffic';

/*
 * How the shipped anomaly model is trained: on TRAINING.weeks weeks of seeded normal traffic. Changing
 * anything here (or in the generator) changes the model: run `npm run analytics:train` and commit
 * models/anomaly-model.json; a unit test fails while the two disagree.
 */

export const MODEL_PATH = join(__dirname, '..', '..', 'models', 'anomaly-model.json');

export const TRAINING = {
  seed: 20240101,
  weeks: 6,
  slotMinutes: 15,
  calibrationSeed: 20240202,
  calibrationWeeks: 4,
  // Lowest first: each series takes the lowest that keeps calibration weeks to FALSE_ALARMS a week.
  thresholdCandidates: [3.5, 3.75, 4, 4.25, 4.5, 4.75, 5, 5.5, 6, 7, 8],
  falseAlarmsPerWeek: 1,
} as const;

export const trainShippedModel = (): AnomalyModel =>
  trainAnomalyModel(normalWeeks(TRAINING.seed, TRAINING.weeks), {
    slotMinutes: TRAINING.slotMinutes,
    // Weeks after the training ones, from another seed.
    calibration: {
      points: generateTraffic(
        TRAINING.calibrationSeed,
        FIRST_MONDAY + TRAINING.weeks * WEEK_MINUTES * MINUTE_MS,
        TRAINING.calibrationWeeks * WEEK_MINUTES,
      ),
      candidates: TRAINING.thresholdCandidates,
      falseAlarmsPerWeek: TRAINING.falseAlarmsPerWeek,
    },
    trainedOn: {
      generator: GENERATOR_ID,
      seed: TRAINING.seed,
      weeks: TRAINING.weeks,
      from: new Date(FIRST_MONDAY).toISOString(),
    },
  });

/** The file's exact text: one line per series array keeps diffs readable and the file small. */
export const serializeModel = (model: AnomalyModel): string => `${JSON.stringify(model)}\n`;
