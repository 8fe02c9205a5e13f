/** The AWS CLI v1 (an independent client, botocore) against the local SNS. */
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { awsCli, awsCliError, queueArn, startLocalAws, type LocalAws } from '../eventbridge/harness';

let aws: LocalAws;
let topicArn: string;
beforeAll(async () => {
  aws = await startLocalAws();
  topicArn = (await aws.snsClient.send(new CreateTopicCommand({ Name: 'cli-topic' }))).TopicArn ?? '';
  await aws.snsClient.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queueArn('cli-raw'),
      Attributes: {
        RawMessageDelivery: 'true',
        FilterPolicy: '{"eventType":["OrderConfirmed"],"total":[{"numeric":[">",100]}]}',
      },
    }),
  );
});
afterAll(() => aws.close());

describe('aws sns', () => {
  it('publish with --message-attributes reaches the subscription whose filter policy accepts it', async () => {
    const attributes = (eventType: string, total: string) =>
      JSON.stringify({
        eventType: { DataType: 'String', StringValue: eventType },
        total: { DataType: 'Number', StringValue: total },
      });
    const accepted = (await awsCli(aws.url, [
      'sns',
      'publish',
      '--topic-arn',
      topicArn,
      '--message',
      'confirmed & big',
      '--message-attributes',
      attributes('OrderConfirmed', '250'),
    ])) as { MessageId: string };
    expect(accepted.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    await awsCli(aws.url, [
      'sns',
      'publish',
      '--topic-arn',
      topicArn,
      '--message',
      'confirmed & small',
      '--message-attributes',
      attributes('OrderConfirmed', '50'),
    ]);
    await aws.idle();
    expect(aws.targets.to(queueArn('cli-raw'))).toEqual([
      {
        body: 'confirmed & big',
        messageAttributes: {
          eventType: { DataType: 'String', StringValue: 'OrderConfirmed' },
          total: { DataType: 'Number', StringValue: '250' },
        },
      },
    ]);
  });

  it('list-topics lists the topics', async () => {
    const result = (await awsCli(aws.url, ['sns', 'list-topics'])) as { Topics: { TopicArn: string }[] };
    expect(result.Topics).toContainEqual({ TopicArn: topicArn });
  });

  it('subscribe with --attributes and get-subscription-attributes round-trip', async () => {
    const { SubscriptionArn } = (await awsCli(aws.url, [
      'sns',
      'subscribe',
      '--topic-arn',
      topicArn,
      '--protocol',
      'sqs',
      '--notification-endpoint',
      queueArn('cli-subscribed'),
      '--attributes',
      JSON.stringify({
        FilterPolicyScope: 'MessageBody',
        FilterPolicy: '{"order":{"status":["CONFIRMED"]}}',
      }),
      '--return-subscription-arn',
    ])) as { SubscriptionArn: string };
    const { Attributes } = (await awsCli(aws.url, [
      'sns',
      'get-subscription-attributes',
      '--subscription-arn',
      SubscriptionArn,
    ])) as { Attributes: Record<string, string> };
    expect(Attributes).toMatchObject({
      FilterPolicyScope: 'MessageBody',
      FilterPolicy: '{"order":{"status":["CONFIRMED"]}}',
      Protocol: 'sqs',
      Endpoint: queueArn('cli-subscribed'),
    });
  });

  it('reports an unknown topic as NotFound', async () => {
    const { code, stderr } = await awsCliError(aws.url, [
      'sns',
      'publish',
      '--topic-arn',
      'arn:aws:sns:us-east-1:000000000000:missing',
      '--message',
      'x',
    ]);
    expect(code).not.toBe(0);
    expect(stderr).toContain('NotFound');
    expect(stderr).toContain('Topic does not exist');
  });
});
