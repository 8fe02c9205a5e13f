import { startStack, type RunningStack } from '../../src/local/stack';
import { compileTemplate } from '../../src/local/template';
import { stackConfigOnFreePorts } from '../../src/local/free-ports';
import { DEFAULT_CATALOGUE, setStock } from './api';
import { CI_PACKAGE_DIR, STACK_ENV, TEST_SCHEDULE_TIME_SCALE } from './paths';

declare global {
  var __ORDERFLOW_STACK__: RunningStack | undefined;
}

/**
 * Compiles the `ci` stage once (the template tests read it) and starts ONE offline stack on free
 * ports that every integration and end-to-end test shares, as a user's `npm start` would, with the
 * DEFAULT_CATALOGUE priced (orders are priced from the catalogue, and `validOrder` orders those SKUs).
 */
export default async function globalSetup(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  await compileTemplate('ci', CI_PACKAGE_DIR);
  const stack = await startStack({
    ...(await stackConfigOnFreePorts()),
    scheduleTimeScale: TEST_SCHEDULE_TIME_SCALE,
  });
  globalThis.__ORDERFLOW_STACK__ = stack;
  process.env[STACK_ENV.http] = stack.httpUrl;
  process.env[STACK_ENV.aws] = stack.awsUrl;
  process.env[STACK_ENV.lambda] = `http://127.0.0.1:${stack.config.lambdaPort}`;
  process.env[STACK_ENV.startupMs] = String(stack.startupMs);
  process.env[STACK_ENV.payments] = `http://127.0.0.1:${stack.config.paymentsPort}`;
  process.env[STACK_ENV.kafka] = stack.kafkaBootstrap;
  for (const { sku, ...level } of DEFAULT_CATALOGUE) await setStock(sku, level);
}
