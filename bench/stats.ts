/** Latency percentiles (ms) of a sample, by nearest rank. */
export function percentiles(samples: readonly number[]): {
  p50: number;
  p95: number;
  p99: number;
  max: number;
} {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return { p50: at(50), p95: at(95), p99: at(99), max: sorted[sorted.length - 1] ?? 0 };
}

export interface Throughput {
  readonly operations: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly latencyMs: ReturnType<typeof percentiles>;
  readonly errors: number;
}

/** Runs `operation` `count` times with `concurrency` in flight, timing each call. */
export async function measure(
  count: number,
  concurrency: number,
  operation: (i: number) => Promise<boolean>,
): Promise<Throughput> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next;
      next += 1;
      const t0 = performance.now();
      const ok = await operation(i).catch(() => false);
      latencies.push(performance.now() - t0);
      if (!ok) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return {
    operations: count,
    seconds,
    perSecond: count / seconds,
    latencyMs: percentiles(latencies),
    errors,
  };
}

export const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;
