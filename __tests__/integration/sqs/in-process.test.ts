import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { SqsError } from '../../../src/local/aws/sqs';
import { ACCOUNT, eventually, startSqs, type SqsHarness } from './harness';

describe('local SQS: the in-process API for the offline runtime', () => {
  let sqs: SqsHarness;
  beforeAll(async () => {
    sqs = await startSqs();
  });
  afterAll(() => sqs.close());

  it('maps ARNs and URLs, and sends with the same rules and digests as SendMessage', async () => {
    const { queueUrl, queueArn } = sqs.service.createQueue('events-target', { VisibilityTimeout: '1' });
    expect(queueArn).toBe(`arn:aws:sqs:us-east-1:${ACCOUNT}:events-target`);
    expect(sqs.service.queueArnToUrl(queueArn)).toBe(queueUrl);
    expect(sqs.service.queueUrlToArn(`http://localhost:9999/${ACCOUNT}/events-target`)).toBe(queueArn);
    expect(sqs.service.listQueueArns()).toContain(queueArn);

    const sent = sqs.service.sendToQueue(queueArn, {
      body: '{"detail-type":"OrderPlaced"}',
      attributes: {
        source: { DataType: 'String', StringValue: 'orders' },
        raw: { DataType: 'Binary', BinaryValue: Uint8Array.from([1, 2, 3]) },
      },
      traceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793',
    });
    expect(sent.duplicate).toBe(false);

    // A real client sees it like any other message.
    const { Messages } = await sqs.client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        VisibilityTimeout: 0,
      }),
    );
    expect(Messages?.[0]).toMatchObject({
      MessageId: sent.messageId,
      MD5OfBody: sent.md5OfMessageBody,
      MD5OfMessageAttributes: sent.md5OfMessageAttributes,
      Attributes: { AWSTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793', SenderId: ACCOUNT },
    });

    expect(() => sqs.service.sendToQueue(queueArn, { body: '' })).toThrow(SqsError);
    expect(() => sqs.service.sendToQueue(`arn:aws:sqs:us-east-1:${ACCOUNT}:missing`, { body: 'x' })).toThrow(
      expect.objectContaining({ code: 'QueueDoesNotExist' }),
    );
  });

  it('lets an event-source poller wait, receive with every attribute, and delete', async () => {
    const { queueArn, queueUrl } = sqs.service.createQueue('lambda-source', { VisibilityTimeout: '1' });
    let notifications = 0;
    const stop = sqs.service.onMessageAvailable(queueArn, () => {
      notifications += 1;
    });
    const before = notifications;
    await sqs.client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: 'for lambda',
        MessageAttributes: { n: { DataType: 'Number', StringValue: '7' } },
      }),
    );
    await eventually(async () => (notifications > before ? true : undefined));

    const [message] = await sqs.service.receiveFromQueue(queueArn, { maxMessages: 10 });
    expect(message).toMatchObject({
      body: 'for lambda',
      eventSourceArn: queueArn,
      messageAttributes: { n: { DataType: 'Number', StringValue: '7' } },
      attributes: { ApproximateReceiveCount: '1', SenderId: 'test' },
    });
    expect(Number(message?.attributes.SentTimestamp)).toBeGreaterThan(0);

    // The callback fires again when the visibility timeout runs out.
    const beforeExpiry = notifications;
    await eventually(async () => (notifications > beforeExpiry ? true : undefined));
    const [again] = await sqs.service.receiveFromQueue(queueArn, { visibilityTimeout: 30 });
    expect(again?.attributes.ApproximateReceiveCount).toBe('2');
    sqs.service.deleteFromQueue(queueArn, again?.receiptHandle ?? '');
    expect(sqs.service.getQueueAttributes(queueArn, ['ApproximateNumberOfMessagesNotVisible'])).toEqual({
      ApproximateNumberOfMessagesNotVisible: '0',
    });
    stop();
  });

  it('sends to FIFO queues with group and deduplication ids', async () => {
    const { queueArn } = sqs.service.createQueue('bus-target.fifo', { FifoQueue: 'true' });
    const first = sqs.service.sendToQueue(queueArn, { body: 'a', groupId: 'g', dedupId: 'event-1' });
    const second = sqs.service.sendToQueue(queueArn, { body: 'a', groupId: 'g', dedupId: 'event-1' });
    expect(second).toMatchObject({ messageId: first.messageId, duplicate: true });
    const messages = await sqs.service.receiveFromQueue(queueArn);
    expect(messages.map((m) => [m.body, m.attributes.MessageGroupId, m.attributes.SequenceNumber])).toEqual([
      ['a', 'g', first.sequenceNumber],
    ]);
  });

  it('runs retention, the deduplication interval and visibility on the injected clock', async () => {
    let now = Date.UTC(2030, 0, 1);
    const local = await startSqs({ clock: () => now });
    try {
      const standard = local.service.createQueue('clocked', {
        MessageRetentionPeriod: '60',
        VisibilityTimeout: '30',
      });
      local.service.sendToQueue(standard.queueArn, { body: 'old' });
      now += 30_000;
      local.service.sendToQueue(standard.queueArn, { body: 'young' });
      const [first] = await local.service.receiveFromQueue(standard.queueArn, { maxMessages: 1 });
      expect(first?.body).toBe('old');
      expect(first?.attributes.SentTimestamp).toBe(String(Date.UTC(2030, 0, 1)));
      now += 31_000; // 'old' is past its 60 s retention (in flight or not); its visibility timeout has also passed
      expect(local.service.getQueueAttributes(standard.queueArn, ['ApproximateNumberOfMessages'])).toEqual({
        ApproximateNumberOfMessages: '1',
      });
      expect((await local.service.receiveFromQueue(standard.queueArn)).map((m) => m.body)).toEqual(['young']);

      const fifo = local.service.createQueue('clocked.fifo', { FifoQueue: 'true' });
      const sent = local.service.sendToQueue(fifo.queueArn, { body: 'x', groupId: 'g', dedupId: 'd' });
      now += 4 * 60_000;
      expect(
        local.service.sendToQueue(fifo.queueArn, { body: 'x', groupId: 'g', dedupId: 'd' }).duplicate,
      ).toBe(true);
      now += 60_001;
      const later = local.service.sendToQueue(fifo.queueArn, { body: 'x', groupId: 'g', dedupId: 'd' });
      expect(later.duplicate).toBe(false);
      expect(later.messageId).not.toBe(sent.messageId);
    } finally {
      await local.close();
    }
  });

  it('ends long polls cleanly when the service closes', async () => {
    const local = await startSqs();
    const { queueArn, queueUrl } = local.service.createQueue('closing');
    const inProcess = local.service.receiveFromQueue(queueArn, { waitTimeSeconds: 20 });
    const overHttp = local.client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 20 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const closing = Date.now();
    await local.service.close();
    expect(await inProcess).toEqual([]);
    expect((await overHttp).Messages).toBeUndefined();
    expect(Date.now() - closing).toBeLessThan(10_000);
    await local.close();
  });

  it('ends a long poll when its signal aborts', async () => {
    const { queueArn } = sqs.service.createQueue('aborted');
    const controller = new AbortController();
    const polling = sqs.service.receiveFromQueue(queueArn, {
      waitTimeSeconds: 20,
      signal: controller.signal,
    });
    controller.abort();
    expect(await polling).toEqual([]);
  });
});
