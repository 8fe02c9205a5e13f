/** FIFO semantics on the running stack's SQS, with the real SDK and several consumers at once. */
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { sqsClient } from '../../support/messaging';

describe('SQS FIFO queues on the running stack', () => {
  it('keeps each group in order and never hands out a group twice at once, across 3 consumers', async () => {
    const sqs = sqsClient();
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: `fifo-e2e-${Date.now().toString(36)}.fifo`,
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true', VisibilityTimeout: '30' },
      }),
    );
    const groups = ['a', 'b', 'c'];
    for (let n = 0; n < 5; n += 1) {
      for (const group of groups) {
        await sqs.send(
          new SendMessageCommand({
            QueueUrl,
            MessageGroupId: group,
            MessageBody: JSON.stringify({ group, n }),
          }),
        );
      }
    }
    const seen: Record<string, number[]> = { a: [], b: [], c: [] };
    const inFlight = new Set<string>();
    let overlaps = 0;
    const consumer = async () => {
      for (let idle = 0; idle < 2;) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 2, WaitTimeSeconds: 1 }),
        );
        if (Messages.length === 0) {
          idle += 1;
          continue;
        }
        idle = 0;
        const batchGroups = new Set(
          Messages.map((m: Message) => (JSON.parse(m.Body ?? '{}') as { group: string }).group),
        );
        for (const group of batchGroups) {
          if (inFlight.has(group)) overlaps += 1;
          inFlight.add(group);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
        for (const [index, message] of Messages.entries()) {
          const { group, n } = JSON.parse(message.Body ?? '{}') as { group: string; n: number };
          seen[group]?.push(n);
          // The group may be handed out again once its last in-flight message is deleted: free it just before.
          const lastOfGroup = !Messages.slice(index + 1).some(
            (m) => (JSON.parse(m.Body ?? '{}') as { group: string }).group === group,
          );
          if (lastOfGroup) inFlight.delete(group);
          await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
        }
      }
    };
    await Promise.all([consumer(), consumer(), consumer()]);
    sqs.destroy();
    expect(overlaps).toBe(0);
    for (const group of groups) expect(seen[group]).toEqual([0, 1, 2, 3, 4]);
  }, 240_000);

  it('deduplicates by id and by content within the deduplication interval', async () => {
    const sqs = sqsClient();
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: `dedup-e2e-${Date.now().toString(36)}.fifo`,
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' },
      }),
    );
    const first = await sqs.send(
      new SendMessageCommand({ QueueUrl, MessageGroupId: 'g', MessageBody: 'same body' }),
    );
    const again = await sqs.send(
      new SendMessageCommand({ QueueUrl, MessageGroupId: 'g', MessageBody: 'same body' }),
    );
    expect(again.MessageId).toBe(first.MessageId);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageGroupId: 'g',
        MessageBody: 'x',
        MessageDeduplicationId: 'id-1',
      }),
    );
    await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageGroupId: 'g',
        MessageBody: 'y',
        MessageDeduplicationId: 'id-1',
      }),
    );
    const bodies: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const message of Messages) {
        bodies.push(message.Body ?? '');
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
      }
    }
    sqs.destroy();
    expect(bodies).toEqual(['same body', 'x']);
  });
});
