import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { eventually, sleep, startSqs, uniqueName, type SqsHarness } from './harness';

describe('local SQS: FIFO queues', () => {
  let sqs: SqsHarness;
  beforeAll(async () => {
    sqs = await startSqs();
  });
  afterAll(() => sqs.close());

  const createFifo = async (attributes: Record<string, string> = {}) => {
    const { QueueUrl } = await sqs.client.send(
      new CreateQueueCommand({
        QueueName: `${uniqueName('fifo')}.fifo`,
        Attributes: { FifoQueue: 'true', ...attributes },
      }),
    );
    if (!QueueUrl) throw new RangeError('no queue URL');
    return QueueUrl;
  };
  const receive = async (
    QueueUrl: string,
    max = 10,
    extra: { VisibilityTimeout?: number; WaitTimeSeconds?: number } = {},
  ) =>
    (
      await sqs.client.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: max,
          MessageSystemAttributeNames: ['All'],
          ...extra,
        }),
      )
    ).Messages ?? [];
  const visibleCount = async (QueueUrl: string) =>
    Number(
      (
        await sqs.client.send(
          new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
        )
      ).Attributes?.ApproximateNumberOfMessages,
    );

  it('keeps each group in order and in one consumer’s hands at a time, across 3 concurrent consumers', async () => {
    const QueueUrl = await createFifo({ VisibilityTimeout: '20', ContentBasedDeduplication: 'true' });
    const groups = ['g1', 'g2', 'g3', 'g4'];
    const perGroup = 12;
    // Interleave the groups in send order: g1-0, g2-0, g3-0, g4-0, g1-1, ...
    const outgoing = Array.from({ length: perGroup }, (_, i) =>
      groups.map((group) => ({ group, index: i })),
    ).flat();
    for (let start = 0; start < outgoing.length; start += 10) {
      await sqs.client.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: outgoing.slice(start, start + 10).map(({ group, index }) => ({
            Id: `${group}-${index}`,
            MessageBody: JSON.stringify({ group, index }),
            MessageGroupId: group,
          })),
        }),
      );
    }

    const holder = new Map<string, number>();
    const seen = new Map<string, number[]>(groups.map((group) => [group, []]));
    const sequenceNumbers = new Map<string, bigint[]>(groups.map((group) => [group, []]));
    const violations: string[] = [];
    let consumed = 0;

    const consumer = async (id: number) => {
      while (consumed < outgoing.length) {
        const batch = await receive(QueueUrl, 1 + (id % 3) * 2, { WaitTimeSeconds: 1 });
        for (const message of batch) {
          const group = message.Attributes?.MessageGroupId ?? '';
          const owner = holder.get(group);
          if (owner !== undefined && owner !== id)
            violations.push(`${group} delivered to ${id} while ${owner} held it`);
          holder.set(group, id);
        }
        for (const [position, message] of batch.entries()) {
          const { group, index } = JSON.parse(message.Body ?? '{}') as { group: string; index: number };
          seen.get(group)?.push(index);
          sequenceNumbers.get(group)?.push(BigInt(message.Attributes?.SequenceNumber ?? '0'));
          await sleep(Math.floor(Math.random() * 5));
          const lastOfGroup = !batch.slice(position + 1).some((m) => m.Attributes?.MessageGroupId === group);
          // Give the group up before the delete that unblocks it on the server.
          if (lastOfGroup) holder.delete(group);
          await sqs.client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
          consumed += 1;
        }
      }
    };
    await Promise.all([consumer(0), consumer(1), consumer(2)]);

    expect(violations).toEqual([]);
    for (const group of groups) {
      expect(seen.get(group)).toEqual(Array.from({ length: perGroup }, (_, i) => i));
      const numbers = sequenceNumbers.get(group) ?? [];
      expect(numbers.every((n, i) => i === 0 || n > (numbers[i - 1] ?? 0n))).toBe(true);
    }
  });

  it('delivers nothing more from a group while one of its messages is in flight', async () => {
    const QueueUrl = await createFifo({ VisibilityTimeout: '1' });
    for (const [body, group] of [
      ['a1', 'a'],
      ['a2', 'a'],
      ['b1', 'b'],
    ] as const) {
      await sqs.client.send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: body,
          MessageGroupId: group,
          MessageDeduplicationId: body,
        }),
      );
    }
    // 5 s in flight: long enough to stay hidden across the next two receives on a busy machine
    const [a1] = await receive(QueueUrl, 1, { VisibilityTimeout: 5 });
    expect(a1?.Body).toBe('a1');
    expect((await receive(QueueUrl, 10, { VisibilityTimeout: 30 })).map((m) => m.Body)).toEqual(['b1']);
    expect(await receive(QueueUrl)).toEqual([]);

    // When a1's visibility timeout runs out, a1 (not a2) comes back first.
    const again = await eventually(async () => {
      const batch = await receive(QueueUrl, 1, { VisibilityTimeout: 30 });
      return batch.length > 0 ? batch : undefined;
    }, 30_000);
    expect(again.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([['a1', '2']]);
    expect(await receive(QueueUrl)).toEqual([]);

    // Making it visible again unblocks the group; deleting it lets a2 through.
    await sqs.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl,
        ReceiptHandle: again[0]?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const third = await receive(QueueUrl, 1, { VisibilityTimeout: 30 });
    expect(third.map((m) => m.Body)).toEqual(['a1']);
    await sqs.client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: third[0]?.ReceiptHandle }));
    expect((await receive(QueueUrl, 10, { VisibilityTimeout: 30 })).map((m) => m.Body)).toEqual(['a2']);
  });

  it('keeps a group blocked while any of its messages is in flight, even when an earlier one is visible again', async () => {
    const QueueUrl = await createFifo({ VisibilityTimeout: '30', ContentBasedDeduplication: 'true' });
    await sqs.client.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: ['m1', 'm2'].map((body) => ({ Id: body, MessageBody: body, MessageGroupId: 'g' })),
      }),
    );
    const batch = await receive(QueueUrl);
    expect(batch.map((m) => m.Body)).toEqual(['m1', 'm2']);
    await sqs.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl,
        ReceiptHandle: batch[0]?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    expect(await receive(QueueUrl)).toEqual([]);
    await sqs.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl,
        ReceiptHandle: batch[1]?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    expect((await receive(QueueUrl)).map((m) => m.Body)).toEqual(['m1', 'm2']);
  });

  it('deduplicates by MessageDeduplicationId for five minutes, even after the message is deleted', async () => {
    const QueueUrl = await createFifo();
    const first = await sqs.client.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: 'first',
        MessageGroupId: 'g',
        MessageDeduplicationId: 'order-1',
      }),
    );
    const duplicate = await sqs.client.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: 'second',
        MessageGroupId: 'g',
        MessageDeduplicationId: 'order-1',
      }),
    );
    expect(duplicate.MessageId).toBe(first.MessageId);
    expect(duplicate.SequenceNumber).toBe(first.SequenceNumber);
    expect(await visibleCount(QueueUrl)).toBe(1);

    const [message] = await receive(QueueUrl);
    expect(message?.Attributes).toMatchObject({ MessageDeduplicationId: 'order-1', MessageGroupId: 'g' });
    await sqs.client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message?.ReceiptHandle }));
    const afterDelete = await sqs.client.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: 'third',
        MessageGroupId: 'g',
        MessageDeduplicationId: 'order-1',
      }),
    );
    expect(afterDelete.MessageId).toBe(first.MessageId);
    expect(await visibleCount(QueueUrl)).toBe(0);
  });

  it('deduplicates by a SHA-256 of the body with ContentBasedDeduplication', async () => {
    const QueueUrl = await createFifo({ ContentBasedDeduplication: 'true' });
    const send = (body: string, dedupId?: string) =>
      sqs.client.send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: body,
          MessageGroupId: 'g',
          MessageDeduplicationId: dedupId,
        }),
      );
    const first = await send('same body');
    expect((await send('same body')).MessageId).toBe(first.MessageId);
    expect((await send('other body')).MessageId).not.toBe(first.MessageId);
    // An explicit id overrides the generated one.
    expect((await send('same body', 'explicit')).MessageId).not.toBe(first.MessageId);
    const batch = await sqs.client.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'dup', MessageBody: 'same body', MessageGroupId: 'g' },
          { Id: 'new', MessageBody: 'batch body', MessageGroupId: 'g' },
        ],
      }),
    );
    expect(batch.Successful?.find((entry) => entry.Id === 'dup')?.MessageId).toBe(first.MessageId);
    expect(await visibleCount(QueueUrl)).toBe(4);
    const [head] = await receive(QueueUrl, 1);
    expect(head?.Attributes?.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('requires MessageGroupId and a deduplication id, and refuses per-message delays', async () => {
    const QueueUrl = await createFifo();
    const name = (input: Partial<ConstructorParameters<typeof SendMessageCommand>[0]>) =>
      sqs.client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x', ...input })).then(
        () => 'ok',
        (error: Error) => error.name,
      );
    expect(await name({ MessageDeduplicationId: 'd' })).toBe('MissingParameter');
    expect(await name({ MessageGroupId: 'g' })).toBe('InvalidParameterValue');
    expect(await name({ MessageGroupId: 'g', MessageDeduplicationId: 'd', DelaySeconds: 5 })).toBe(
      'InvalidParameterValue',
    );
    expect(await name({ MessageGroupId: 'g', MessageDeduplicationId: 'd' })).toBe('ok');
  });

  it('rejects a receipt handle whose visibility timeout has passed', async () => {
    const QueueUrl = await createFifo({ VisibilityTimeout: '1' });
    await sqs.client.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: 'late',
        MessageGroupId: 'g',
        MessageDeduplicationId: 'late',
      }),
    );
    const [message] = await receive(QueueUrl);
    await sleep(1_100);
    await expect(
      sqs.client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message?.ReceiptHandle })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringContaining('expired') });
  });

  it('replays a receive retried with the same ReceiveRequestAttemptId', async () => {
    const QueueUrl = await createFifo({ VisibilityTimeout: '30' });
    await sqs.client.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: ['x', 'y'].map((body) => ({
          Id: body,
          MessageBody: body,
          MessageGroupId: body,
          MessageDeduplicationId: body,
        })),
      }),
    );
    const attempt = (): Promise<Message[]> =>
      sqs.client
        .send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, ReceiveRequestAttemptId: 'try-1' }),
        )
        .then((result) => result.Messages ?? []);
    const first = await attempt();
    const retry = await attempt();
    expect(first.map((m) => m.Body)).toEqual(['x', 'y']);
    expect(retry.map((m) => m.ReceiptHandle)).toEqual(first.map((m) => m.ReceiptHandle));
  });
});
