import { readFileSync } from 'node:fs';
import { AnomalyModel } from '../../../src/domain/analytics/anomaly-model';
import { MODEL_PATH, serializeModel, trainShippedModel } from '../../../scripts/analytics/anomaly-training';

describe('the shipped anomaly model (models/anomaly-model.json)', () => {
  const shipped = readFileSync(MODEL_PATH, 'utf8');

  it('is exactly what `npm run analytics:train` produces, so it never drifts from its training', () => {
    // Training is seeded and takes a few seconds: re-training in full is the simplest exact check.
    expect(serializeModel(trainShippedModel())).toBe(shipped);
  });

  it('decodes as a model and stays small enough to ship in the repository and a Lambda bundle', () => {
    expect(AnomalyModel.is(JSON.parse(shipped))).toBe(true);
    expect(Buffer.byteLength(shipped)).toBeLessThan(300 * 1024);
  });
});
