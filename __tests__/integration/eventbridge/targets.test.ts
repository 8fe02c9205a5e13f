/** What rule targets receive: Input, InputPath, InputTransformer, FIFO parameters, retries and the DLQ. */
import {
  CreateEventBusCommand,
  DescribeArchiveCommand,
  DescribeReplayCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  StartReplayCommand,
  type PutEventsRequestEntry,
  type Target,
} from '@aws-sdk/client-eventbridge';
import type { CfnTemplate } from '../../../src/local/template';
import { queueArn, SimulatedOutage, startLocalAws, type LocalAws } from './harness';

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(() => aws.close());

let counter = 0;
/** A rule on the default bus matching a unique source, with the given targets; returns that source. */
async function ruleWith(targets: Target[]): Promise<string> {
  counter += 1;
  const source = `orderflow.targets-${counter}`;
  await aws.events.send(
    new PutRuleCommand({ Name: `rule-${counter}`, EventPattern: JSON.stringify({ source: [source] }) }),
  );
  await aws.events.send(new PutTargetsCommand({ Rule: `rule-${counter}`, Targets: targets }));
  return source;
}

async function put(
  source: string,
  detail: object,
  overrides: Partial<PutEventsRequestEntry> = {},
): Promise<string> {
  const { Entries } = await aws.events.send(
    new PutEventsCommand({
      Entries: [{ Source: source, DetailType: 'Order Event', Detail: JSON.stringify(detail), ...overrides }],
    }),
  );
  await aws.idle();
  return Entries?.[0]?.EventId ?? '';
}

const bodies = (name: string): string[] => aws.targets.to(queueArn(name)).map((delivery) => delivery.body);

describe('target input', () => {
  it('delivers the whole event by default, a constant Input, or what InputPath selects', async () => {
    const source = await ruleWith([
      { Id: 'whole', Arn: queueArn('input-whole') },
      { Id: 'constant', Arn: queueArn('input-constant'), Input: '{"fixed":true}' },
      { Id: 'path', Arn: queueArn('input-path'), InputPath: '$.detail.order' },
      { Id: 'scalar', Arn: queueArn('input-scalar'), InputPath: '$.detail.order.id' },
    ]);
    const id = await put(source, { order: { id: 'o-7', total: 12.5 } });
    expect(JSON.parse(bodies('input-whole')[0] ?? '{}')).toMatchObject({
      id,
      source,
      detail: { order: { id: 'o-7' } },
    });
    expect(bodies('input-constant')).toEqual(['{"fixed":true}']);
    expect(bodies('input-path').map((body) => JSON.parse(body))).toEqual([{ id: 'o-7', total: 12.5 }]);
    expect(bodies('input-scalar')).toEqual(['"o-7"']);
  });

  it('fills an InputTransformer JSON template: quoted values as text, unquoted as JSON, predefined variables', async () => {
    const source = await ruleWith([
      {
        Id: 'json',
        Arn: queueArn('transform-json'),
        InputTransformer: {
          InputPathsMap: {
            instance: '$.detail.instance-id',
            state: '$.detail.state',
            tags: '$.detail.tags',
            first: '$.detail.tags[0]',
            missing: '$.detail.nope',
          },
          InputTemplate:
            '{"instance": <instance>, "state": "<state>", "status": "instance \\"<instance>\\" is <state>", ' +
            '"tags": <tags>, "first": "<first>", "missing": <missing>, "rule": "<aws.events.rule-name>", ' +
            '"ruleArn": "<aws.events.rule-arn>", "event": <aws.events.event.json>}',
        },
      },
      {
        Id: 'text',
        Arn: queueArn('transform-text'),
        InputTransformer: {
          InputPathsMap: { instance: '$.detail.instance-id', state: '$.detail.state' },
          InputTemplate: '"instance <instance> is in <state>"',
        },
      },
    ]);
    const id = await put(source, { 'instance-id': 'i-0123456789', state: 'RUNNING', tags: ['a', 'b'] });
    const json = JSON.parse(bodies('transform-json')[0] ?? '{}') as Record<string, unknown>;
    expect(json).toEqual({
      instance: 'i-0123456789',
      state: 'RUNNING',
      status: 'instance "i-0123456789" is RUNNING',
      tags: ['a', 'b'],
      first: 'a',
      missing: null,
      rule: `rule-${counter}`,
      ruleArn: `arn:aws:events:us-east-1:000000000000:rule/rule-${counter}`,
      event: expect.objectContaining({
        id,
        source,
        detail: { 'instance-id': 'i-0123456789', state: 'RUNNING', tags: ['a', 'b'] },
      }),
    });
    expect(bodies('transform-text')).toEqual(['"instance i-0123456789 is in RUNNING"']);
  });

  it('passes SqsParameters.MessageGroupId to a FIFO queue, with the event id as deduplication id', async () => {
    const source = await ruleWith([
      { Id: 'fifo', Arn: queueArn('orders.fifo'), SqsParameters: { MessageGroupId: 'order-42' } },
      { Id: 'standard', Arn: queueArn('orders-standard') },
    ]);
    const id = await put(source, { orderId: '42' });
    expect(aws.targets.to(queueArn('orders.fifo'))).toEqual([
      { body: expect.any(String), messageGroupId: 'order-42', messageDeduplicationId: id },
    ]);
    expect(aws.targets.to(queueArn('orders-standard'))).toEqual([{ body: expect.any(String) }]);
  });
});

describe('event bus targets', () => {
  it('a rule can forward events to another bus, whose rules then match them', async () => {
    await aws.events.send(new CreateEventBusCommand({ Name: 'relay' }));
    await aws.events.send(
      new PutRuleCommand({ Name: 'relayed', EventBusName: 'relay', EventPattern: '{"detail":{"hop":[1]}}' }),
    );
    await aws.events.send(
      new PutTargetsCommand({
        Rule: 'relayed',
        EventBusName: 'relay',
        Targets: [{ Id: 'q', Arn: queueArn('relayed') }],
      }),
    );
    const source = await ruleWith([
      { Id: 'bus', Arn: 'arn:aws:events:us-east-1:000000000000:event-bus/relay' },
    ]);
    await put(source, { hop: 1 });
    expect(aws.targets.to(queueArn('relayed')).map((d) => JSON.parse(d.body))).toEqual([
      expect.objectContaining({ source, detail: { hop: 1 } }),
    ]);
  });
});

describe('retries and dead letters', () => {
  it('retries a failing target and delivers once it recovers', async () => {
    aws.targets.failFor(queueArn('flaky'), 2);
    const source = await ruleWith([
      { Id: 'flaky', Arn: queueArn('flaky'), RetryPolicy: { MaximumRetryAttempts: 3 } },
    ]);
    await put(source, { n: 1 });
    expect(aws.targets.attempts.get(queueArn('flaky'))).toBe(3);
    expect(bodies('flaky')).toHaveLength(1);
  });

  it('after MaximumRetryAttempts sends the original event to the DLQ with the AWS attributes', async () => {
    aws.targets.failFor(queueArn('down'));
    const source = await ruleWith([
      {
        Id: 'down',
        Arn: queueArn('down'),
        InputPath: '$.detail',
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: queueArn('down-dlq') },
      },
    ]);
    const id = await put(source, { n: 2 });
    expect(aws.targets.attempts.get(queueArn('down'))).toBe(3);
    const [dead] = aws.targets.to(queueArn('down-dlq'));
    expect(JSON.parse(dead?.body ?? '{}')).toMatchObject({ id, source, detail: { n: 2 } });
    expect(dead?.messageAttributes).toEqual({
      RULE_ARN: {
        DataType: 'String',
        StringValue: `arn:aws:events:us-east-1:000000000000:rule/rule-${counter}`,
      },
      TARGET_ARN: { DataType: 'String', StringValue: queueArn('down') },
      ERROR_CODE: { DataType: 'String', StringValue: 'SDK_CLIENT_ERROR' },
      ERROR_MESSAGE: { DataType: 'String', StringValue: `${queueArn('down')} is unavailable` },
      EXHAUSTED_RETRY_CONDITION: { DataType: 'String', StringValue: 'MaximumRetryAttempts' },
      RETRY_ATTEMPTS: { DataType: 'Number', StringValue: '2' },
    });
  });

  it('does not retry a target that does not exist, and dead-letters it at once', async () => {
    aws.targets.missing(queueArn('gone'));
    const source = await ruleWith([
      { Id: 'gone', Arn: queueArn('gone'), DeadLetterConfig: { Arn: queueArn('gone-dlq') } },
      {
        Id: 'nobody',
        Arn: 'arn:aws:states:us-east-1:000000000000:stateMachine:nobody',
        DeadLetterConfig: { Arn: queueArn('gone-dlq') },
      },
    ]);
    await put(source, { n: 3 });
    expect(aws.targets.attempts.get(queueArn('gone'))).toBe(1);
    const attributes = aws.targets
      .to(queueArn('gone-dlq'))
      .map((dead) => [
        dead.messageAttributes?.TARGET_ARN?.StringValue,
        dead.messageAttributes?.ERROR_CODE?.StringValue,
        dead.messageAttributes?.RETRY_ATTEMPTS?.StringValue,
        dead.messageAttributes?.EXHAUSTED_RETRY_CONDITION,
      ]);
    expect(attributes).toEqual(
      expect.arrayContaining([
        [queueArn('gone'), 'NO_RESOURCE', '0', undefined],
        ['arn:aws:states:us-east-1:000000000000:stateMachine:nobody', 'NO_RESOURCE', '0', undefined],
      ]),
    );
  });

  it('with no DLQ reports the event to onDeliveryFailure', async () => {
    aws.targets.failFor(queueArn('lost'));
    const source = await ruleWith([
      { Id: 'lost', Arn: queueArn('lost'), RetryPolicy: { MaximumRetryAttempts: 1 } },
    ]);
    const id = await put(source, { n: 4 });
    expect(aws.eventFailures.find((failure) => failure.event.id === id)).toMatchObject({
      targetId: 'lost',
      targetArn: queueArn('lost'),
      errorCode: 'SDK_CLIENT_ERROR',
      retryAttempts: 1,
      exhaustedRetryCondition: 'MaximumRetryAttempts',
    });
  });

  it('stops retrying once the event is older than MaximumEventAgeInSeconds', async () => {
    let now = Date.parse('2025-01-01T00:00:00Z');
    const local = await startLocalAws({ eventBridge: { clock: () => now } });
    try {
      local.targets.failFor(queueArn('slow'), Infinity, () => {
        now += 30_000;
        return new SimulatedOutage('timed out');
      });
      await local.events.send(
        new PutRuleCommand({ Name: 'aged', EventPattern: '{"source":["orderflow.aged"]}' }),
      );
      await local.events.send(
        new PutTargetsCommand({
          Rule: 'aged',
          Targets: [
            {
              Id: 'slow',
              Arn: queueArn('slow'),
              RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 60 },
              DeadLetterConfig: { Arn: queueArn('slow-dlq') },
            },
          ],
        }),
      );
      await local.events.send(
        new PutEventsCommand({ Entries: [{ Source: 'orderflow.aged', DetailType: 'x', Detail: '{}' }] }),
      );
      await local.idle();
      expect(local.targets.attempts.get(queueArn('slow'))).toBe(2);
      expect(local.targets.to(queueArn('slow-dlq'))[0]?.messageAttributes).toMatchObject({
        EXHAUSTED_RETRY_CONDITION: { StringValue: 'MaximumEventAgeInSeconds' },
        RETRY_ATTEMPTS: { StringValue: '1' },
      });
    } finally {
      await local.close();
    }
  });
});

describe('the template', () => {
  const template: CfnTemplate = {
    Resources: {
      Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'orderflow-test' } },
      Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'tpl-target' } },
      Dlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'tpl-dlq' } },
      Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'tpl-topic' } },
      TopicQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'tpl-topic-queue' } },
      TopicSubscription: {
        Type: 'AWS::SNS::Subscription',
        Properties: {
          TopicArn: { Ref: 'Topic' },
          Protocol: 'sqs',
          Endpoint: { 'Fn::GetAtt': ['TopicQueue', 'Arn'] },
          RawMessageDelivery: true,
        },
      },
      Rule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          Name: 'tpl-order-placed',
          EventBusName: { 'Fn::GetAtt': ['Bus', 'Arn'] },
          EventPattern: JSON.stringify({ source: ['orderflow.orders'], 'detail-type': ['OrderPlaced'] }),
          Targets: [
            {
              Id: 'queue',
              Arn: { 'Fn::GetAtt': ['Queue', 'Arn'] },
              InputTransformer: {
                InputPathsMap: { order: '$.detail.orderId' },
                InputTemplate: '{"orderId": "<order>", "rule": "<aws.events.rule-name>"}',
              },
              RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
              DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } },
            },
            { Id: 'topic', Arn: { Ref: 'Topic' }, InputPath: '$.detail' },
            { Id: 'whole', Arn: 'arn:aws:sqs:us-east-1:000000000000:tpl-whole' },
          ],
        },
      },
      Archive: {
        Type: 'AWS::Events::Archive',
        Properties: {
          ArchiveName: 'tpl-archive',
          SourceArn: { 'Fn::GetAtt': ['Bus', 'Arn'] },
          EventPattern: { source: ['orderflow.orders'] },
          RetentionDays: 7,
        },
      },
    },
  };

  beforeAll(() => {
    aws.sns.loadTemplate(template);
    aws.eventBridge.loadTemplate(template);
  });

  it('loads idempotently', () => {
    expect(() => aws.eventBridge.loadTemplate(template)).not.toThrow();
    expect(() => aws.sns.loadTemplate(template)).not.toThrow();
  });

  it('creates the bus, the rule and its targets with references resolved', async () => {
    const { Targets } = await aws.events.send(
      new ListTargetsByRuleCommand({ Rule: 'tpl-order-placed', EventBusName: 'orderflow-test' }),
    );
    expect(Targets).toEqual([
      expect.objectContaining({
        Id: 'queue',
        Arn: queueArn('tpl-target'),
        DeadLetterConfig: { Arn: queueArn('tpl-dlq') },
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
      }),
      expect.objectContaining({ Id: 'topic', Arn: 'arn:aws:sns:us-east-1:000000000000:tpl-topic' }),
      { Id: 'whole', Arn: queueArn('tpl-whole') },
    ]);
  });

  it('delivers transformed input to the queue and the detail through the topic to its subscriber', async () => {
    await aws.events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'orderflow-test',
            Source: 'orderflow.orders',
            DetailType: 'OrderPlaced',
            Detail: JSON.stringify({ orderId: 'o-9' }),
          },
        ],
      }),
    );
    await aws.idle();
    expect(bodies('tpl-target').map((body) => JSON.parse(body))).toEqual([
      { orderId: 'o-9', rule: 'tpl-order-placed' },
    ]);
    expect(bodies('tpl-topic-queue').map((body) => JSON.parse(body))).toEqual([{ orderId: 'o-9' }]);
  });

  it('archives matching events and replays them to the rules, marked with replay-name', async () => {
    const before = Date.now() / 1000 - 60;
    await aws.events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'orderflow-test',
            Source: 'orderflow.orders',
            DetailType: 'OrderPlaced',
            Detail: '{"orderId":"o-10"}',
          },
          {
            EventBusName: 'orderflow-test',
            Source: 'orderflow.other',
            DetailType: 'OrderPlaced',
            Detail: '{"orderId":"x"}',
          },
        ],
      }),
    );
    await aws.idle();
    const archived = aws.eventBridge.archivedEvents('tpl-archive').map((entry) => entry.event.detail);
    expect(archived).toEqual(expect.arrayContaining([{ orderId: 'o-9' }, { orderId: 'o-10' }]));
    expect(archived).not.toContainEqual({ orderId: 'x' });
    const described = await aws.events.send(new DescribeArchiveCommand({ ArchiveName: 'tpl-archive' }));
    expect(described).toMatchObject({ State: 'ENABLED', RetentionDays: 7, EventCount: archived.length });

    const delivered = bodies('tpl-target').length;
    await aws.events.send(
      new StartReplayCommand({
        ReplayName: 'again',
        EventSourceArn: described.ArchiveArn,
        EventStartTime: new Date(before * 1000),
        EventEndTime: new Date(Date.now() + 60_000),
        Destination: {
          Arn: 'arn:aws:events:us-east-1:000000000000:event-bus/orderflow-test',
          FilterArns: ['arn:aws:events:us-east-1:000000000000:rule/orderflow-test/tpl-order-placed'],
        },
      }),
    );
    await aws.idle();
    expect((await aws.events.send(new DescribeReplayCommand({ ReplayName: 'again' }))).State).toBe(
      'COMPLETED',
    );
    expect(bodies('tpl-target').length - delivered).toBe(archived.length);
    const replayed = bodies('tpl-whole')
      .map((body) => JSON.parse(body) as Record<string, unknown>)
      .filter((event) => event['replay-name'] === 'again');
    expect(replayed.map((event) => event.detail)).toEqual(expect.arrayContaining(archived));
    expect(replayed).toHaveLength(archived.length);
    // Replayed events are not archived again.
    expect(aws.eventBridge.archivedEvents('tpl-archive')).toHaveLength(archived.length);
  });
});
