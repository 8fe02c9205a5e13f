/**
 * `npm run analytics:train`: trains the anomaly model on seeded synthetic normal traffic and writes it to
 * models/anomaly-model.json, the file the scorer ships with (the local SageMaker endpoint serves it; the
 * cloud endpoint's model package is built from it).
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { MODEL_PATH, serializeModel, trainShippedModel, TRAINING } from './anomaly-training';

const started = Date.now();
const text = serializeModel(trainShippedModel());
writeFileSync(MODEL_PATH, text);
process.stdout.write(
  `trained on ${TRAINING.weeks} weeks (seed ${TRAINING.seed}) in ${Date.now() - started} ms: ` +
    `${relative(process.cwd(), MODEL_PATH)} (${(Buffer.byteLength(text) / 1024).toFixed(1)} KiB)\n`,
);
