import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RequestCounter } from '../metrics/request-counter';
import { ExecutionEnvironment, type FunctionLogs } from './execution-environment';
import type { FunctionSpec } from './function-specs';
import { functionNameOf, type FunctionInvoker, type InvocationResult, type InvokeOptions } from './invoker';
import { readZip } from './zip';

export interface WarmFunctionsOptions {
  readonly region: string;
  /** Where the artifacts are unpacked (one folder per function). */
  readonly codeDir: string;
  /** Environment every function gets on top of its own (the endpoint, credentials). */
  readonly baseEnv: Readonly<Record<string, string>>;
  /** Environments one function may run at once when the template reserves no concurrency. */
  readonly defaultConcurrency: number;
  /** An environment idle this long is reclaimed, as Lambda reclaims idle environments. */
  readonly idleMs: number;
  readonly counter?: RequestCounter;
  readonly logs: FunctionLogs;
}

export class UnknownFunctionError extends Error {
  override readonly name = 'ResourceNotFoundException';
}

/** The environments of one function and the invocations waiting for one. */
class FunctionPool {
  private readonly environments = new Set<ExecutionEnvironment>();
  private readonly idle: ExecutionEnvironment[] = [];
  private readonly waiting: ((environment: ExecutionEnvironment) => void)[] = [];
  private readonly file: string;
  private readonly exportName: string;

  constructor(
    private readonly spec: FunctionSpec,
    private readonly concurrency: number,
    private readonly options: WarmFunctionsOptions,
  ) {
    const dot = spec.handler.lastIndexOf('.');
    // A package zip is unpacked into a folder of its own; a folder is used as it is.
    const codeRoot = spec.artifact.endsWith('.zip') ? join(options.codeDir, spec.name) : spec.artifact;
    if (codeRoot !== spec.artifact) unpack(spec.artifact, codeRoot);
    this.file = join(codeRoot, `${spec.handler.slice(0, dot)}.js`);
    this.exportName = spec.handler.slice(dot + 1);
  }

  async invoke(event: unknown, options: InvokeOptions = {}): Promise<InvocationResult> {
    const environment = await this.acquire();
    options.onStart?.();
    const started = performance.now();
    const coldStart = environment.initMs === undefined;
    try {
      const result = await environment.invoke(event);
      this.options.counter?.countInvocation(
        this.spec.name,
        performance.now() - started,
        result.functionError !== undefined,
        coldStart,
      );
      return result;
    } finally {
      this.release(environment);
    }
  }

  reclaimIdle(now: number): void {
    for (let i = this.idle.length - 1; i >= 0; i -= 1) {
      const environment = this.idle[i];
      if (environment && now - environment.lastUsed >= this.options.idleMs) {
        this.idle.splice(i, 1);
        this.environments.delete(environment);
        environment.kill();
      }
    }
  }

  close(): void {
    for (const environment of this.environments) environment.kill();
    this.environments.clear();
    this.idle.length = 0;
  }

  /**
   * An idle environment, else a new one while under the function's concurrency, else the next to
   * be released. Lambda would throttle past its concurrency and the event source would retry; here
   * the invocation waits its turn, so a busy machine delays work instead of failing it.
   */
  private acquire(): Promise<ExecutionEnvironment> {
    for (let environment = this.idle.pop(); environment; environment = this.idle.pop()) {
      if (environment.usable) return Promise.resolve(environment);
      this.environments.delete(environment);
    }
    if (this.environments.size < this.concurrency) {
      const environment = new ExecutionEnvironment({
        functionName: this.spec.name,
        file: this.file,
        exportName: this.exportName,
        handler: this.spec.handler,
        timeoutMs: this.spec.timeoutMs,
        memoryMb: this.spec.memoryMb,
        region: this.options.region,
        env: {
          ...this.spec.environment,
          ...this.options.baseEnv,
          AWS_LAMBDA_FUNCTION_NAME: this.spec.name,
          AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.spec.memoryMb),
          AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${this.spec.name}`,
        },
        logs: this.options.logs,
      });
      this.environments.add(environment);
      return Promise.resolve(environment);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(environment: ExecutionEnvironment): void {
    if (!environment.usable) {
      this.environments.delete(environment);
      // A replacement for the one that died, for whoever waits.
      const next = this.waiting.shift();
      if (next) void this.acquire().then(next);
      return;
    }
    const next = this.waiting.shift();
    if (next) next(environment);
    else this.idle.push(environment);
  }
}

/** Unpacks a function's package (the zip that deploys) into its own folder, afresh. */
function unpack(artifact: string, into: string): void {
  rmSync(into, { recursive: true, force: true });
  for (const [name, content] of readZip(readFileSync(artifact))) {
    const path = join(into, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

/**
 * The functions that event sources, rule targets, subscriptions and state machine tasks invoke, kept
 * warm as Lambda keeps them: each function runs its deployed bundle in execution environments
 * (worker threads) that are initialised once and reused, up to its reserved concurrency (or the
 * default), and reclaimed when idle. No HTTP hop, no fresh worker per call.
 */
export class WarmFunctions implements FunctionInvoker {
  private readonly pools = new Map<string, FunctionPool>();
  private readonly reaper: NodeJS.Timeout;

  constructor(specs: readonly FunctionSpec[], options: WarmFunctionsOptions) {
    for (const spec of specs) {
      const concurrency = Math.max(1, spec.reservedConcurrency ?? options.defaultConcurrency);
      this.pools.set(spec.name, new FunctionPool(spec, concurrency, options));
    }
    this.reaper = setInterval(
      () => {
        const now = Date.now();
        for (const pool of this.pools.values()) pool.reclaimIdle(now);
      },
      Math.min(options.idleMs, 30_000),
    );
    this.reaper.unref();
  }

  has(functionName: string): boolean {
    return this.pools.has(functionNameOf(functionName));
  }

  invoke(functionName: string, event: unknown, options?: InvokeOptions): Promise<InvocationResult> {
    const pool = this.pools.get(functionNameOf(functionName));
    if (!pool) return Promise.reject(new UnknownFunctionError(`Function not found: ${functionName}`));
    return pool.invoke(event, options);
  }

  close(): void {
    clearInterval(this.reaper);
    for (const pool of this.pools.values()) pool.close();
  }
}
