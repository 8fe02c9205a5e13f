import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  PurgeQueueInProgress,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type Message,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import { md5OfMessageAttributes } from '../../../src/local/aws/sqs';
import { eventually, startSqs, uniqueName, type SqsHarness } from './harness';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

describe('local SQS: messages', () => {
  let sqs: SqsHarness;
  beforeAll(async () => {
    sqs = await startSqs();
  });
  afterAll(() => sqs.close());

  const createQueue = async (attributes: Record<string, string> = {}) => {
    const { QueueUrl } = await sqs.client.send(
      new CreateQueueCommand({ QueueName: uniqueName('msg'), Attributes: attributes }),
    );
    if (!QueueUrl) throw new RangeError('no queue URL');
    return QueueUrl;
  };
  const counts = async (QueueUrl: string) => {
    const { Attributes } = await sqs.client.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    return {
      visible: Number(Attributes?.ApproximateNumberOfMessages),
      inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible),
      delayed: Number(Attributes?.ApproximateNumberOfMessagesDelayed),
    };
  };
  const receive = async (
    QueueUrl: string,
    extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {},
  ) =>
    (
      await sqs.client.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: 10,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
          ...extra,
        }),
      )
    ).Messages ?? [];

  it('computes the attribute MD5 exactly as SQS does (published vectors)', () => {
    expect(
      md5OfMessageAttributes({ attribName1: { dataType: 'String', stringValue: 'attribValue 1' } }),
    ).toBe('19e27d4e946b072f3f58da80d94fd778');
    expect(
      md5OfMessageAttributes({
        customNumberTypeAttrib: {
          dataType: 'Number.float',
          stringValue: '4563442423554324324264524243.32543234',
        },
      }),
    ).toBe('9fe1b90bbd9965bdf77bac517c7d2495');
    expect(
      md5OfMessageAttributes({
        binaryAttribute: { dataType: 'Binary', binaryValue: Buffer.from('Hello binary world!') },
      }),
    ).toBe('31a92b15d92f8db860eda32aceb656c3');
  });

  it('sends, receives and deletes with body and attribute digests that match', async () => {
    const QueueUrl = await createQueue();
    const attributes: Record<string, MessageAttributeValue> = {
      attribName1: { DataType: 'String', StringValue: 'attribValue 1' },
      customNumberTypeAttrib: {
        DataType: 'Number.float',
        StringValue: '4563442423554324324264524243.32543234',
      },
      binaryAttribute: { DataType: 'Binary', BinaryValue: Buffer.from('Hello binary world!') },
    };
    const sent = await sqs.client.send(
      new SendMessageCommand({ QueueUrl, MessageBody: 'héllo wörld', MessageAttributes: attributes }),
    );
    expect(sent.MD5OfMessageBody).toBe(md5('héllo wörld'));
    expect(sent.MD5OfMessageAttributes).toBe('c932db14a896c663f83c260297d594ff');

    const [message, ...others] = await receive(QueueUrl);
    expect(others).toEqual([]);
    expect(message).toMatchObject({
      MessageId: sent.MessageId,
      Body: 'héllo wörld',
      MD5OfBody: md5('héllo wörld'),
      MD5OfMessageAttributes: 'c932db14a896c663f83c260297d594ff',
      Attributes: { ApproximateReceiveCount: '1', SenderId: 'test' },
    });
    expect(Buffer.from(message?.MessageAttributes?.binaryAttribute?.BinaryValue ?? []).toString()).toBe(
      'Hello binary world!',
    );
    expect(Number(message?.Attributes?.SentTimestamp)).toBeGreaterThan(0);
    expect(await counts(QueueUrl)).toEqual({ visible: 0, inFlight: 1, delayed: 0 });

    await sqs.client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message?.ReceiptHandle }));
    expect(await counts(QueueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('returns only the requested attributes, with the digest of those', async () => {
    const QueueUrl = await createQueue();
    await sqs.client.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: 'selective',
        MessageAttributes: {
          attribName1: { DataType: 'String', StringValue: 'attribValue 1' },
          'meta.a': { DataType: 'Number', StringValue: '1' },
          'meta.b': { DataType: 'String', StringValue: 'b' },
        },
      }),
    );
    const [first] = await receive(QueueUrl, {
      MessageAttributeNames: ['attribName1'],
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      VisibilityTimeout: 0,
    });
    expect(Object.keys(first?.MessageAttributes ?? {})).toEqual(['attribName1']);
    expect(first?.MD5OfMessageAttributes).toBe('19e27d4e946b072f3f58da80d94fd778');
    expect(first?.Attributes).toEqual({ ApproximateReceiveCount: '1' });

    const [second] = await receive(QueueUrl, { MessageAttributeNames: ['meta.*'], VisibilityTimeout: 0 });
    expect(Object.keys(second?.MessageAttributes ?? {}).sort()).toEqual(['meta.a', 'meta.b']);

    const [third] = await receive(QueueUrl, { MessageAttributeNames: [], MessageSystemAttributeNames: [] });
    expect(third?.MessageAttributes).toBeUndefined();
    expect(third?.MD5OfMessageAttributes).toBeUndefined();
    expect(third?.Attributes).toBeUndefined();
  });

  it('redelivers after the visibility timeout with a new receipt handle and a higher receive count', async () => {
    // 5 s: the first receipt must still be in flight at the next receive, even on a busy machine
    const QueueUrl = await createQueue({ VisibilityTimeout: '5' });
    const { MessageId } = await sqs.client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'again' }));
    const [first] = await receive(QueueUrl);
    expect(first?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(await receive(QueueUrl)).toEqual([]);

    // held for 30 s once redelivered, so it is still in flight for the counts below
    const second = await eventually(
      async () => (await receive(QueueUrl, { VisibilityTimeout: 30 }))[0],
      30_000,
    );
    expect(second.MessageId).toBe(MessageId);
    expect(second.ReceiptHandle).not.toBe(first?.ReceiptHandle);
    expect(second.Attributes?.ApproximateReceiveCount).toBe('2');
    expect(second.Attributes?.ApproximateFirstReceiveTimestamp).toBe(
      first?.Attributes?.ApproximateFirstReceiveTimestamp,
    );

    // AWS: with an older receipt handle "the request will still succeed, but the message might not be deleted".
    await sqs.client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first?.ReceiptHandle }));
    expect(await counts(QueueUrl)).toMatchObject({ inFlight: 1 });
    await sqs.client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: second.ReceiptHandle }));
    expect(await counts(QueueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    // Deleting an already deleted message is accepted.
    await sqs.client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: second.ReceiptHandle }));
  });

  it('changes visibility, and rejects malformed or dead receipt handles', async () => {
    const QueueUrl = await createQueue({ VisibilityTimeout: '30' });
    await sqs.client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'visible soon' }));
    const [message] = await receive(QueueUrl);
    expect(await receive(QueueUrl)).toEqual([]);
    await sqs.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl,
        ReceiptHandle: message?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const [again] = await receive(QueueUrl);
    expect(again?.MessageId).toBe(message?.MessageId);

    await expect(
      sqs.client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: 'not-a-receipt-handle' })),
    ).rejects.toBeInstanceOf(ReceiptHandleIsInvalid);
    await expect(
      sqs.client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl,
          ReceiptHandle: message?.ReceiptHandle,
          VisibilityTimeout: 10,
        }),
      ),
    ).rejects.toMatchObject({ name: 'MessageNotInflight' });
    await sqs.client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: again?.ReceiptHandle }));
    await expect(
      sqs.client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl,
          ReceiptHandle: again?.ReceiptHandle,
          VisibilityTimeout: 10,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
  });

  it('sends a batch with per-entry successes and failures', async () => {
    const QueueUrl = await createQueue();
    const result = await sqs.client.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          {
            Id: 'ok-1',
            MessageBody: 'one',
            MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } },
          },
          {
            Id: 'reserved-name',
            MessageBody: 'two',
            MessageAttributes: { 'AWS.x': { DataType: 'String', StringValue: 'v' } },
          },
          { Id: 'too-late', MessageBody: 'three', DelaySeconds: 901 },
          { Id: 'bad-chars', MessageBody: 'four\u0000' },
          { Id: 'ok-2', MessageBody: 'five' },
        ],
      }),
    );
    expect(result.Successful?.map((entry) => entry.Id)).toEqual(['ok-1', 'ok-2']);
    expect(result.Successful?.[0]).toMatchObject({
      MD5OfMessageBody: md5('one'),
      MD5OfMessageAttributes: md5OfMessageAttributes({ k: { dataType: 'String', stringValue: 'v' } }),
    });
    expect(result.Failed).toEqual([
      expect.objectContaining({ Id: 'reserved-name', SenderFault: true, Code: 'InvalidParameterValue' }),
      expect.objectContaining({ Id: 'too-late', SenderFault: true, Code: 'InvalidParameterValue' }),
      expect.objectContaining({ Id: 'bad-chars', SenderFault: true, Code: 'InvalidMessageContents' }),
    ]);
    expect((await receive(QueueUrl)).map((message) => message.Body).sort()).toEqual(['five', 'one']);
  });

  it('rejects malformed batches as a whole', async () => {
    const QueueUrl = await createQueue();
    const failure = (entries: { Id: string; MessageBody: string }[]) =>
      sqs.client.send(new SendMessageBatchCommand({ QueueUrl, Entries: entries })).then(
        () => 'sent',
        (error: Error) => error.name,
      );
    expect(await failure([])).toBe('EmptyBatchRequest');
    expect(await failure(Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: 'x' })))).toBe(
      'TooManyEntriesInBatchRequest',
    );
    expect(
      await failure([
        { Id: 'same', MessageBody: 'a' },
        { Id: 'same', MessageBody: 'b' },
      ]),
    ).toBe('BatchEntryIdsNotDistinct');
    expect(await failure([{ Id: 'not valid!', MessageBody: 'a' }])).toBe('InvalidBatchEntryId');
    const big = 'x'.repeat(600 * 1024);
    expect(
      await failure([
        { Id: 'a', MessageBody: big },
        { Id: 'b', MessageBody: big },
      ]),
    ).toBe('BatchRequestTooLong');
    expect(await counts(QueueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('deletes and changes visibility in batches with per-entry failures', async () => {
    const QueueUrl = await createQueue({ VisibilityTimeout: '30' });
    await sqs.client.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: ['a', 'b', 'c'].map((body) => ({ Id: body, MessageBody: body })),
      }),
    );
    const messages = await receive(QueueUrl);
    expect(messages).toHaveLength(3);
    const [a, b, c] = messages as [Message, Message, Message];

    const changed = await sqs.client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'c', ReceiptHandle: c.ReceiptHandle, VisibilityTimeout: 0 },
          { Id: 'junk', ReceiptHandle: 'junk', VisibilityTimeout: 0 },
        ],
      }),
    );
    expect(changed.Successful).toEqual([{ Id: 'c' }]);
    expect(changed.Failed).toEqual([
      expect.objectContaining({ Id: 'junk', Code: 'ReceiptHandleIsInvalid', SenderFault: true }),
    ]);

    const deleted = await sqs.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: 'a', ReceiptHandle: a.ReceiptHandle },
          { Id: 'b', ReceiptHandle: b.ReceiptHandle },
          { Id: 'junk', ReceiptHandle: 'junk' },
        ],
      }),
    );
    expect(deleted.Successful?.map((entry) => entry.Id)).toEqual(['a', 'b']);
    expect(deleted.Failed).toEqual([expect.objectContaining({ Id: 'junk', Code: 'ReceiptHandleIsInvalid' })]);
    expect((await receive(QueueUrl)).map((message) => message.Body)).toEqual(['c']);
  });

  it('long-polls: returns as soon as a message arrives, and waits for delayed messages', async () => {
    const QueueUrl = await createQueue();
    const started = Date.now();
    const polling = receive(QueueUrl, { WaitTimeSeconds: 20 });
    setTimeout(() => {
      void sqs.client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'arrived' }));
    }, 300);
    const messages = await polling;
    expect(messages.map((message) => message.Body)).toEqual(['arrived']);
    expect(Date.now() - started).toBeLessThan(19_000);

    await sqs.client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'delayed', DelaySeconds: 5 }));
    expect(await counts(QueueUrl)).toMatchObject({ delayed: 1 });
    const delayed = await receive(QueueUrl, { WaitTimeSeconds: 20 });
    expect(delayed.map((message) => message.Body)).toEqual(['delayed']);
  });

  it("long-polls for the queue's ReceiveMessageWaitTimeSeconds when the request names no wait", async () => {
    const QueueUrl = await createQueue({ ReceiveMessageWaitTimeSeconds: '1' });
    const started = Date.now();
    expect(await receive(QueueUrl)).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('delays messages by the queue default unless the message says otherwise', async () => {
    const QueueUrl = await createQueue({ DelaySeconds: '5' });
    await sqs.client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'queue delay' }));
    await sqs.client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'no delay', DelaySeconds: 0 }));
    expect((await receive(QueueUrl)).map((message) => message.Body)).toEqual(['no delay']);
    expect(await counts(QueueUrl)).toMatchObject({ delayed: 1 });
    const later = await eventually(async () => (await receive(QueueUrl))[0], 30_000);
    expect(later.Body).toBe('queue delay');
  });

  it('purges every message, in flight or not, and limits purges to one a minute by default', async () => {
    const QueueUrl = await createQueue();
    await sqs.client.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: ['1', '2', '3'].map((id) => ({ Id: id, MessageBody: id })),
      }),
    );
    await receive(QueueUrl, { MaxNumberOfMessages: 1 });
    expect(await counts(QueueUrl)).toEqual({ visible: 2, inFlight: 1, delayed: 0 });
    await sqs.client.send(new PurgeQueueCommand({ QueueUrl }));
    expect(await counts(QueueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });

    const strict = await startSqs({ purgeCooldownMs: 60_000 });
    try {
      const { QueueUrl: url } = await strict.client.send(new CreateQueueCommand({ QueueName: 'purged' }));
      await strict.client.send(new PurgeQueueCommand({ QueueUrl: url }));
      await expect(strict.client.send(new PurgeQueueCommand({ QueueUrl: url }))).rejects.toBeInstanceOf(
        PurgeQueueInProgress,
      );
    } finally {
      await strict.close();
    }
  });

  it('validates receive and send parameters as SQS does', async () => {
    const QueueUrl = await createQueue({ MaximumMessageSize: '1024' });
    const name = (promise: Promise<unknown>) =>
      promise.then(
        () => 'ok',
        (error: Error) => error.name,
      );
    expect(await name(receive(QueueUrl, { MaxNumberOfMessages: 11 }))).toBe('InvalidParameterValue');
    expect(await name(receive(QueueUrl, { WaitTimeSeconds: 21 }))).toBe('InvalidParameterValue');
    expect(await name(receive(QueueUrl, { VisibilityTimeout: 43_201 }))).toBe('InvalidParameterValue');
    const send = (input: Partial<ConstructorParameters<typeof SendMessageCommand>[0]>) =>
      name(sqs.client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x', ...input })));
    expect(await send({ MessageBody: 'x'.repeat(1025) })).toBe('InvalidParameterValue');
    expect(await send({ MessageBody: 'bell \u0007' })).toBe('InvalidMessageContents');
    expect(await send({ MessageDeduplicationId: 'd' })).toBe('InvalidParameterValue');
    expect(await send({ MessageAttributes: { n: { DataType: 'Number', StringValue: 'NaN-ish' } } })).toBe(
      'InvalidParameterValue',
    );
    expect(await send({ MessageAttributes: { s: { DataType: 'Text', StringValue: 'x' } } })).toBe(
      'InvalidParameterValue',
    );
    expect(await send({})).toBe('ok');
  });

  it('serves the AWS CLI: send-message, receive-message and delete-message', async () => {
    const QueueUrl = await createQueue();
    const sent = (await sqs.cli([
      'send-message',
      '--queue-url',
      QueueUrl,
      '--message-body',
      '{"order":42}',
      '--message-attributes',
      'kind={DataType=String,StringValue=order},size={DataType=Number,StringValue=3}',
    ])) as { MessageId: string; MD5OfMessageBody: string; MD5OfMessageAttributes: string };
    expect(sent.MD5OfMessageBody).toBe(md5('{"order":42}'));
    expect(sent.MD5OfMessageAttributes).toBe(
      md5OfMessageAttributes({
        kind: { dataType: 'String', stringValue: 'order' },
        size: { dataType: 'Number', stringValue: '3' },
      }),
    );
    const received = (await sqs.cli([
      'receive-message',
      '--queue-url',
      QueueUrl,
      '--attribute-names',
      'All',
      '--message-attribute-names',
      'All',
      '--max-number-of-messages',
      '10',
      '--wait-time-seconds',
      '5',
    ])) as { Messages: Message[] };
    expect(received.Messages).toHaveLength(1);
    expect(received.Messages[0]).toMatchObject({
      MessageId: sent.MessageId,
      Body: '{"order":42}',
      MD5OfMessageAttributes: sent.MD5OfMessageAttributes,
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'order' } },
      Attributes: { ApproximateReceiveCount: '1', SenderId: 'test' },
    });
    await sqs.cli([
      'delete-message',
      '--queue-url',
      QueueUrl,
      '--receipt-handle',
      received.Messages[0]?.ReceiptHandle ?? '',
    ]);
    expect(await counts(QueueUrl)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });
});
