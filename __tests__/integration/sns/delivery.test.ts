/** What SNS subscribers receive, and the topic/subscription API, through the real SDK v3 client. */
import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  ListTopicsCommand,
  PublishBatchCommand,
  PublishCommand,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import type { CfnTemplate } from '../../../src/local/template';
import { functionArn, queueArn, startLocalAws, type LocalAws } from '../eventbridge/harness';

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(() => aws.close());

async function topicWith(
  name: string,
  subscriptions: { endpoint: string; protocol?: string; attributes?: Record<string, string> }[],
  attributes?: Record<string, string>,
): Promise<string> {
  const { TopicArn } = await aws.snsClient.send(
    new CreateTopicCommand({ Name: name, Attributes: attributes }),
  );
  for (const subscription of subscriptions) {
    await aws.snsClient.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: subscription.protocol ?? 'sqs',
        Endpoint: subscription.endpoint,
        Attributes: subscription.attributes,
      }),
    );
  }
  return TopicArn ?? '';
}

describe('delivery shapes', () => {
  let topicArn: string;
  let messageId: string | undefined;
  beforeAll(async () => {
    topicArn = await topicWith('shapes', [
      { endpoint: queueArn('shapes-raw'), attributes: { RawMessageDelivery: 'true' } },
      { endpoint: queueArn('shapes-envelope') },
      { endpoint: functionArn('shapes-fn'), protocol: 'lambda' },
    ]);
    ({ MessageId: messageId } = await aws.snsClient.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: 'Order confirmed',
        Message: '{"orderId":"o-1","note":"<&>"}',
        MessageAttributes: {
          eventType: { DataType: 'String', StringValue: 'OrderConfirmed' },
          total: { DataType: 'Number', StringValue: '1250' },
          tags: { DataType: 'String.Array', StringValue: '["a","b"]' },
          blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
        },
      }),
    ));
    await aws.idle();
  });

  it('raw delivery: the message itself, attributes as SQS message attributes', () => {
    const [delivery] = aws.targets.to(queueArn('shapes-raw'));
    expect(delivery?.body).toBe('{"orderId":"o-1","note":"<&>"}');
    const attributes = delivery?.messageAttributes as Record<
      string,
      { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }
    >;
    expect(attributes.eventType).toEqual({ DataType: 'String', StringValue: 'OrderConfirmed' });
    expect(attributes.total).toEqual({ DataType: 'Number', StringValue: '1250' });
    expect(attributes.tags).toEqual({ DataType: 'String.Array', StringValue: '["a","b"]' });
    expect(attributes.blob?.DataType).toBe('Binary');
    expect(Buffer.from(attributes.blob?.BinaryValue ?? []).toString('hex')).toBe('010203');
  });

  it('enveloped delivery: the JSON notification with Type/Value attributes and signature fields', () => {
    const [delivery] = aws.targets.to(queueArn('shapes-envelope'));
    expect(delivery?.messageAttributes).toBeUndefined();
    const envelope = JSON.parse(delivery?.body ?? '{}') as Record<string, unknown>;
    expect(envelope).toEqual({
      Type: 'Notification',
      MessageId: messageId,
      TopicArn: topicArn,
      Subject: 'Order confirmed',
      Message: '{"orderId":"o-1","note":"<&>"}',
      Timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      SignatureVersion: '1',
      Signature: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
      SigningCertURL: expect.stringMatching(/^https:\/\/sns\.us-east-1\.amazonaws\.com\/.+\.pem$/),
      UnsubscribeURL: expect.stringContaining(`Action=Unsubscribe&SubscriptionArn=${topicArn}:`),
      MessageAttributes: {
        eventType: { Type: 'String', Value: 'OrderConfirmed' },
        total: { Type: 'Number', Value: '1250' },
        tags: { Type: 'String.Array', Value: '["a","b"]' },
        blob: { Type: 'Binary', Value: 'AQID' },
      },
    });
    expect(Object.keys(envelope)).toEqual([
      'Type',
      'MessageId',
      'TopicArn',
      'Subject',
      'Message',
      'Timestamp',
      'SignatureVersion',
      'Signature',
      'SigningCertURL',
      'UnsubscribeURL',
      'MessageAttributes',
    ]);
  });

  it('omits Subject and MessageAttributes from the notification when the message has none', async () => {
    await aws.snsClient.send(new PublishCommand({ TopicArn: topicArn, Message: 'plain' }));
    await aws.idle();
    const envelope = JSON.parse(aws.targets.to(queueArn('shapes-envelope'))[1]?.body ?? '{}') as Record<
      string,
      unknown
    >;
    expect(envelope.Message).toBe('plain');
    expect(envelope).not.toHaveProperty('Subject');
    expect(envelope).not.toHaveProperty('MessageAttributes');
  });

  it('Lambda subscribers get the SNS event with Records[0].Sns', () => {
    const [delivery] = aws.targets.to(functionArn('shapes-fn'));
    const event = JSON.parse(delivery?.body ?? '{}') as { Records: Record<string, unknown>[] };
    expect(event.Records).toHaveLength(1);
    expect(event.Records[0]).toMatchObject({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: expect.stringContaining(`${topicArn}:`),
      Sns: {
        Type: 'Notification',
        MessageId: messageId,
        TopicArn: topicArn,
        Subject: 'Order confirmed',
        Message: '{"orderId":"o-1","note":"<&>"}',
        SignatureVersion: '1',
        SigningCertUrl: expect.any(String),
        UnsubscribeUrl: expect.any(String),
        MessageAttributes: { eventType: { Type: 'String', Value: 'OrderConfirmed' } },
      },
    });
  });

  it('MessageStructure json sends each protocol its own message', async () => {
    const arn = await topicWith('structured', [
      { endpoint: queueArn('structured-raw'), attributes: { RawMessageDelivery: 'true' } },
      { endpoint: functionArn('structured-fn'), protocol: 'lambda' },
    ]);
    await aws.snsClient.send(
      new PublishCommand({
        TopicArn: arn,
        MessageStructure: 'json',
        Message: JSON.stringify({ default: 'for everyone', sqs: 'for queues' }),
      }),
    );
    await aws.idle();
    expect(aws.targets.to(queueArn('structured-raw')).map((d) => d.body)).toEqual(['for queues']);
    const event = JSON.parse(aws.targets.to(functionArn('structured-fn'))[0]?.body ?? '{}');
    expect(event.Records[0].Sns.Message).toBe('for everyone');
    await expect(
      aws.snsClient.send(
        new PublishCommand({ TopicArn: arn, MessageStructure: 'json', Message: '{"sqs":"x"}' }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: Message Structure - No default entry in JSON message body',
    });
  });
});

describe('PublishBatch', () => {
  it('publishes each entry, reporting per-entry failures', async () => {
    const arn = await topicWith('batch', [
      {
        endpoint: queueArn('batch'),
        attributes: { RawMessageDelivery: 'true', FilterPolicy: '{"kind":["keep"]}' },
      },
    ]);
    const result = await aws.snsClient.send(
      new PublishBatchCommand({
        TopicArn: arn,
        PublishBatchRequestEntries: [
          {
            Id: 'one',
            Message: 'first',
            MessageAttributes: { kind: { DataType: 'String', StringValue: 'keep' } },
          },
          {
            Id: 'two',
            Message: 'second',
            MessageAttributes: { kind: { DataType: 'String', StringValue: 'drop' } },
          },
          {
            Id: 'three',
            Message: 'third',
            MessageAttributes: { kind: { DataType: 'Number', StringValue: 'abc' } },
          },
          {
            Id: 'four',
            Message: 'fourth',
            MessageAttributes: { kind: { DataType: 'String', StringValue: 'keep' } },
          },
        ],
      }),
    );
    expect(result.Successful?.map((entry) => entry.Id)).toEqual(['one', 'two', 'four']);
    expect(result.Successful?.every((entry) => /^[0-9a-f-]{36}$/.test(entry.MessageId ?? ''))).toBe(true);
    expect(result.Failed).toEqual([
      {
        Id: 'three',
        Code: 'ParameterValueInvalid',
        Message: "Could not cast message attribute 'kind' value to number.",
        SenderFault: true,
      },
    ]);
    await aws.idle();
    expect(aws.targets.to(queueArn('batch')).map((d) => d.body)).toEqual(['first', 'fourth']);
  });

  it('refuses empty, oversized and ambiguous batches', async () => {
    const arn = await topicWith('batch-errors', []);
    await expect(
      aws.snsClient.send(new PublishBatchCommand({ TopicArn: arn, PublishBatchRequestEntries: [] })),
    ).rejects.toMatchObject({ name: 'EmptyBatchRequestException' });
    await expect(
      aws.snsClient.send(
        new PublishBatchCommand({
          TopicArn: arn,
          PublishBatchRequestEntries: Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, Message: 'x' })),
        }),
      ),
    ).rejects.toMatchObject({ name: 'TooManyEntriesInBatchRequestException' });
    await expect(
      aws.snsClient.send(
        new PublishBatchCommand({
          TopicArn: arn,
          PublishBatchRequestEntries: [
            { Id: 'same', Message: 'x' },
            { Id: 'same', Message: 'y' },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'BatchEntryIdsNotDistinctException' });
    await expect(
      aws.snsClient.send(
        new PublishBatchCommand({
          TopicArn: arn,
          PublishBatchRequestEntries: [{ Id: 'bad id!', Message: 'x' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidBatchEntryIdException' });
  });
});

describe('FIFO topics', () => {
  let arn: string;
  beforeAll(async () => {
    arn = await topicWith(
      'orders.fifo',
      [
        { endpoint: queueArn('orders-sub.fifo'), attributes: { RawMessageDelivery: 'true' } },
        { endpoint: queueArn('orders-envelope.fifo') },
      ],
      { FifoTopic: 'true' },
    );
  });

  it('passes MessageGroupId and MessageDeduplicationId through, in order, with sequence numbers', async () => {
    const results = [];
    for (const n of [1, 2, 3]) {
      results.push(
        await aws.snsClient.send(
          new PublishCommand({
            TopicArn: arn,
            Message: `step ${n}`,
            MessageGroupId: 'order-1',
            MessageDeduplicationId: `order-1-step-${n}`,
          }),
        ),
      );
    }
    const sequence = results.map((result) => BigInt(result.SequenceNumber ?? '0'));
    expect(sequence[0]).toBeGreaterThan(0n);
    expect(sequence[1]).toBeGreaterThan(sequence[0] ?? 0n);
    expect(sequence[2]).toBeGreaterThan(sequence[1] ?? 0n);
    await aws.idle();
    expect(aws.targets.to(queueArn('orders-sub.fifo'))).toEqual(
      [1, 2, 3].map((n) => ({
        body: `step ${n}`,
        messageGroupId: 'order-1',
        messageDeduplicationId: `order-1-step-${n}`,
      })),
    );
    const envelope = JSON.parse(aws.targets.to(queueArn('orders-envelope.fifo'))[0]?.body ?? '{}');
    expect(envelope).toMatchObject({
      MessageId: results[0]?.MessageId,
      SequenceNumber: results[0]?.SequenceNumber,
    });
  });

  it('drops a duplicate within the deduplication window and answers with the first MessageId', async () => {
    const first = await aws.snsClient.send(
      new PublishCommand({
        TopicArn: arn,
        Message: 'dup',
        MessageGroupId: 'g',
        MessageDeduplicationId: 'd-1',
      }),
    );
    const second = await aws.snsClient.send(
      new PublishCommand({
        TopicArn: arn,
        Message: 'dup',
        MessageGroupId: 'g',
        MessageDeduplicationId: 'd-1',
      }),
    );
    expect(second.MessageId).toBe(first.MessageId);
    await aws.idle();
    expect(aws.targets.to(queueArn('orders-sub.fifo')).filter((d) => d.body === 'dup')).toHaveLength(1);
  });

  it('requires a group id and a deduplication id (or content-based deduplication)', async () => {
    await expect(
      aws.snsClient.send(new PublishCommand({ TopicArn: arn, Message: 'x' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: The MessageGroupId parameter is required for FIFO topics',
    });
    await expect(
      aws.snsClient.send(new PublishCommand({ TopicArn: arn, Message: 'x', MessageGroupId: 'g' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    const contentBased = await topicWith(
      'content.fifo',
      [{ endpoint: queueArn('content.fifo'), attributes: { RawMessageDelivery: 'true' } }],
      {
        FifoTopic: 'true',
        ContentBasedDeduplication: 'true',
      },
    );
    await aws.snsClient.send(
      new PublishCommand({ TopicArn: contentBased, Message: 'same', MessageGroupId: 'g' }),
    );
    await aws.snsClient.send(
      new PublishCommand({ TopicArn: contentBased, Message: 'same', MessageGroupId: 'g' }),
    );
    await aws.idle();
    expect(aws.targets.to(queueArn('content.fifo'))).toEqual([
      { body: 'same', messageGroupId: 'g', messageDeduplicationId: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
  });

  it('refuses FIFO names without the .fifo suffix', async () => {
    await expect(
      aws.snsClient.send(new CreateTopicCommand({ Name: 'plain', Attributes: { FifoTopic: 'true' } })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});

describe('failures and redrive', () => {
  it('retries, then sends what would have been delivered to the redrive DLQ', async () => {
    aws.targets.failFor(queueArn('redrive-target'));
    const arn = await topicWith('redrive', [
      {
        endpoint: queueArn('redrive-target'),
        attributes: {
          RawMessageDelivery: 'true',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn('redrive-dlq') }),
        },
      },
    ]);
    await aws.snsClient.send(
      new PublishCommand({
        TopicArn: arn,
        Message: 'undeliverable',
        MessageAttributes: { a: { DataType: 'String', StringValue: 'b' } },
      }),
    );
    await aws.idle();
    expect(aws.targets.attempts.get(queueArn('redrive-target'))).toBe(16);
    expect(aws.targets.to(queueArn('redrive-dlq'))).toEqual([
      { body: 'undeliverable', messageAttributes: { a: { DataType: 'String', StringValue: 'b' } } },
    ]);
  });

  it('does not retry a missing endpoint; with no DLQ reports to onDeliveryFailure', async () => {
    aws.targets.missing(queueArn('missing'));
    const arn = await topicWith('no-dlq', [{ endpoint: queueArn('missing') }]);
    const { MessageId } = await aws.snsClient.send(new PublishCommand({ TopicArn: arn, Message: 'lost' }));
    await aws.idle();
    expect(aws.targets.attempts.get(queueArn('missing'))).toBe(1);
    expect(aws.snsFailures).toContainEqual(
      expect.objectContaining({ messageId: MessageId, endpoint: queueArn('missing'), retryAttempts: 0 }),
    );
  });

  it('recovers from a transient failure with a single delivery', async () => {
    aws.targets.failFor(queueArn('blip'), 4);
    const arn = await topicWith('blip', [
      { endpoint: queueArn('blip'), attributes: { RawMessageDelivery: 'true' } },
    ]);
    await aws.snsClient.send(new PublishCommand({ TopicArn: arn, Message: 'eventually' }));
    await aws.idle();
    expect(aws.targets.to(queueArn('blip')).map((d) => d.body)).toEqual(['eventually']);
  });
});

describe('topics and subscriptions', () => {
  it('creates topics idempotently, lists them and their subscriptions, and unsubscribes', async () => {
    const first = await aws.snsClient.send(new CreateTopicCommand({ Name: 'listing' }));
    const again = await aws.snsClient.send(new CreateTopicCommand({ Name: 'listing' }));
    expect(again.TopicArn).toBe(first.TopicArn);
    const { Topics } = await aws.snsClient.send(new ListTopicsCommand({}));
    expect(Topics).toContainEqual({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:listing' });
    const { SubscriptionArn } = await aws.snsClient.send(
      new SubscribeCommand({ TopicArn: first.TopicArn, Protocol: 'sqs', Endpoint: queueArn('listing') }),
    );
    const byTopic = await aws.snsClient.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: first.TopicArn }),
    );
    expect(byTopic.Subscriptions).toEqual([
      {
        SubscriptionArn,
        Owner: '000000000000',
        Protocol: 'sqs',
        Endpoint: queueArn('listing'),
        TopicArn: first.TopicArn,
      },
    ]);
    const all = await aws.snsClient.send(new ListSubscriptionsCommand({}));
    expect(all.Subscriptions?.map((s) => s.SubscriptionArn)).toContain(SubscriptionArn);
    await aws.snsClient.send(new UnsubscribeCommand({ SubscriptionArn }));
    await aws.snsClient.send(new PublishCommand({ TopicArn: first.TopicArn, Message: 'nobody listens' }));
    await aws.idle();
    expect(aws.targets.to(queueArn('listing'))).toHaveLength(0);
    await expect(
      aws.snsClient.send(new GetSubscriptionAttributesCommand({ SubscriptionArn })),
    ).rejects.toMatchObject({
      name: 'NotFoundException',
    });
  });

  it('answers NotFound for an unknown topic and InvalidParameter for bad input', async () => {
    await expect(
      aws.snsClient.send(
        new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:nope', Message: 'x' }),
      ),
    ).rejects.toMatchObject({
      name: 'NotFoundException',
      message: 'Topic does not exist',
      $metadata: { httpStatusCode: 404 },
    });
    const arn = await topicWith('errors', []);
    await expect(
      aws.snsClient.send(new PublishCommand({ TopicArn: arn, Message: '' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: Empty message',
    });
    await expect(
      aws.snsClient.send(
        new PublishCommand({
          TopicArn: arn,
          Message: 'x',
          MessageAttributes: { a: { DataType: 'Date', StringValue: '1' } },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValueException' });
    await expect(
      aws.snsClient.send(new SubscribeCommand({ TopicArn: arn, Protocol: 'sqs', Endpoint: 'not-an-arn' })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(
      aws.snsClient.send(
        new SubscribeCommand({
          TopicArn: arn,
          Protocol: 'lambda',
          Endpoint: functionArn('f'),
          Attributes: { RawMessageDelivery: 'true' },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('loads topics and subscriptions from a template and echoes their attributes', async () => {
    const template: CfnTemplate = {
      Resources: {
        Notifications: {
          Type: 'AWS::SNS::Topic',
          Properties: {
            TopicName: 'tpl-notifications',
            KmsMasterKeyId: 'alias/aws/sns',
            Subscription: [{ Protocol: 'lambda', Endpoint: { 'Fn::GetAtt': ['Notifier', 'Arn'] } }],
          },
        },
        Notifier: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'tpl-notifier' } },
        Customers: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'tpl-customers' } },
        CustomersDlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'tpl-customers-dlq' } },
        CustomersSubscription: {
          Type: 'AWS::SNS::Subscription',
          Properties: {
            TopicArn: { Ref: 'Notifications' },
            Protocol: 'sqs',
            Endpoint: { 'Fn::GetAtt': ['Customers', 'Arn'] },
            RawMessageDelivery: true,
            FilterPolicyScope: 'MessageAttributes',
            FilterPolicy: { eventType: ['OrderConfirmed', 'OrderCancelled'] },
            RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['CustomersDlq', 'Arn'] } },
          },
        },
        Ledger: {
          Type: 'AWS::SNS::Topic',
          Properties: { TopicName: 'tpl-ledger.fifo', FifoTopic: true, ContentBasedDeduplication: true },
        },
      },
    };
    aws.sns.loadTemplate(template);
    const topicArn = 'arn:aws:sns:us-east-1:000000000000:tpl-notifications';
    const { Attributes } = await aws.snsClient.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    expect(Attributes).toMatchObject({
      TopicArn: topicArn,
      KmsMasterKeyId: 'alias/aws/sns',
      SubscriptionsConfirmed: '2',
    });
    const ledger = await aws.snsClient.send(
      new GetTopicAttributesCommand({ TopicArn: 'arn:aws:sns:us-east-1:000000000000:tpl-ledger.fifo' }),
    );
    expect(ledger.Attributes).toMatchObject({ FifoTopic: 'true', ContentBasedDeduplication: 'true' });
    const { Subscriptions } = await aws.snsClient.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }),
    );
    const sqs = Subscriptions?.find((s) => s.Protocol === 'sqs');
    const { Attributes: subscription } = await aws.snsClient.send(
      new GetSubscriptionAttributesCommand({ SubscriptionArn: sqs?.SubscriptionArn }),
    );
    expect(subscription).toMatchObject({
      RawMessageDelivery: 'true',
      FilterPolicy: '{"eventType":["OrderConfirmed","OrderCancelled"]}',
      FilterPolicyScope: 'MessageAttributes',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn('tpl-customers-dlq') }),
    });
    await aws.snsClient.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: 'confirmed',
        MessageAttributes: { eventType: { DataType: 'String', StringValue: 'OrderConfirmed' } },
      }),
    );
    await aws.snsClient.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: 'placed',
        MessageAttributes: { eventType: { DataType: 'String', StringValue: 'OrderPlaced' } },
      }),
    );
    await aws.idle();
    expect(aws.targets.to(queueArn('tpl-customers')).map((d) => d.body)).toEqual(['confirmed']);
    expect(aws.targets.to(functionArn('tpl-notifier'))).toHaveLength(2);
  });
});
