import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stackConfigFromEnv } from './config';
import { startStack } from './stack';

// The SDK's Node 20 end-of-support notice is noise for a local runtime pinned to Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The functions' JSON logs and EMF metrics go to standard error (ORDERFLOW_FUNCTION_LOGS=off hides them).
process.env.ORDERFLOW_FUNCTION_LOGS ??= 'stderr';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      verbose: { type: 'boolean', short: 'v', default: false },
    },
  });
  const dataDir = values.data ? resolve(values.data) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });

  const config = stackConfigFromEnv(process.env, dataDir);
  const stack = await startStack(config, {
    log: values.verbose ? (line) => process.stderr.write(`[offline] ${line}\n`) : undefined,
  });
  process.stdout.write(
    `orderflow ready: http=${stack.httpUrl} aws=${stack.awsUrl} console=${stack.consoleUrl}\n`,
  );
  // Standard output keeps the one ready line that scripts wait for; the broker's address goes beside the timing.
  process.stderr.write(`kafka bootstrap: ${stack.kafkaBootstrap}\n`);
  process.stderr.write(`(started in ${stack.startupMs} ms)\n`);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`orderflow: ${signal}, stopping\n`);
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`orderflow: stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `orderflow: could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
