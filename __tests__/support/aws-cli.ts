import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REGION = 'us-east-1';

export class UnexpectedSuccess extends Error {
  override readonly name = 'UnexpectedSuccess';
}

/** Runs the AWS CLI v1 against a local endpoint with dummy credentials; parses its JSON output. */
export async function awsCli(url: string, args: string[]): Promise<unknown> {
  const { stdout } = await run('aws', ['--endpoint-url', url, '--output', 'json', ...args], {
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: REGION,
      AWS_REGION: REGION,
      AWS_PAGER: '',
    },
    timeout: 30_000,
  });
  return stdout.trim() === '' ? undefined : JSON.parse(stdout);
}

/** Runs the AWS CLI and returns its failure (exit code and stderr), failing the test if it succeeded. */
export async function awsCliError(url: string, args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await awsCli(url, args);
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? -1, stderr: failed.stderr ?? '' };
  }
  throw new UnexpectedSuccess(`aws ${args.join(' ')} succeeded`);
}
