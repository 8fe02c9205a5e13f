import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compileTemplate, loadTemplate, PROJECT_ROOT, type CfnTemplate } from './template';

/** Everything `sls package` reads: the service, its plugins, the code it bundles and the lock file. */
const INPUTS = [
  'serverless.yml',
  'package-lock.json',
  'tsconfig.json',
  'functions',
  'resources',
  'statemachines',
  'plugins',
  'src',
];
const STAMP = '.orderflow-inputs';

/** The files of an input (itself, or every file below a folder), in a stable order. */
function filesOf(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** A digest of the inputs and of the settings that change what is compiled. */
export function packageInputsDigest(stage: string, env: NodeJS.ProcessEnv, root = PROJECT_ROOT): string {
  const hash = createHash('sha256').update(JSON.stringify({ stage, env }));
  for (const input of INPUTS) {
    for (const file of filesOf(join(root, input))) {
      hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex');
}

/** The zips the template's functions deploy from that are not in the package folder. */
export function missingArtifacts(template: CfnTemplate, packageDir: string): string[] {
  return Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::Lambda::Function')
    .map((resource) => (resource.Properties?.Code as { S3Key?: unknown } | undefined)?.S3Key)
    .filter((key): key is string => typeof key === 'string')
    .map((key) => key.split('/').pop() ?? key)
    .filter((zip) => !existsSync(join(packageDir, zip)));
}

/**
 * `sls package` (the template and the bundles that deploy), skipped when the last package in `outDir`
 * was made from the same inputs: a restart of `npm start` with nothing changed does not rebuild.
 */
export async function compileTemplateOnce(
  stage: string,
  outDir: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ template: CfnTemplate; reused: boolean }> {
  const digest = packageInputsDigest(stage, env);
  const stamp = join(PROJECT_ROOT, outDir, STAMP);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) {
    const template = await loadTemplate(join(PROJECT_ROOT, outDir));
    // A stamp outlives its artifacts when something else cleans the folder: reuse only a whole package.
    if (missingArtifacts(template, join(PROJECT_ROOT, outDir)).length === 0)
      return { template, reused: true };
  }
  const template = await compileTemplate(stage, outDir, env);
  writeFileSync(stamp, digest);
  return { template, reused: false };
}
