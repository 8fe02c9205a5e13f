import { connect } from 'node:net';
import { stackConfigFromEnv } from '../src/local/config';
import { stackConfigOnFreePorts } from '../src/local/free-ports';
import { startStack, type RunningStack } from '../src/local/stack';
import { BenchError } from './errors';

/** The stack the bench drives: the one `npm start` runs, or one of its own. */
export interface BenchStack {
  readonly httpUrl: string;
  readonly awsUrl: string;
  /** The Kafka-protocol broker, `host:port`. */
  readonly kafkaBootstrap: string;
  /** Set when the bench started the stack itself (and stops it). */
  readonly own?: RunningStack;
  readonly description: string;
  /** The stage its tables and queues are named for. */
  readonly stage: string;
}

const answers = (port: number, host: string): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ port, host, timeout: 500 });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });

/**
 * ORDERFLOW_BENCH_HTTP_URL / ORDERFLOW_BENCH_AWS_URL name a stack explicitly. Otherwise, when the
 * ports `npm start` listens on (src/local/config.ts, moved by the same environment variables) all
 * answer, that stack is used; when they do not, the bench starts its own on free ports.
 */
export async function benchStack(): Promise<BenchStack> {
  const httpUrl = process.env.ORDERFLOW_BENCH_HTTP_URL;
  const awsUrl = process.env.ORDERFLOW_BENCH_AWS_URL;
  const defaults = stackConfigFromEnv(process.env);
  const kafkaBootstrap =
    process.env.ORDERFLOW_BENCH_KAFKA_BOOTSTRAP ?? `${defaults.host}:${defaults.kafkaPort ?? 9092}`;
  if (httpUrl && awsUrl)
    return {
      httpUrl,
      awsUrl,
      kafkaBootstrap,
      stage: defaults.stage,
      description: `the stack named by ORDERFLOW_BENCH_*_URL`,
    };

  const ports = [defaults.httpPort, defaults.awsPort, defaults.paymentsPort];
  const up = await Promise.all(ports.map((port) => answers(port, defaults.host)));
  if (up.every(Boolean)) {
    const urls = {
      httpUrl: `http://${defaults.host}:${defaults.httpPort}`,
      awsUrl: `http://${defaults.host}:${defaults.awsPort}`,
    };
    const health = await fetch(`${urls.httpUrl}/health`).catch(() => undefined);
    if (health?.status !== 200) {
      throw new BenchError(
        `ports ${ports.join(', ')} answer but ${urls.httpUrl}/health does not: is something else on them?`,
      );
    }
    return {
      ...urls,
      kafkaBootstrap,
      stage: defaults.stage,
      description: `the running stack (npm start) at ${urls.httpUrl}, ${urls.awsUrl}`,
    };
  }
  const own = await startStack(await stackConfigOnFreePorts());
  return {
    httpUrl: own.httpUrl,
    awsUrl: own.awsUrl,
    kafkaBootstrap: own.kafkaBootstrap,
    own,
    stage: own.config.stage,
    description: `its own stack on free ports (${own.httpUrl}, ${own.awsUrl}); none answered on ${ports.join(', ')}`,
  };
}
