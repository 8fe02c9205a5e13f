import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/local/template';

export const CI_PACKAGE_DIR = join('.orderflow', 'package', 'ci-tests');
export const CI_PACKAGE_PATH = join(PROJECT_ROOT, CI_PACKAGE_DIR);

export const STACK_ENV = {
  http: 'ORDERFLOW_TEST_HTTP_URL',
  aws: 'ORDERFLOW_TEST_AWS_URL',
  lambda: 'ORDERFLOW_TEST_LAMBDA_URL',
  startupMs: 'ORDERFLOW_TEST_STARTUP_MS',
  payments: 'ORDERFLOW_TEST_PAYMENTS_URL',
  kafka: 'ORDERFLOW_TEST_KAFKA_BOOTSTRAP',
} as const;

/**
 * The shared test stack runs EventBridge schedule rules this many times faster than real time: a minute of
 * schedule time is a second, so `rate(1 minute)` ticks every second and tests never wait minutes.
 */
export const TEST_SCHEDULE_TIME_SCALE = 60;
