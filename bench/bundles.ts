import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  /** Median of five fresh `node` processes requiring the bundle; undefined when it throws. */
  readonly requireMs?: number;
  readonly requireError?: string;
}

// Runs in a fresh node per sample: the time of the require alone, not node's own start.
const REQUIRE_PROBE =
  "const {performance}=require('node:perf_hooks');const t=performance.now();require(process.argv[1]);" +
  'process.stdout.write(String(performance.now()-t));process.exit(0);';

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function requireMs(file: string, env: NodeJS.ProcessEnv): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const { stdout } = await run(process.execPath, ['-e', REQUIRE_PROBE, file], { env, timeout: 30_000 });
    samples.push(Number(stdout));
  }
  return median(samples);
}

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
 * fresh Node.js takes to require it, the part of a cold start the bundle decides.
 */
export async function benchBundles(): Promise<BundleFigures[]> {
  const packageDir = join('.orderflow', 'package', `bench-${process.pid}`);
  const buildDir = join('.orderflow', 'build', `bench-${process.pid}`);
  const extracted = mkdtempSync(join(tmpdir(), 'orderflow-bundles-'));
  try {
    const template = await compileTemplate('ci', packageDir, { ORDERFLOW_BUILD_DIR: buildDir });
    const measured = new Map<string, { requireMs?: number; requireError?: string }>();
    const figures: BundleFigures[] = [];
    for (const [, resource] of resourcesOfType(template, 'AWS::Lambda::Function')) {
      const properties = resource.Properties ?? {};
      const zipName = basename(String((properties.Code as { S3Key?: string } | undefined)?.S3Key ?? ''));
      const handler = String(properties.Handler ?? '');
      const handlerFile = `${handler.slice(0, handler.lastIndexOf('.'))}.js`;
      const content = readZip(readFileSync(join(PROJECT_ROOT, packageDir, zipName))).get(handlerFile);
      if (!content) throw new BenchError(`${zipName} has no ${handlerFile}`);
      const digest = createHash('sha256').update(content).digest('hex');
      let timing = measured.get(digest);
      if (!timing) {
        const file = join(extracted, digest.slice(0, 12), handlerFile);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, content);
        // The AWS SDK is left to the runtime (serverless.yml, esbuild `exclude`); Lambda finds it via NODE_PATH,
        // and so does this probe, from the project's own copy.
        const env = {
          ...process.env,
          NODE_PATH: join(PROJECT_ROOT, 'node_modules'),
          AWS_REGION: 'us-east-1',
          ...stringVariables(properties),
        };
        timing = await requireMs(file, env).then(
          (ms) => ({ requireMs: round(ms) }),
          (error: unknown) => ({
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
