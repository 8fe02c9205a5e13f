import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/local/template';

export interface StartedCli {
  readonly child: ChildProcess;
  readonly stdoutLines: string[];
  readonly stderr: string[];
  readonly readyLine: string;
  readonly exit: Promise<number | null>;
}

/**
 * Runs what `npm start` runs, as a separate process, and waits for its ready line. The limit is generous: a
 * loaded machine (or a first start that packages the functions) takes its time. A start that is given up on
 * is killed, so its ports do not outlive the test.
 */
export async function startCli(
  env: NodeJS.ProcessEnv,
  args: string[] = [],
  timeoutMs = 150_000,
): Promise<StartedCli> {
  const child = spawn(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), ['src/local/main.ts', ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdoutLines: string[] = [];
  const stderr: string[] = [];
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const readyLine = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new RangeError(`no ready line in ${timeoutMs} ms: ${stderr.join('')}`));
    }, timeoutMs);
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        stdoutLines.push(line);
        if (line.startsWith('orderflow ready:')) {
          clearTimeout(timer);
          resolve(line);
        }
      }
    });
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new RangeError(`exited with ${String(code)} before ready: ${stderr.join('')}`));
    });
  });
  return { child, stdoutLines, stderr, readyLine, exit };
}
