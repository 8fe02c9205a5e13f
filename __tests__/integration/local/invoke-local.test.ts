import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { frameworkEnv, PROJECT_ROOT, SLS_BIN } from '../../../src/local/template';
import { stackUrls } from '../../support/stack';

const run = promisify(execFile);
const EVENTS_DIR = join(PROJECT_ROOT, 'events');
const samples = readdirSync(EVENTS_DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.replace(/\.json$/, ''));

const EXPECTED: Record<string, (result: Record<string, unknown>) => void> = {
  health: (r) => expect(r).toMatchObject({ statusCode: 200 }),
  placeOrder: (r) => expect(r).toMatchObject({ statusCode: 202 }),
  // The sample ids name no order in a fresh stack: a structured 404 proves the handler ran end to end.
  getOrder: (r) => expect(r).toMatchObject({ statusCode: 404 }),
  getOrderEvents: (r) => expect(r).toMatchObject({ statusCode: 404 }),
  listOrders: (r) => expect(r).toMatchObject({ statusCode: 200 }),
  projectOrders: (r) => expect(r).toEqual({ batchItemFailures: [] }),
  publishOutbox: (r) => expect(r).toEqual({ batchItemFailures: [] }),
  getOrderNotifications: (r) => expect(r).toMatchObject({ statusCode: 200 }),
  // The sample outcome names an order the fresh stack does not have: that one message fails, alone.
  publishOutcome: (r) => expect(r).toEqual({ batchItemFailures: [{ itemIdentifier: 'sample-outcome-1' }] }),
  notifyCustomer: (r) => expect(r).toEqual({ batchItemFailures: [] }),
  notifyOps: (r) => expect(r).toEqual({ batchItemFailures: [] }),
};

describe('sls invoke local with the sample events, against the running stack', () => {
  it('has a sample event for every function of the template', async () => {
    const { stdout } = await run(
      process.execPath,
      [SLS_BIN, 'print', '--stage', 'local', '--path', 'functions', '--format', 'json'],
      {
        cwd: PROJECT_ROOT,
        env: frameworkEnv(),
      },
    );
    expect(samples.sort()).toEqual(Object.keys(JSON.parse(stdout) as object).sort());
  });

  it.each(samples)('invokes %s with events/%s.json', async (name) => {
    const check = EXPECTED[name];
    expect(check).toBeDefined();
    const { stdout } = await run(
      process.execPath,
      [SLS_BIN, 'invoke', 'local', '--stage', 'local', '-f', name, '-p', `events/${name}.json`],
      {
        cwd: PROJECT_ROOT,
        env: frameworkEnv({
          ORDERFLOW_BUILD_DIR: join('.orderflow', 'build', `invoke-${name}`),
          AWS_ENDPOINT_URL: stackUrls().aws,
          AWS_REGION: 'us-east-1',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        }),
      },
    );
    check?.(JSON.parse(stdout.slice(stdout.indexOf('{'))) as Record<string, unknown>);
  });
});
