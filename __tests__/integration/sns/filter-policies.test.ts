/**
 * The SNS filter-policy conformance table (taken from the SNS Developer Guide) replayed through real
 * subscriptions: Subscribe with FilterPolicy and FilterPolicyScope, Publish, and what reached the queue.
 */
import {
  CreateTopicCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SubscribeCommand,
  type MessageAttributeValue,
} from '@aws-sdk/client-sns';
import type { FilterableMessage } from '../../../src/local/matching/filter-policy';
import {
  filterPolicyCases,
  filterPolicyValidationCases,
  validFilterPolicies,
} from '../../unit/local/matching/filter-policy-cases';
import { queueArn, startLocalAws, type LocalAws } from '../eventbridge/harness';

const cases = filterPolicyCases.map((testCase, index) => ({
  ...testCase,
  topic: `filter-case-${index}`,
  queue: queueArn(`filter-case-${index}`),
}));

/** The case's attributes as Publish sends them; a Binary attribute gets some bytes. */
const sdkAttributes = (message: FilterableMessage): Record<string, MessageAttributeValue> =>
  Object.fromEntries(
    Object.entries(message.attributes).map(([name, attribute]) => [
      name,
      attribute.DataType === 'Binary'
        ? { DataType: 'Binary', BinaryValue: new Uint8Array([0xde, 0xad]) }
        : { DataType: attribute.DataType, StringValue: attribute.StringValue },
    ]),
  );

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(() => aws.close());

describe('subscriptions deliver exactly the messages their filter policy accepts', () => {
  beforeAll(async () => {
    await Promise.all(
      cases.map(async (c) => {
        const { TopicArn } = await aws.snsClient.send(new CreateTopicCommand({ Name: c.topic }));
        await aws.snsClient.send(
          new SubscribeCommand({
            TopicArn,
            Protocol: 'sqs',
            Endpoint: c.queue,
            Attributes: {
              FilterPolicy: JSON.stringify(c.policy),
              FilterPolicyScope: c.scope,
              RawMessageDelivery: 'true',
            },
          }),
        );
        await aws.snsClient.send(
          new PublishCommand({
            TopicArn,
            Message: c.message.body,
            MessageAttributes: sdkAttributes(c.message),
          }),
        );
      }),
    );
    await aws.idle();
  });

  it('covers the whole table', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const delivered = aws.targets.to(c.queue);
    expect(delivered).toHaveLength(c.matches ? 1 : 0);
    if (c.matches) expect(delivered[0]?.body).toBe(c.message.body);
  });
});

describe('Subscribe and SetSubscriptionAttributes validate filter policies', () => {
  let topicArn: string | undefined;
  beforeAll(async () => {
    topicArn = (await aws.snsClient.send(new CreateTopicCommand({ Name: 'policy-validation' }))).TopicArn;
  });

  it.each(filterPolicyValidationCases.map((c) => [c.name, c] as const))(
    'Subscribe refuses: %s',
    async (_name, c) => {
      await expect(
        aws.snsClient.send(
          new SubscribeCommand({
            TopicArn: topicArn,
            Protocol: 'sqs',
            Endpoint: queueArn('policy-validation'),
            Attributes: { FilterPolicy: JSON.stringify(c.policy), FilterPolicyScope: c.scope },
          }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidParameterException', message: c.message });
    },
  );

  it.each(validFilterPolicies.map((c) => [c.name, c] as const))('accepts: %s', async (_name, c) => {
    const { SubscriptionArn } = await aws.snsClient.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: queueArn(`valid-${c.name.replace(/\W+/g, '-')}`),
        Attributes: { FilterPolicy: JSON.stringify(c.policy), FilterPolicyScope: c.scope },
      }),
    );
    expect(SubscriptionArn).toMatch(/^arn:aws:sns:us-east-1:000000000000:policy-validation:/);
  });

  it('SetSubscriptionAttributes refuses an invalid policy and a policy that needs the other scope', async () => {
    const { SubscriptionArn } = await aws.snsClient.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn('policy-set') }),
    );
    await expect(
      aws.snsClient.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn,
          AttributeName: 'FilterPolicy',
          AttributeValue: '{"a":"b"}',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'Invalid parameter: FilterPolicy: "a" must be an object or an array',
    });
    await expect(
      aws.snsClient.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn,
          AttributeName: 'FilterPolicy',
          AttributeValue: '{not json',
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(
      aws.snsClient.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn,
          AttributeName: 'FilterPolicy',
          AttributeValue: '{"a":{"b":["c"]}}',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message:
        'Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy',
    });
    await aws.snsClient.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn,
        AttributeName: 'FilterPolicyScope',
        AttributeValue: 'MessageBody',
      }),
    );
    await aws.snsClient.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn,
        AttributeName: 'FilterPolicy',
        AttributeValue: '{"a":{"b":["c"]}}',
      }),
    );
    await aws.snsClient.send(new PublishCommand({ TopicArn: topicArn, Message: '{"a":{"b":"c"}}' }));
    await aws.snsClient.send(new PublishCommand({ TopicArn: topicArn, Message: '{"a":{"b":"d"}}' }));
    await aws.idle();
    expect(aws.targets.to(queueArn('policy-set')).map((d) => JSON.parse(d.body).Message)).toEqual([
      '{"a":{"b":"c"}}',
    ]);
  });
});
