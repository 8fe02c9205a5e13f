import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { api, eventually } from './api';
import { awsCliEnv, localClientConfig, stackUrls } from './stack';

const run = promisify(execFile);

export const sqsClient = () => new SQSClient(localClientConfig());

/** Visible + in-flight + delayed messages of a local queue. */
export async function queueDepth(queue: string): Promise<{ visible: number; inFlight: number }> {
  const client = sqsClient();
  try {
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: `orderflow-local-${queue}` }));
    const { Attributes = {} } = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  } finally {
    client.destroy();
  }
}

export const queueDrained = (queue: string, timeoutMs = 20_000) =>
  eventually(
    () => queueDepth(queue),
    (depth) => depth.visible === 0 && depth.inFlight === 0,
    timeoutMs,
  );

/** An order event envelope as the outbox would publish it. */
export const outcomeEnvelope = (
  orderId: string,
  type: 'OrderConfirmed' | 'OrderCancelled',
  eventId: string,
  reason?: string,
) => ({
  metadata: {
    eventId,
    type,
    version: 2,
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    correlationId: orderId,
    causationId: 'e2e',
    orderId,
  },
  data: type === 'OrderCancelled' ? { orderId, reason } : { orderId, confirmedAt: new Date().toISOString() },
});

/** `aws events put-events` onto the local bus, through the AWS CLI. */
export async function cliPutEvent(
  detailType: string,
  detail: unknown,
): Promise<{ FailedEntryCount: number }> {
  const entries = [
    {
      EventBusName: 'orderflow-local',
      Source: 'orderflow.orders',
      DetailType: detailType,
      Detail: JSON.stringify(detail),
    },
  ];
  const { stdout } = await run(
    'aws',
    [
      '--endpoint-url',
      stackUrls().aws,
      'events',
      'put-events',
      '--entries',
      JSON.stringify(entries),
      '--output',
      'json',
    ],
    { env: awsCliEnv() },
  );
  return JSON.parse(stdout) as { FailedEntryCount: number };
}

export interface NotificationRow {
  notificationId: string;
  channel: string;
  eventId: string;
  text: string;
}

export const notificationsOf = async (orderId: string) =>
  (await api<{ notifications: NotificationRow[] }>('GET', `/orders/${orderId}/notifications`)).body
    .notifications;
