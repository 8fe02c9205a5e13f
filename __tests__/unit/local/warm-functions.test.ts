import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FunctionSpec } from '../../../src/local/lambda/function-specs';
import { WarmFunctions } from '../../../src/local/lambda/warm-functions';
import { RequestCounter } from '../../../src/local/metrics/request-counter';

const CODE = join(__dirname, 'fixtures', 'functions');

const spec = (name: string, handler: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec => ({
  name,
  logicalId: `${name}LambdaFunction`,
  artifact: CODE,
  handler: `handlers.${handler}`,
  timeoutMs: 10_000,
  memoryMb: 256,
  environment: { GREETING: `hello from ${name}` },
  ...overrides,
});

interface CountResult {
  invocations: number;
  echo: unknown;
  functionName: string;
  envName: string;
  greeting: string;
  remainingMs: number;
}

describe('WarmFunctions: functions kept warm in worker threads, as Lambda keeps them', () => {
  let functions: WarmFunctions;
  let counter: RequestCounter;

  const start = (specs: FunctionSpec[], defaultConcurrency = 4) => {
    counter = new RequestCounter();
    functions = new WarmFunctions(specs, {
      region: 'us-east-1',
      codeDir: join(__dirname, 'unused'),
      baseEnv: { AWS_REGION: 'us-east-1' },
      defaultConcurrency,
      idleMs: 60_000,
      counter,
      logs: 'none',
    });
  };
  afterEach(() => functions.close());

  it('initialises an environment once and reuses it for the next invocations', async () => {
    start([spec('counter', 'count')]);
    const first = (await functions.invoke('counter', { n: 1 })).payload as CountResult;
    const second = (await functions.invoke('counter', { n: 2 })).payload as CountResult;
    expect(first).toMatchObject({ invocations: 1, echo: { n: 1 }, functionName: 'counter' });
    expect(second).toMatchObject({ invocations: 2, echo: { n: 2 } });
    expect(counter.snapshot().lambda.counter).toMatchObject({ invocations: 2, coldStarts: 1, errors: 0 });
  });

  it('has each worker write a CPU profile when ORDERFLOW_WORKER_CPU_PROF names a directory, and none otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'worker-cpu-prof-'));
    process.env.ORDERFLOW_WORKER_CPU_PROF = dir;
    try {
      start([spec('profiled', 'count')]);
      await functions.invoke('profiled', {});
    } finally {
      delete process.env.ORDERFLOW_WORKER_CPU_PROF;
    }
    await functions.close();
    start([spec('plain', 'count')]);
    await functions.invoke('plain', {});
    await functions.close();
    const deadline = Date.now() + 60_000;
    while (!readdirSync(dir).some((file) => file.endsWith('.cpuprofile')) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(readdirSync(dir).filter((file) => file.endsWith('.cpuprofile'))).toHaveLength(1);
  });

  it('gives each function its own environment variables and Lambda context', async () => {
    start([spec('alpha', 'count'), spec('beta', 'count', { timeoutMs: 7_000 })]);
    const alpha = (await functions.invoke('alpha', {})).payload as CountResult;
    const beta = (await functions.invoke('arn:aws:lambda:us-east-1:000000000000:function:beta', {}))
      .payload as CountResult;
    expect(alpha).toMatchObject({ greeting: 'hello from alpha', envName: 'alpha' });
    expect(beta).toMatchObject({ greeting: 'hello from beta', envName: 'beta', functionName: 'beta' });
    expect(beta.remainingMs).toBeLessThanOrEqual(7_000);
    expect(beta.remainingMs).toBeGreaterThan(0);
  });

  it('runs no more environments than the reserved concurrency: the rest wait their turn', async () => {
    start([spec('single', 'count', { reservedConcurrency: 1 })], 8);
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => functions.invoke('single', { n })));
    const counts = results.map((result) => (result.payload as CountResult).invocations).sort();
    // One environment served all five, one at a time.
    expect(counts).toEqual([1, 2, 3, 4, 5]);
    expect(counter.snapshot().lambda.single).toMatchObject({ invocations: 5, coldStarts: 1 });
  });

  it('says when each invocation starts, after any wait for an environment', async () => {
    start([spec('single', 'count', { reservedConcurrency: 1 })]);
    const started: number[] = [];
    const results = await Promise.all(
      [1, 2, 3].map((n) => functions.invoke('single', { n }, { onStart: () => started.push(n) })),
    );
    expect(started).toEqual([1, 2, 3]);
    expect(results.map((result) => (result.payload as CountResult).echo)).toEqual([
      { n: 1 },
      { n: 2 },
      { n: 3 },
    ]);
  });

  it('reports a thrown error with its name as the error type, as Lambda does', async () => {
    start([spec('failing', 'fail')]);
    const result = await functions.invoke('failing', {});
    expect(result.functionError).toBe('Unhandled');
    expect(result.payload).toMatchObject({ errorType: 'OutOfStockError', errorMessage: 'SKU-1 has 0 left' });
    expect(counter.snapshot().lambda.failing).toMatchObject({ invocations: 1, errors: 1 });
  });

  it('times an invocation out as Sandbox.Timedout and starts the next one cold', async () => {
    start([spec('hanging', 'hang', { timeoutMs: 300 }), spec('counter', 'count')]);
    const result = await functions.invoke('hanging', {});
    expect(result.functionError).toBe('Unhandled');
    expect(result.payload).toMatchObject({ errorType: 'Sandbox.Timedout' });
    const again = await functions.invoke('hanging', {});
    expect(again.payload).toMatchObject({ errorType: 'Sandbox.Timedout' });
    expect(counter.snapshot().lambda.hanging).toMatchObject({ invocations: 2, coldStarts: 2, errors: 2 });
  });

  it('survives a function whose runtime exits: the next invocation gets a new environment', async () => {
    start([spec('exiting', 'exit'), spec('counter', 'count')]);
    const result = await functions.invoke('exiting', {});
    expect(result.payload).toMatchObject({ errorType: 'Runtime.ExitError' });
    const next = await functions.invoke('exiting', {});
    expect(next.payload).toMatchObject({ errorType: 'Runtime.ExitError' });
    expect(counter.snapshot().lambda.exiting).toMatchObject({ coldStarts: 2 });
  });

  it('supports callback-style handlers', async () => {
    start([spec('classic', 'callback')]);
    expect((await functions.invoke('classic', { value: 42 })).payload).toEqual({ viaCallback: 42 });
  });

  it('refuses a function the template does not declare', async () => {
    start([spec('counter', 'count')]);
    await expect(functions.invoke('nobody', {})).rejects.toThrow(/Function not found: nobody/);
  });

  it('reports a handler the module does not export as Runtime.HandlerNotFound', async () => {
    start([spec('missing', 'nothingHere')]);
    const result = await functions.invoke('missing', {});
    expect(result.payload).toMatchObject({ errorType: 'Runtime.HandlerNotFound' });
  });
});
