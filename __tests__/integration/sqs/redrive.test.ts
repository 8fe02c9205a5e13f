import {
  CancelMessageMoveTaskCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  ResourceNotFoundException,
  SendMessageBatchCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { eventually, startSqs, uniqueName, type SqsHarness } from './harness';

interface CliMessages {
  readonly Messages?: Message[];
}

describe('local SQS: dead-letter queues and redrive', () => {
  let sqs: SqsHarness;
  beforeAll(async () => {
    sqs = await startSqs();
  });
  afterAll(() => sqs.close());

  const createPair = async (maxReceiveCount: number, fifo = false) => {
    const suffix = fifo ? '.fifo' : '';
    const fifoAttributes: Record<string, string> = fifo ? { FifoQueue: 'true' } : {};
    const dlqName = `${uniqueName('dlq')}${suffix}`;
    const sourceName = `${uniqueName('src')}${suffix}`;
    const dlq = await sqs.client.send(
      new CreateQueueCommand({ QueueName: dlqName, Attributes: fifoAttributes }),
    );
    const source = await sqs.client.send(
      new CreateQueueCommand({
        QueueName: sourceName,
        Attributes: {
          ...fifoAttributes,
          VisibilityTimeout: '1',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: sqs.arn(dlqName), maxReceiveCount }),
        },
      }),
    );
    return {
      sourceUrl: source.QueueUrl ?? '',
      sourceArn: sqs.arn(sourceName),
      dlqUrl: dlq.QueueUrl ?? '',
      dlqArn: sqs.arn(dlqName),
    };
  };
  const receive = async (QueueUrl: string, VisibilityTimeout?: number) =>
    (
      await sqs.client.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      )
    ).Messages ?? [];
  const visible = async (QueueUrl: string) =>
    Number(
      (
        await sqs.client.send(
          new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
        )
      ).Attributes?.ApproximateNumberOfMessages,
    );
  /** Receives until a message comes back (its visibility timeout of 1 s ran out). */
  const receiveAgain = (QueueUrl: string) =>
    eventually(async () => {
      const messages = await receive(QueueUrl);
      return messages.length > 0 ? messages : undefined;
    });

  it('moves a poison message to the DLQ after maxReceiveCount, and StartMessageMoveTask (AWS CLI) returns it', async () => {
    const { sourceUrl, sourceArn, dlqUrl, dlqArn } = await createPair(2);
    const sent = await sqs.client.send(
      new SendMessageCommand({
        QueueUrl: sourceUrl,
        MessageBody: 'poison',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'poison' } },
      }),
    );
    expect((await receive(sourceUrl)).map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual(['1']);
    expect((await receiveAgain(sourceUrl)).map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual(['2']);
    // The third receive would exceed maxReceiveCount: the message goes to the DLQ instead.
    await eventually(async () =>
      (await visible(dlqUrl)) === 1 ? true : (await receive(sourceUrl), undefined),
    );
    expect(await visible(sourceUrl)).toBe(0);

    const inDlq = (await sqs.cli([
      'receive-message',
      '--queue-url',
      dlqUrl,
      '--attribute-names',
      'All',
      '--message-attribute-names',
      'All',
      '--visibility-timeout',
      '0',
    ])) as CliMessages;
    expect(inDlq.Messages).toHaveLength(1);
    expect(inDlq.Messages?.[0]).toMatchObject({
      MessageId: sent.MessageId,
      Body: 'poison',
      MD5OfMessageAttributes: sent.MD5OfMessageAttributes,
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'poison' } },
      Attributes: { DeadLetterQueueSourceArn: sourceArn, ApproximateReceiveCount: '3' },
    });

    const started = (await sqs.cli(['start-message-move-task', '--source-arn', dlqArn])) as {
      TaskHandle: string;
    };
    expect(started.TaskHandle).toEqual(expect.any(String));
    const task = await eventually(async () => {
      const listed = (await sqs.cli(['list-message-move-tasks', '--source-arn', dlqArn])) as {
        Results: { Status: string; ApproximateNumberOfMessagesMoved: number; SourceArn: string }[];
      };
      const latest = listed.Results[0];
      return latest?.Status === 'COMPLETED' ? latest : undefined;
    });
    expect(task).toMatchObject({ SourceArn: dlqArn, ApproximateNumberOfMessagesMoved: 1 });

    const back = await receive(sourceUrl, 30);
    expect(back).toHaveLength(1);
    expect(back[0]).toMatchObject({
      Body: 'poison',
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'poison' } },
      Attributes: { ApproximateReceiveCount: '1' },
    });
    // A redriven message is a new message (AWS assigns a new MessageId).
    expect(back[0]?.MessageId).not.toBe(sent.MessageId);
    expect(await visible(dlqUrl)).toBe(0);
  });

  it('keeps the group of a FIFO message moved to its DLQ and redrives it to a chosen destination', async () => {
    const { sourceUrl, dlqUrl, dlqArn } = await createPair(1, true);
    const sent = await sqs.client.send(
      new SendMessageCommand({
        QueueUrl: sourceUrl,
        MessageBody: 'fifo poison',
        MessageGroupId: 'order-7',
        MessageDeduplicationId: 'd-1',
      }),
    );
    await sqs.client.send(
      new SendMessageCommand({
        QueueUrl: sourceUrl,
        MessageBody: 'next in group',
        MessageGroupId: 'order-7',
        MessageDeduplicationId: 'd-2',
      }),
    );
    expect((await receive(sourceUrl)).map((m) => m.Body)).toEqual(['fifo poison', 'next in group']);
    // Both reach maxReceiveCount (1); the next receive moves both, in order, and delivers nothing.
    await eventually(async () =>
      (await visible(dlqUrl)) === 2 ? true : (await receive(sourceUrl), undefined),
    );

    const [moved] = await receive(dlqUrl, 0);
    expect(moved).toMatchObject({ MessageId: sent.MessageId, Body: 'fifo poison' });
    expect(moved?.Attributes).toMatchObject({
      MessageGroupId: 'order-7',
      MessageDeduplicationId: sent.MessageId,
    });

    const destinationName = `${uniqueName('dest')}.fifo`;
    await sqs.client.send(
      new CreateQueueCommand({ QueueName: destinationName, Attributes: { FifoQueue: 'true' } }),
    );
    const { TaskHandle } = await sqs.client.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: sqs.arn(destinationName) }),
    );
    expect(TaskHandle).toBeDefined();
    const destinationUrl = sqs.service.queueArnToUrl(sqs.arn(destinationName));
    await eventually(async () => ((await visible(destinationUrl)) === 2 ? true : undefined));
    const redriven = await receive(destinationUrl);
    expect(redriven.map((m) => [m.Body, m.Attributes?.MessageGroupId])).toEqual([
      ['fifo poison', 'order-7'],
      ['next in group', 'order-7'],
    ]);
    const { Results } = await sqs.client.send(
      new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }),
    );
    expect(Results?.[0]).toMatchObject({
      Status: 'COMPLETED',
      DestinationArn: sqs.arn(destinationName),
      ApproximateNumberOfMessagesMoved: 2,
      ApproximateNumberOfMessagesToMove: 2,
    });
    expect(Results?.[0]?.TaskHandle).toBeUndefined();
  });

  it('cancels a rate-limited move task and allows one running task per source queue', async () => {
    const { sourceUrl, dlqUrl, dlqArn } = await createPair(1);
    // 20 messages at 1 a second keep the task RUNNING for ~19 s: a wide window for the checks below
    const total = 20;
    for (const offset of [0, 10]) {
      await sqs.client.send(
        new SendMessageBatchCommand({
          QueueUrl: sourceUrl,
          Entries: Array.from({ length: 10 }, (_, i) => ({
            Id: `m${offset + i}`,
            MessageBody: `message ${offset + i}`,
          })),
        }),
      );
    }
    // a receive returns at most 10; a message received once is dead-lettered, not returned, when received again
    const received = [...(await receive(sourceUrl)), ...(await receive(sourceUrl))];
    expect(new Set(received.map((m) => m.MessageId)).size).toBe(total);
    await eventually(
      async () => ((await visible(dlqUrl)) === total ? true : (await receive(sourceUrl), undefined)),
      30_000,
    );

    const { TaskHandle } = await sqs.client.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 1 }),
    );
    await expect(
      sqs.client.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn })),
    ).rejects.toMatchObject({
      name: 'UnsupportedOperation',
    });
    const running = await sqs.client.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
    expect(running.Results).toEqual([
      expect.objectContaining({ Status: 'RUNNING', TaskHandle, MaxNumberOfMessagesPerSecond: 1 }),
    ]);
    const cancelled = await sqs.client.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
    expect(cancelled.ApproximateNumberOfMessagesMoved).toBeLessThan(total);
    const after = await sqs.client.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
    expect(after.Results?.[0]?.Status).toBe('CANCELLED');
    expect(await visible(dlqUrl)).toBe(total - (cancelled.ApproximateNumberOfMessagesMoved ?? 0));
  });

  it('rejects move tasks whose source is not a dead-letter queue or does not exist', async () => {
    const plainName = uniqueName('plain');
    await sqs.client.send(new CreateQueueCommand({ QueueName: plainName }));
    await expect(
      sqs.client.send(new StartMessageMoveTaskCommand({ SourceArn: sqs.arn(plainName) })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(
      sqs.client.send(new StartMessageMoveTaskCommand({ SourceArn: sqs.arn('no-such-queue') })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      sqs.client.send(new ListMessageMoveTasksCommand({ SourceArn: sqs.arn('no-such-queue') })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      sqs.client.send(new CancelMessageMoveTaskCommand({ TaskHandle: 'bm8tc3VjaC10YXNr' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    const failure = await sqs.cliFailure(['start-message-move-task', '--source-arn', sqs.arn(plainName)]);
    expect(failure.stderr).toContain('InvalidParameterValue');
  });
});
