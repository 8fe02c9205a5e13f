import { createServer } from 'node:net';
import { DEFAULT_FUNCTION_CONCURRENCY, type StackConfig } from './config';

/** A TCP port that was free a moment ago on loopback. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

export const TEST_REVIEW_TIMEOUT_SECONDS = 20;

/** A local-stage stack configuration on free ports, for tests, benchmarks and the chaos harness. */
export const stackConfigOnFreePorts = async (): Promise<StackConfig> => ({
  host: '127.0.0.1',
  httpPort: await freePort(),
  awsPort: await freePort(),
  lambdaPort: await freePort(),
  paymentsPort: await freePort(),
  kafkaPort: await freePort(),
  region: 'us-east-1',
  stage: 'local',
  functionConcurrency: DEFAULT_FUNCTION_CONCURRENCY,
  noAuth: false,
  consoleOrigins: [],
  // Seconds, not the local stage's minutes: the review-timeout tests wait for it.
  reviewTimeoutSeconds: TEST_REVIEW_TIMEOUT_SECONDS,
});
