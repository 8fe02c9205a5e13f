import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { InvocationResult } from './invoker';

export type FunctionLogs = 'none' | 'structured' | 'all';

/** What an environment needs to load its function: the extracted bundle and its settings. */
export interface EnvironmentSettings {
  readonly functionName: string;
  /** Absolute path of the handler's module file. */
  readonly file: string;
  readonly exportName: string;
  readonly handler: string;
  readonly timeoutMs: number;
  readonly memoryMb: number;
  readonly region: string;
  readonly env: Readonly<Record<string, string>>;
  /**
   * What of the function's output reaches standard error: nothing, its structured lines (JSON logs
   * and EMF metrics), or everything. The environment writes it itself, off the runtime's thread.
   */
  readonly logs: FunctionLogs;
}

interface ErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

type WorkerMessage =
  | { readonly kind: 'ready'; readonly initMs: number; readonly error?: ErrorPayload }
  | {
      readonly kind: 'result';
      readonly id: string;
      readonly payload?: string;
      readonly error?: ErrorPayload;
    };

/** Lambda's init phase limit for on-demand functions. */
const INIT_TIMEOUT_MS = 10_000;

const failure = (errorType: string, errorMessage: string): InvocationResult => ({
  functionError: 'Unhandled',
  payload: { errorType, errorMessage, trace: [] },
});

const WORKER_FILE = join(__dirname, 'function-worker.js');

/**
 * The flags a function worker starts with: none, as Lambda starts node plain, unless
 * `ORDERFLOW_WORKER_CPU_PROF=<dir>` asks every worker to write a V8 CPU profile there when it ends (the
 * runtime's own `--cpu-prof` does not reach worker threads, and the functions' time is spent in them).
 */
export const workerExecArgv = (env: NodeJS.ProcessEnv): string[] => {
  const dir = env.ORDERFLOW_WORKER_CPU_PROF;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
};

/**
 * One execution environment: a worker thread that loads the function once (a cold start) and runs
 * one invocation at a time, reused until it times out, crashes or is reclaimed for being idle. As on
 * Lambda, a timed-out invocation takes its environment with it: the next one starts cold.
 */
export class ExecutionEnvironment {
  private readonly worker: Worker;
  private readonly ready: Promise<ErrorPayload | undefined>;
  private pending: { id: string; resolve: (result: InvocationResult) => void } | undefined;
  private alive = true;
  /** How long the cold start took (ms), once it has. */
  initMs: number | undefined;
  lastUsed = Date.now();

  constructor(private readonly settings: EnvironmentSettings) {
    this.worker = new Worker(WORKER_FILE, {
      // Each environment has its own process.env, as each Lambda function has.
      env: { ...settings.env },
      // Not the runtime's own flags (tsx's loader among them).
      execArgv: workerExecArgv(process.env),
      workerData: {
        file: settings.file,
        exportName: settings.exportName,
        handler: settings.handler,
        functionName: settings.functionName,
        logs: settings.logs,
      },
      // Lambda's memory setting bounds the heap; a little headroom for the worker's own needs.
      resourceLimits: { maxOldGenerationSizeMb: Math.max(128, settings.memoryMb) },
    });
    this.ready = new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.kill();
        resolve({ errorType: 'Runtime.InitTimeout', errorMessage: 'Init phase timed out', trace: [] });
      }, INIT_TIMEOUT_MS);
      this.worker.once('message', (message: WorkerMessage) => {
        clearTimeout(timer);
        if (message.kind === 'ready') {
          this.initMs = message.initMs;
          resolve(message.error);
        }
      });
      this.worker.once('exit', () => {
        clearTimeout(timer);
        resolve({
          errorType: 'Runtime.ExitError',
          errorMessage: 'The runtime exited during init',
          trace: [],
        });
      });
    });
    this.worker.on('message', (message: WorkerMessage) => {
      if (message.kind !== 'result' || message.id !== this.pending?.id) return;
      const { resolve } = this.pending;
      this.pending = undefined;
      if (message.error) resolve({ functionError: 'Unhandled', payload: message.error });
      else resolve({ payload: message.payload ? (JSON.parse(message.payload) as unknown) : undefined });
    });
    // An uncaught exception or an exit ends the environment and whatever it was running.
    this.worker.on('error', (error) =>
      this.end('Runtime.ExitError', `The runtime crashed: ${error.message}`),
    );
    this.worker.on('exit', (code) => this.end('Runtime.ExitError', `The runtime exited with code ${code}`));
  }

  get usable(): boolean {
    return this.alive;
  }

  /** Runs one invocation; the environment must be idle. The timeout counts from the handler's start. */
  async invoke(event: unknown, requestId = randomUUID()): Promise<InvocationResult> {
    const initError = await this.ready;
    if (initError) {
      this.kill();
      return { functionError: 'Unhandled', payload: initError };
    }
    if (!this.alive) return failure('Runtime.ExitError', 'The execution environment is gone');
    const { functionName, timeoutMs, memoryMb, region } = this.settings;
    const context = {
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${region}:000000000000:function:${functionName}`,
      memoryLimitInMB: String(memoryMb),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: `offline/${requestId}`,
      remainingMs: timeoutMs,
    };
    const result = new Promise<InvocationResult>((resolve) => (this.pending = { id: requestId, resolve }));
    const timer = setTimeout(() => {
      this.end('Sandbox.Timedout', `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
      this.kill();
    }, timeoutMs);
    this.worker.postMessage({ id: requestId, event, context });
    try {
      return await result;
    } finally {
      clearTimeout(timer);
      this.lastUsed = Date.now();
    }
  }

  /** True once the cold start has finished (for counting cold starts by whoever waited for it). */
  async started(): Promise<boolean> {
    return (await this.ready) === undefined;
  }

  kill(): void {
    this.alive = false;
    void this.worker.terminate();
  }

  private end(errorType: string, message: string): void {
    this.alive = false;
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve(failure(errorType, message));
  }
}
