import { CreateQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { resolveIntrinsic, type IntrinsicContext } from '../intrinsics';
import { resourcesOfType, type CfnTemplate } from '../template';

/** Queue attributes CreateQueue takes, from a template's AWS::SQS::Queue properties. */
const ATTRIBUTE_PROPERTIES = [
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'VisibilityTimeout',
  'MessageRetentionPeriod',
  'DelaySeconds',
  'MaximumMessageSize',
  'ReceiveMessageWaitTimeSeconds',
  'SqsManagedSseEnabled',
  'KmsMasterKeyId',
  'RedrivePolicy',
  'RedriveAllowPolicy',
] as const;

/**
 * Creates the template's queues through the SQS API of the local endpoint, dead-letter queues first
 * (a redrive policy may only name a queue that exists).
 */
export async function createQueues(
  client: SQSClient,
  template: CfnTemplate,
  ctx: IntrinsicContext,
): Promise<string[]> {
  const queues = resourcesOfType(template, 'AWS::SQS::Queue').sort(
    ([, a], [, b]) =>
      Number(Boolean(a.Properties?.RedrivePolicy)) - Number(Boolean(b.Properties?.RedrivePolicy)),
  );
  const created: string[] = [];
  for (const [, queue] of queues) {
    const properties = resolveIntrinsic(template, queue.Properties ?? {}, ctx) as Record<string, unknown>;
    const attributes: Record<string, string> = {};
    for (const name of ATTRIBUTE_PROPERTIES) {
      const value = properties[name];
      if (value === undefined) continue;
      attributes[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
    const name = String(properties.QueueName);
    await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    created.push(name);
  }
  return created;
}
