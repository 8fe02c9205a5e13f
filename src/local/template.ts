import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const PROJECT_ROOT = resolve(__dirname, '..', '..');
export const SLS_BIN = join(PROJECT_ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');

/** The subset of a compiled CloudFormation template the offline runtime reads. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
}
export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Outputs?: Record<string, unknown>;
}

/** Environment for running the framework with no AWS account, no prompts and no telemetry. */
export const frameworkEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
  SLS_DEPRECATION_DISABLE: '*',
  AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'test',
  AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
  ...extra,
});

/**
 * Compiles the service with `sls package` (the very template that deploys) and loads it.
 * `outDir` is relative to the project root.
 */
export async function compileTemplate(
  stage: string,
  outDir = join('.orderflow', 'package', stage),
  env: NodeJS.ProcessEnv = {},
): Promise<CfnTemplate> {
  await run(process.execPath, [SLS_BIN, 'package', '--stage', stage, '--package', outDir], {
    cwd: PROJECT_ROOT,
    env: frameworkEnv(env),
    maxBuffer: 16 * 1024 * 1024,
  });
  return loadTemplate(join(PROJECT_ROOT, outDir));
}

export async function loadTemplate(packageDir: string): Promise<CfnTemplate> {
  const text = await readFile(join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8');
  return JSON.parse(text) as CfnTemplate;
}

export const resourcesOfType = (template: CfnTemplate, type: string): [string, CfnResource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
