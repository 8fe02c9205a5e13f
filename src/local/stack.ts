import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AwsEndpoint } from './aws/endpoint';
import { DynamoDbService } from './aws/dynamodb';
import type { StackConfig } from './config';
import { ServerlessOffline } from './offline';
import { LambdaInvoker } from './lambda/invoker';
import type { FailedBatch } from './streams/stream-poller';
import { LocalStreams } from './streams/streams';
import { createTables } from './tables';
import { compileTemplate, type CfnTemplate } from './template';

export interface RunningStack {
  readonly config: StackConfig;
  readonly httpUrl: string;
  readonly awsUrl: string;
  readonly template: CfnTemplate;
  readonly startupMs: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly log?: (line: string) => void;
}

// Without an on-failure destination in the template, a batch whose retries ran out is reported, not dropped quietly.
const reportFailedBatch = async (batch: FailedBatch): Promise<void> => {
  process.stderr.write(
    `orderflow: ${batch.records.length} stream record(s) for ${batch.mapping.functionName} failed for good: ${batch.error}\n`,
  );
};

/** Brings the whole system up on loopback: the AWS endpoint, its tables, then the API and functions. */
export async function startStack(config: StackConfig, options: StartOptions = {}): Promise<RunningStack> {
  const started = Date.now();
  const endpoint = new AwsEndpoint();
  const cleanups: (() => Promise<void>)[] = [];
  const buildEnv = { ORDERFLOW_BUILD_DIR: join('.orderflow', 'build', `${config.stage}-${config.httpPort}`) };
  try {
    const [template, dynamodb] = await Promise.all([
      compileTemplate(
        config.stage,
        join('.orderflow', 'package', `${config.stage}-${config.httpPort}`),
        buildEnv,
      ),
      DynamoDbService.start({ dataDir: config.dataDir }),
    ]);
    endpoint.register(dynamodb);
    const streams = new LocalStreams(template, config.region);
    streams.attach(dynamodb);
    cleanups.push(() => endpoint.close());
    const awsPort = await endpoint.listen(config.awsPort, config.host);
    const awsUrl = `http://${config.host}:${awsPort}`;

    const client = new DynamoDBClient({
      endpoint: awsUrl,
      region: config.region,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await createTables(client, template);
    client.destroy();

    const offline = await ServerlessOffline.start({
      stage: config.stage,
      httpPort: config.httpPort,
      lambdaPort: config.lambdaPort,
      awsEndpoint: awsUrl,
      region: config.region,
      env: buildEnv,
      log: options.log,
    });
    cleanups.unshift(() => offline.stop());

    const invoker = new LambdaInvoker(`http://${config.host}:${config.lambdaPort}`, config.region);
    streams.startDelivery(invoker, reportFailedBatch, options.log);
    cleanups.unshift(async () => {
      await streams.stop();
      invoker.close();
    });

    return {
      config: { ...config, awsPort },
      httpUrl: `http://${config.host}:${config.httpPort}`,
      awsUrl,
      template,
      startupMs: Date.now() - started,
      stop: async () => {
        for (const cleanup of cleanups) await cleanup();
      },
    };
  } catch (error) {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    throw error;
  }
}
