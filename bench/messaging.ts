import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  DeleteRuleCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { measure, percentiles, round } from './stats';

export interface MessagingBenchOptions {
  readonly awsUrl: string;
  readonly operations: number;
  readonly concurrency: number;
}

const config = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

/**
 * PutEvents → rule → SQS → consumer, beside the raw SendMessage rate of the same endpoint. The
 * consumer is this process (ReceiveMessage long polls), so the figure is the fabric's, not a Lambda's.
 */
export async function benchMessaging(options: MessagingBenchOptions) {
  const sqs = new SQSClient(config(options.awsUrl));
  const events = new EventBridgeClient(config(options.awsUrl));
  const suffix = Date.now().toString(36);
  const raw = await sqs.send(new CreateQueueCommand({ QueueName: `bench-raw-${suffix}` }));
  const routed = await sqs.send(new CreateQueueCommand({ QueueName: `bench-routed-${suffix}` }));
  const routedArn = `arn:aws:sqs:us-east-1:000000000000:bench-routed-${suffix}`;
  const rule = `bench-${suffix}`;
  await events.send(
    new PutRuleCommand({
      Name: rule,
      EventBusName: 'orderflow-local',
      EventPattern: JSON.stringify({ source: ['bench.messaging'] }),
    }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: rule,
      EventBusName: 'orderflow-local',
      Targets: [{ Id: 'q', Arn: routedArn }],
    }),
  );
  const { operations: n, concurrency: c } = options;

  try {
    const sendMessage = await measure(n, c, async (i) => {
      await sqs.send(new SendMessageCommand({ QueueUrl: raw.QueueUrl, MessageBody: JSON.stringify({ i }) }));
      return true;
    });

    const started = performance.now();
    const putEvents = await measure(n, c, async (i) => {
      const result = await events.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: 'orderflow-local',
              Source: 'bench.messaging',
              DetailType: 'Probe',
              Detail: JSON.stringify({ i, sentAt: Date.now() }),
            },
          ],
        }),
      );
      return result.FailedEntryCount === 0;
    });

    const latencies: number[] = [];
    const deadline = Date.now() + 60_000;
    while (latencies.length < n && Date.now() < deadline) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: routed.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      const now = Date.now();
      for (const message of Messages) {
        const event = JSON.parse(message.Body ?? '{}') as { detail: { sentAt: number } };
        latencies.push(now - event.detail.sentAt);
      }
      if (Messages.length > 0) {
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: routed.QueueUrl,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
      }
    }
    const endToEndSeconds = (performance.now() - started) / 1000;
    const delivered = latencies.length;
    return {
      floor: {
        sendMessagePerSecond: round(sendMessage.perSecond),
        p50Ms: round(sendMessage.latencyMs.p50),
        p99Ms: round(sendMessage.latencyMs.p99),
      },
      putEvents: {
        perSecond: round(putEvents.perSecond),
        p50Ms: round(putEvents.latencyMs.p50),
        p99Ms: round(putEvents.latencyMs.p99),
        errors: putEvents.errors,
      },
      putEventsToConsumer: {
        delivered,
        lost: n - delivered,
        perSecond: round(delivered / endToEndSeconds),
        latencyMs: percentiles(latencies),
      },
      putEventsToSendMessageRatio: round(putEvents.perSecond / sendMessage.perSecond, 3),
    };
  } finally {
    await events.send(new RemoveTargetsCommand({ Rule: rule, EventBusName: 'orderflow-local', Ids: ['q'] }));
    await events.send(new DeleteRuleCommand({ Name: rule, EventBusName: 'orderflow-local' }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: raw.QueueUrl }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: routed.QueueUrl }));
    sqs.destroy();
    events.destroy();
  }
}
