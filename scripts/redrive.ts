/**
 * Moves the messages of a dead-letter queue back to the queue they came from (SQS StartMessageMoveTask)
 * and waits until the move has finished.
 *
 *   npm run redrive -- order-outcomes            # the DLQ of orderflow-local-order-outcomes
 *   npm run redrive -- order-outcomes-dlq        # the same, naming the DLQ
 *   npm run redrive -- customer-notifications --stage dev
 */
import { parseArgs } from 'node:util';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { scriptTarget } from './aws-env';

class RedriveError extends Error {
  override readonly name = 'RedriveError';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The Redrives metric, as one EMF line on stdout (namespace `orderflow`, by `service` and by `service`
 * and `queue`). CloudWatch turns it into a metric where stdout is shipped to CloudWatch Logs (a
 * CodeBuild, ECS or Lambda runner); on a laptop it is only printed.
 */
function emitRedriveMetric(deadLetterQueue: string, moved: number): void {
  const metrics = new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'orderflow',
    serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'orderflow',
  });
  metrics.addDimension('queue', deadLetterQueue);
  metrics.addDimensions({});
  metrics.addMetric('Redrives', MetricUnit.Count, 1);
  metrics.addMetric('RedrivenMessages', MetricUnit.Count, moved);
  metrics.publishStoredMetrics();
}

async function attributesOf(client: SQSClient, queueName: string) {
  const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: queueName }));
  const { Attributes = {} } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ['QueueArn', 'RedrivePolicy', 'ApproximateNumberOfMessages'],
    }),
  );
  return Attributes;
}

/** The DLQ's ARN, from its own name or from the redrive policy of the queue it serves. */
async function deadLetterQueueArn(client: SQSClient, name: string): Promise<string> {
  const attributes = await attributesOf(client, name);
  if (/-dlq(\.fifo)?$/.test(name)) return attributes.QueueArn ?? '';
  const policy = attributes.RedrivePolicy;
  if (!policy) throw new RedriveError(`${name} has no redrive policy, so it has no dead-letter queue`);
  return (JSON.parse(policy) as { deadLetterTargetArn: string }).deadLetterTargetArn;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      stage: { type: 'string' },
      endpoint: { type: 'string' },
      'timeout-seconds': { type: 'string', default: '60' },
    },
  });
  const [queue] = positionals;
  if (!queue) throw new RedriveError('usage: npm run redrive -- <queue> [--stage <stage>]');
  const { stage, clientConfig } = scriptTarget(values);
  const client = new SQSClient(clientConfig);
  const name = queue.startsWith(`orderflow-${stage}-`) ? queue : `orderflow-${stage}-${queue}`;
  const sourceArn = await deadLetterQueueArn(client, name);
  const waiting =
    (await attributesOf(client, sourceArn.split(':').pop() ?? '')).ApproximateNumberOfMessages ?? '0';
  const { TaskHandle } = await client.send(new StartMessageMoveTaskCommand({ SourceArn: sourceArn }));
  const deadline = Date.now() + Number(values['timeout-seconds']) * 1000;
  for (;;) {
    const { Results = [] } = await client.send(
      new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 10 }),
    );
    const task = Results.find((result) => result.TaskHandle === TaskHandle) ?? Results[0];
    if (task?.Status === 'COMPLETED') {
      process.stdout.write(
        `redrive: moved ${task.ApproximateNumberOfMessagesMoved ?? 0} of ${waiting} message(s) from ${sourceArn}\n`,
      );
      emitRedriveMetric(sourceArn.split(':').pop() ?? sourceArn, task.ApproximateNumberOfMessagesMoved ?? 0);
      break;
    }
    if (task?.Status === 'FAILED' || task?.Status === 'CANCELLED') {
      throw new RedriveError(
        `the move task ended ${task.Status}: ${task.FailureReason ?? 'no reason given'}`,
      );
    }
    if (Date.now() > deadline)
      throw new RedriveError(`the move task had not finished after ${values['timeout-seconds']} s`);
    await sleep(200);
  }
  client.destroy();
}

main().catch((error: unknown) => {
  process.stderr.write(`redrive failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
