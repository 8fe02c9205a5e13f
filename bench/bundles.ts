import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { compileTemplate, PROJECT_ROOT, resourcesOfType } from '../src/local/template';
import { BenchError } from './errors';
import { round } from './stats';
import { readZip } from '../src/local/lambda/zip';

const run = promisify(execFile);

export const BUNDLE_GOALS = { gzipKiB: 120, requireMs: 60 } as const;

export interface BundleFigures {
  readonly function: string;
  readonly handlerFile: string;
  readonly bytes: number;
  readonly gzipKiB: number;
  /**
   * Median of five fresh `node` processes requiring the bundle with tracing off, as offline and under
   * `sls invoke local` (no AWS_EXECUTION_ENV); the figure the goal applies to. Undefined when it throws.
   */
  readonly requireMs?: number;
  /** CPU time of the same require (median): what the bundle costs, less the machine's load. */
  readonly requireCpuMs?: number;
  /** The same with tracing on, as on Lambda (AWS_EXECUTION_ENV set): the X-Ray SDK is then loaded too. */
  readonly requireTracedMs?: number;
  /** The AWS SDK packages the bundle requires (from the runtime, not bundled). */
  readonly sdkPackages: readonly string[];
  /** What requiring those SDK packages alone takes (median of five fresh processes, taken in turn with the rest). */
  readonly sdkRequireMs?: number;
  readonly requireError?: string;
}

const SAMPLES = 5;

type Timing = Pick<
  BundleFigures,
  'requireMs' | 'requireCpuMs' | 'requireTracedMs' | 'sdkRequireMs' | 'requireError'
>;

// Runs in a fresh node per sample: the time of the require alone, not node's own start; wall clock, and
// the CPU time of the process meanwhile (which a busy machine inflates far less than the wall clock).
const REQUIRE_PROBE =
  "const {performance}=require('node:perf_hooks');const t=performance.now();const c=process.cpuUsage();" +
  'require(process.argv[1]);const u=process.cpuUsage(c);' +
  "process.stdout.write((performance.now()-t)+' '+(u.user+u.system)/1000);process.exit(0);";

const median = (values: number[]): number =>
  round([...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? 0);

interface Sample {
  readonly wall: number;
  readonly cpu: number;
}

async function requireOnce(file: string, env: NodeJS.ProcessEnv): Promise<Sample> {
  const { stdout } = await run(process.execPath, ['-e', REQUIRE_PROBE, file], { env, timeout: 30_000 });
  const [wall = NaN, cpu = NaN] = stdout.split(' ').map(Number);
  return { wall, cpu };
}

/**
 * SAMPLES fresh processes per variant (file and environment), the variants taken in turn: on a shared
 * machine whose load drifts, each variant then sees the same load. Medians of wall clock and CPU, in ms.
 */
async function requireMedians(
  variants: readonly { file: string; env: NodeJS.ProcessEnv }[],
): Promise<{ wall: number; cpu: number }[]> {
  const samples = variants.map((): Sample[] => []);
  for (let i = 0; i < SAMPLES; i += 1) {
    for (const [v, { file, env }] of variants.entries()) samples[v]?.push(await requireOnce(file, env));
  }
  return samples.map((taken) => ({
    wall: median(taken.map((s) => s.wall)),
    cpu: median(taken.map((s) => s.cpu)),
  }));
}

// How a bundle requires an (external) AWS SDK package.
const SDK_REQUIRE = /require\("(@aws-sdk\/[^"]+)"\)/g;

// What the Lambda runtime names itself in AWS_EXECUTION_ENV; where it is set, Powertools traces.
const LAMBDA_RUNTIME = 'AWS_Lambda_nodejs20.x';

/** The bench's own environment without what would switch tracing on or off (src/adapters/tracing.ts). */
const withoutTracingSwitches = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(env).filter(
      ([name]) => !['AWS_EXECUTION_ENV', 'POWERTOOLS_TRACE_ENABLED', 'AWS_SAM_LOCAL'].includes(name),
    ),
  );

const stringVariables = (properties: Record<string, unknown>): Record<string, string> => {
  const variables = (properties.Environment as { Variables?: Record<string, unknown> } | undefined)
    ?.Variables;
  return Object.fromEntries(
    Object.entries(variables ?? {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
};

/**
 * Packages the `ci` stage exactly as a deployment would (`sls package`, serverless-esbuild, one zip
 * per function), then for every function: the handler file's size, its gzip size, and the time a
 * fresh Node.js takes to require it (median of five processes, tracing off and on), the part of a cold
 * start the bundle decides. Bundles with the same content are measured once.
 */
export async function benchBundles(): Promise<BundleFigures[]> {
  const packageDir = join('.orderflow', 'package', `bench-${process.pid}`);
  const buildDir = join('.orderflow', 'build', `bench-${process.pid}`);
  const extracted = mkdtempSync(join(tmpdir(), 'orderflow-bundles-'));
  try {
    const template = await compileTemplate('ci', packageDir, { ORDERFLOW_BUILD_DIR: buildDir });
    const measured = new Map<string, Timing>();
    const figures: BundleFigures[] = [];
    for (const [, resource] of resourcesOfType(template, 'AWS::Lambda::Function')) {
      const properties = resource.Properties ?? {};
      const zipName = basename(String((properties.Code as { S3Key?: string } | undefined)?.S3Key ?? ''));
      const handler = String(properties.Handler ?? '');
      const handlerFile = `${handler.slice(0, handler.lastIndexOf('.'))}.js`;
      const content = readZip(readFileSync(join(PROJECT_ROOT, packageDir, zipName))).get(handlerFile);
      if (!content) throw new BenchError(`${zipName} has no ${handlerFile}`);
      const digest = createHash('sha256').update(content).digest('hex');
      const sdkPackages = [
        ...new Set([...content.toString().matchAll(SDK_REQUIRE)].map((m) => m[1] ?? '')),
      ].sort();
      let timing = measured.get(digest);
      if (!timing) {
        const dir = join(extracted, digest.slice(0, 12));
        const file = join(dir, handlerFile);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content);
        // The same SDK packages, required alone: the part of the require the bundle does not decide.
        const sdkFile = join(dir, 'sdk-alone.js');
        writeFileSync(sdkFile, sdkPackages.map((name) => `require(${JSON.stringify(name)});`).join('\n'));
        // The AWS SDK is left to the runtime (serverless.yml, esbuild `exclude`); Lambda finds it via NODE_PATH,
        // and so does this probe, from the project's own copy.
        const env = {
          ...withoutTracingSwitches(process.env),
          NODE_PATH: join(PROJECT_ROOT, 'node_modules'),
          AWS_REGION: 'us-east-1',
          ...stringVariables(properties),
        };
        timing = await requireMedians([
          { file, env },
          { file, env: { ...env, AWS_EXECUTION_ENV: LAMBDA_RUNTIME } },
          { file: sdkFile, env },
        ]).then(
          ([off, traced, sdk]): Timing => ({
            requireMs: off?.wall,
            requireCpuMs: off?.cpu,
            requireTracedMs: traced?.wall,
            sdkRequireMs: sdk?.wall,
          }),
          (error: unknown): Timing => ({
            requireError: error instanceof Error ? error.message.split('\n')[0] : String(error),
          }),
        );
        measured.set(digest, timing);
      }
      figures.push({
        function: zipName.replace(/\.zip$/, ''),
        handlerFile,
        bytes: content.length,
        gzipKiB: round(gzipSync(content, { level: 9 }).length / 1024),
        sdkPackages,
        ...timing,
      });
    }
    return figures.sort((a, b) => a.function.localeCompare(b.function));
  } finally {
    rmSync(extracted, { recursive: true, force: true });
    rmSync(join(PROJECT_ROOT, packageDir), { recursive: true, force: true });
    rmSync(join(PROJECT_ROOT, buildDir), { recursive: true, force: true });
  }
}

const mark = (ok: boolean): string => (ok ? 'ok' : 'OVER GOAL');

/** One bundle as a table row: sizes, require medians and whether it meets BUNDLE_GOALS. */
export const bundleLine = (b: BundleFigures): string =>
  `${b.gzipKiB} KiB gzip (${round(b.bytes / 1024)} KiB), ` +
  (b.requireMs === undefined
    ? `require failed: ${b.requireError}`
    : `require ${b.requireMs} ms (CPU ${b.requireCpuMs} ms), of which AWS SDK ~${b.sdkRequireMs} ms; traced ${b.requireTracedMs} ms`) +
  ` [${mark(b.gzipKiB <= BUNDLE_GOALS.gzipKiB && (b.requireMs ?? Infinity) <= BUNDLE_GOALS.requireMs)}]`;

// `npx tsx bench/bundles.ts`: the bundle figures alone, without the rest of the bench (or a stack).
if (require.main === module) {
  benchBundles().then(
    (bundles) => {
      const width = Math.max(...bundles.map((b) => b.function.length));
      for (const b of bundles) process.stdout.write(`${b.function.padEnd(width)}  ${bundleLine(b)}\n`);
      process.stdout.write(
        `goals: ≤ ${BUNDLE_GOALS.gzipKiB} KiB gzip, ≤ ${BUNDLE_GOALS.requireMs} ms require (tracing off); ` +
          `load average ${loadavg()
            .map((load) => load.toFixed(1))
            .join(' ')} on ${cpus().length} cores\n`,
      );
    },
    (error: unknown) => {
      process.stderr.write(`bench: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
