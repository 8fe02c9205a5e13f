import { DynamoAnalyticsStore } from '../../adapters/dynamodb/analytics-store';
import { documentClient } from '../../adapters/dynamodb/document-client';
import { requiredEnv } from '../../adapters/env';
import { DEFAULT_WINDOWING, type WindowingConfig } from '../../domain/analytics';

export const analyticsStore = (): DynamoAnalyticsStore =>
  new DynamoAnalyticsStore(documentClient(), requiredEnv('ANALYTICS_TABLE'));

/** Allowed lateness from the stage's settings (`ANALYTICS_ALLOWED_LATENESS_SECONDS`), else the default. */
export function windowingConfig(env: NodeJS.ProcessEnv = process.env): WindowingConfig {
  const raw = env.ANALYTICS_ALLOWED_LATENESS_SECONDS;
  if (raw === undefined || raw === '') return DEFAULT_WINDOWING;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new RangeError(`ANALYTICS_ALLOWED_LATENESS_SECONDS must be a whole number of seconds, got ${raw}`);
  }
  return { ...DEFAULT_WINDOWING, allowedLatenessMs: seconds * 1000 };
}
