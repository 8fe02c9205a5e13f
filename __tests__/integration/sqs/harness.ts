import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AwsEndpoint } from '../../../src/local/aws/endpoint';
import { SqsService, type SqsServiceOptions } from '../../../src/local/aws/sqs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const run = promisify(execFile);

export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';

export interface SqsHarness {
  readonly service: SqsService;
  readonly endpoint: AwsEndpoint;
  readonly url: string;
  readonly client: SQSClient;
  /** Runs `aws sqs <args>` (the real AWS CLI, a separate process) against the endpoint; parses JSON output. */
  cli(args: readonly string[]): Promise<unknown>;
  /** Like cli, for a command expected to fail: its exit code and stderr. */
  cliFailure(args: readonly string[]): Promise<{ code: number; stderr: string }>;
  arn(name: string): string;
  close(): Promise<void>;
}

const cliEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_DEFAULT_REGION: REGION,
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  AWS_PAGER: '',
});

/** A local AWS endpoint with only SQS registered, on a free loopback port. */
export async function startSqs(
  options: Partial<SqsServiceOptions> & { readonly urlsFromHostHeader?: boolean } = {},
): Promise<SqsHarness> {
  const { urlsFromHostHeader = false, ...serviceOptions } = options;
  const service = new SqsService({ region: REGION, purgeCooldownMs: 0, ...serviceOptions });
  const endpoint = new AwsEndpoint().register(service);
  const port = await endpoint.listen(0);
  const url = `http://127.0.0.1:${port}`;
  if (!urlsFromHostHeader && !serviceOptions.baseUrl) service.setBaseUrl(url);
  const client = new SQSClient({
    endpoint: url,
    region: REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  const base = ['--endpoint-url', url, '--output', 'json', 'sqs'];
  return {
    service,
    endpoint,
    url,
    client,
    async cli(args) {
      const { stdout } = await run('aws', [...base, ...args], { env: cliEnv(), timeout: 60_000 });
      return stdout.trim() === '' ? undefined : (JSON.parse(stdout) as unknown);
    },
    async cliFailure(args) {
      try {
        await run('aws', [...base, ...args], { env: cliEnv(), timeout: 60_000 });
      } catch (error) {
        const failure = error as { code?: number; stderr?: string };
        return { code: failure.code ?? -1, stderr: failure.stderr ?? '' };
      }
      throw new RangeError(`aws sqs ${args.join(' ')} succeeded; a failure was expected`);
    },
    arn: (name) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
    async close() {
      client.destroy();
      await endpoint.close();
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new RangeError(`condition not met within ${timeoutMs} ms`);
    await sleep(50);
  }
}

let counter = 0;
/** A queue name unique within the test run. */
export const uniqueName = (prefix: string): string =>
  `${prefix}-${process.pid}-${Date.now()}-${(counter += 1)}`;
