import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { PROJECT_ROOT, SLS_BIN, frameworkEnv } from './template';

export interface OfflineOptions {
  readonly stage: string;
  /**
   * The Unix sockets serverless-offline serves the HTTP API and the Lambda Invoke API on. No web page
   * can reach a Unix socket; the runtime's guarded front (src/local/http-front) owns the public ports.
   */
  readonly httpSocket: string;
  readonly lambdaSocket: string;
  readonly awsEndpoint: string;
  readonly region: string;
  /** Extra environment for the framework process (handlers see only AWS_* of it and what serverless.yml declares). */
  readonly env?: NodeJS.ProcessEnv;
  /** Every line serverless-offline and the functions print (`npm start -- --verbose`). */
  readonly log?: (line: string) => void;
  /**
   * The functions' structured lines only (Powertools JSON logs and EMF metrics), when `log` is not
   * given. Defaults to standard error when ORDERFLOW_FUNCTION_LOGS is `stderr` (as `npm start` sets
   * it), else to nothing: the shared test stack, the bench and chaos runs stay quiet.
   */
  readonly functionLog?: (line: string) => void;
  /**
   * Function timeouts offline, in milliseconds by function key, instead of the template's: a stack
   * can make a function really run past its timeout (the test of API Gateway's 504). Never packaged.
   */
  readonly functionTimeoutsMs?: Readonly<Record<string, number>>;
}

/** A line a function printed as structured output: a JSON log entry or an EMF metrics blob. */
export function isFunctionLogLine(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    const entry = JSON.parse(line) as Record<string, unknown> | null;
    return (
      typeof entry === 'object' &&
      entry !== null &&
      (('level' in entry && 'message' in entry) || '_aws' in entry)
    );
  } catch {
    return false;
  }
}

const defaultFunctionLog = (): ((line: string) => void) | undefined =>
  process.env.ORDERFLOW_FUNCTION_LOGS === 'stderr' ? (line) => process.stderr.write(`${line}\n`) : undefined;

export class OfflineStartError extends Error {
  override readonly name = 'OfflineStartError';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The status of GET /health on a Unix socket; 0 when nothing answers there yet. */
const healthStatus = (socketPath: string): Promise<number> =>
  new Promise((resolve) => {
    const req = get({ socketPath, path: '/health', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
  });

/**
 * serverless-offline in a child process: the HTTP API and the Lambda Invoke API, with every handler
 * seeing `AWS_ENDPOINT_URL` so the unmodified SDK clients talk to the local endpoint.
 */
export class ServerlessOffline {
  private exited = false;
  private readonly output: string[] = [];

  private constructor(private readonly child: ChildProcess) {
    child.once('exit', () => (this.exited = true));
  }

  static async start(options: OfflineOptions): Promise<ServerlessOffline> {
    const child = spawn(process.execPath, [SLS_BIN, 'offline', 'start', '--stage', options.stage], {
      cwd: PROJECT_ROOT,
      env: frameworkEnv({
        ...options.env,
        ORDERFLOW_OFFLINE_HTTP_SOCKET: options.httpSocket,
        ORDERFLOW_OFFLINE_LAMBDA_SOCKET: options.lambdaSocket,
        ...(options.functionTimeoutsMs
          ? { ORDERFLOW_OFFLINE_FUNCTION_TIMEOUTS_MS: JSON.stringify(options.functionTimeoutsMs) }
          : {}),
        AWS_ENDPOINT_URL: options.awsEndpoint,
        AWS_REGION: options.region,
        AWS_DEFAULT_REGION: options.region,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const offline = new ServerlessOffline(child);
    const functionLog = options.log ? undefined : (options.functionLog ?? defaultFunctionLog());
    const take = (line: string) => {
      if (!line.trim()) return;
      offline.output.push(line);
      if (offline.output.length > 200) offline.output.shift();
      options.log?.(line);
      if (functionLog && isFunctionLogLine(line)) functionLog(line);
    };
    // Whole lines only: a JSON line can arrive split across chunks.
    const collector = () => {
      let pending = '';
      return {
        data: (chunk: Buffer) => {
          const lines = (pending + chunk.toString('utf8')).split('\n');
          pending = lines.pop() ?? '';
          lines.forEach(take);
        },
        end: () => take(pending),
      };
    };
    for (const stream of [child.stdout, child.stderr]) {
      const { data, end } = collector();
      stream?.on('data', data);
      stream?.on('end', end);
    }
    await offline.waitForHealth(options.httpSocket);
    return offline;
  }

  private async waitForHealth(socketPath: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) {
        throw new OfflineStartError(
          `serverless-offline exited before it was ready:\n${this.output.join('\n')}`,
        );
      }
      if ((await healthStatus(socketPath)) === 200) return;
      await sleep(100);
    }
    await this.stop();
    throw new OfflineStartError(
      `serverless-offline did not answer GET /health on ${socketPath} within ${timeoutMs} ms`,
    );
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
