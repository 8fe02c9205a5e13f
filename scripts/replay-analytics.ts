/**
 * Rebuilds the analytics views from a time onward by replaying the stored order events through the
 * order-events topic (docs/analytics.md, "Replay"). For a quiet topic: it refuses to start while the
 * consumer is behind, and says when other records reached the topic during the replay.
 *
 *   npm run analytics:replay -- --from 2026-01-01T12:00:00Z             # the local stack
 *   npm run analytics:replay -- --from 2026-01-01T12:00:00Z --dry-run   # what would be replayed
 *   npm run analytics:replay -- --from <time> --stage dev --brokers <bootstrap>   # a deployed stage
 *
 * Exit codes: 0 replayed and counted; 1 failed, refused, or not clean (records interleaved, the consumer
 * not caught up within --wait); 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as E from 'fp-ts/Either';
import { DynamoAnalyticsStore } from '../src/adapters/dynamodb/analytics-store';
import { CorruptItemError } from '../src/adapters/dynamodb/stored-items';
import { EventStore } from '../src/adapters/dynamodb/event-store';
import { OrderStreamReplayTopic } from '../src/adapters/kafka/order-stream-replay';
import { planReplay, replayViews, type ReplayDeps } from '../src/application/analytics/replay-views';
import { decodeOrderEnvelope, type OrderEventEnvelope } from '../src/domain/orders/order-envelopes';
import { scriptTarget } from './aws-env';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ReplayArgs {
  readonly fromMs: number;
  readonly dryRun: boolean;
  readonly stage: string;
  readonly endpoint?: string;
  readonly brokers: string[];
  readonly waitMs: number;
}

const USAGE =
  'usage: npm run analytics:replay -- --from <ISO 8601 time> [--dry-run] [--stage <stage>] ' +
  '[--endpoint <aws endpoint>] [--brokers <host:port,...>] [--wait <seconds>]';

/** The arguments, or a UsageError naming what is wrong. */
export function parseReplayArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  now = Date.now(),
): ReplayArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        from: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        stage: { type: 'string', default: 'local' },
        endpoint: { type: 'string' },
        brokers: { type: 'string' },
        wait: { type: 'string', default: '300' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.from === undefined) throw new UsageError('--from is required');
  const fromMs = Date.parse(values.from);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(values.from) || Number.isNaN(fromMs)) {
    throw new UsageError(`--from must be an ISO 8601 date-time, got ${values.from}`);
  }
  if (fromMs > now) throw new UsageError(`--from must not be in the future, got ${values.from}`);
  const wait = Number(values.wait);
  if (!/^\d+$/.test(values.wait) || !Number.isSafeInteger(wait)) {
    throw new UsageError(`--wait must be a whole number of seconds, got ${values.wait}`);
  }
  const stage = values.stage;
  if (!/^[a-z][a-z0-9-]*$/.test(stage)) throw new UsageError(`--stage must be a stage name, got ${stage}`);
  const brokerList =
    values.brokers ??
    env.ORDERFLOW_KAFKA_BROKERS ??
    (stage === 'local' ? `127.0.0.1:${env.ORDERFLOW_KAFKA_PORT ?? '9092'}` : undefined);
  const brokers = (brokerList ?? '')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
  if (brokers.length === 0) {
    throw new UsageError('--brokers (or ORDERFLOW_KAFKA_BROKERS) is required for a deployed stage');
  }
  return {
    fromMs,
    dryRun: values['dry-run'],
    stage,
    endpoint: values.endpoint,
    brokers,
    waitMs: wait * 1000,
  };
}

/** Every order stream of the event store, decoded as the live producer decodes them. */
export function orderStreams(
  store: Pick<EventStore, 'orderIds' | 'load'>,
  warn: (line: string) => void,
): ReplayDeps['orderStreams'] {
  return async function* () {
    for await (const orderId of store.orderIds()) {
      const stream: OrderEventEnvelope[] = [];
      let loaded;
      try {
        loaded = await store.load(orderId);
      } catch (error) {
        // A stored item whose metadata does not decode: the live producer published none of it either.
        if (!(error instanceof CorruptItemError)) throw error;
        warn(`order ${orderId}: the stream holds an item that does not decode, skipped: ${error.message}`);
        continue;
      }
      for (const stored of loaded) {
        const decoded = decodeOrderEnvelope(stored);
        // publishOrderStream never produces such an event, so the consumer never counted it either.
        if (E.isLeft(decoded))
          warn(`order ${orderId}: an event is not decodable, skipped: ${decoded.left.message}`);
        else stream.push(decoded.right);
      }
      yield stream;
    }
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Runs a replay (or a dry run); returns the exit code. */
export async function main(
  argv: readonly string[],
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  let args: ReplayArgs;
  try {
    args = parseReplayArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`analytics:replay: ${error.message}`);
    err(USAGE);
    return 2;
  }
  const { stage, clientConfig } = scriptTarget({ stage: args.stage, endpoint: args.endpoint });
  const dynamoDb = new DynamoDBClient(clientConfig);
  const client = DynamoDBDocumentClient.from(dynamoDb, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const streams = orderStreams(new EventStore(client, `orderflow-${stage}-event-store`), err);
  const store = new DynamoAnalyticsStore(client, `orderflow-${stage}-analytics`);
  try {
    if (args.dryRun) {
      const plan = await planReplay(streams, args.fromMs);
      const byType = new Map<string, number>();
      for (const e of plan.events) byType.set(e.metadata.type, (byType.get(e.metadata.type) ?? 0) + 1);
      const first = plan.events[0];
      const last = plan.events[plan.events.length - 1];
      out(
        `dry run: would reset the views from ${iso(plan.fromStart)} and replay ${plan.events.length} events`,
      );
      out(`  orders: ${new Set(plan.events.map((e) => e.metadata.orderId)).size}`);
      if (first && last) out(`  event times: ${first.metadata.occurredAt} .. ${last.metadata.occurredAt}`);
      for (const [type, n] of [...byType].sort()) out(`  ${type}: ${n}`);
      out(`  OrderPlaced summaries to remember (placed before --from): ${plan.placedBefore.length}`);
      return 0;
    }
    const topic = new OrderStreamReplayTopic({
      brokers: args.brokers,
      topic: `orderflow.${stage}.order-events`,
      consumerGroup: `orderflow-${stage}-analytics`,
      auth: stage === 'local' ? 'none' : 'iam',
      region: clientConfig.region,
    });
    try {
      const report = await replayViews({ store, topic, orderStreams: streams }, args);
      out(
        `replayed ${report.replayed} events from ${iso(report.fromStart)}: ` +
          `${report.reset.shares} bucket shares of ${report.reset.partitions} partitions reset, ` +
          `${report.placedRemembered} OrderPlaced summaries remembered`,
      );
      let clean = true;
      if (report.interleaved !== 0) {
        clean = false;
        err(
          `${report.interleaved} other records reached the topic during the replay: replayed events ` +
            'may have been counted as late; replay again when the topic is quiet',
        );
      }
      if (report.behind.size > 0) {
        clean = false;
        err(
          `the consumer has not counted every replayed record yet (${[...report.behind]
            .map(([p, n]) => `${p}: ${n} behind`)
            .join(', ')}); the views fill in as it does`,
        );
      } else out('the consumer has counted every replayed record');
      return clean ? 0 : 1;
    } finally {
      await topic.close();
    }
  } finally {
    // The document client's destroy leaves the client's sockets open; a test calling main would hang.
    dynamoDb.destroy();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `analytics:replay failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
