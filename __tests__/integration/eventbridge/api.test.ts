/** PutEvents validation and the rule/bus management API, through the real SDK v3 client. */
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { queueArn, startLocalAws, type LocalAws } from './harness';

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws();
  await aws.events.send(new CreateEventBusCommand({ Name: 'orders' }));
  await aws.events.send(
    new PutRuleCommand({
      Name: 'all-orders',
      EventBusName: 'orders',
      EventPattern: '{"source":["orderflow.orders"]}',
    }),
  );
  await aws.events.send(
    new PutTargetsCommand({
      Rule: 'all-orders',
      EventBusName: 'orders',
      Targets: [{ Id: 'q', Arn: queueArn('all-orders') }],
    }),
  );
});
afterAll(() => aws.close());

const entry = (overrides: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry => ({
  EventBusName: 'orders',
  Source: 'orderflow.orders',
  DetailType: 'OrderPlaced',
  Detail: JSON.stringify({ orderId: 'o-1' }),
  ...overrides,
});

describe('PutEvents validation', () => {
  it('answers each entry with an EventId or an error, in order, and counts the failures', async () => {
    const result = await aws.events.send(
      new PutEventsCommand({
        Entries: [
          entry(),
          entry({ Source: undefined }),
          entry({ DetailType: undefined }),
          entry({ Detail: undefined }),
          entry({ Detail: '{not json' }),
          entry({ Detail: '[1, 2]' }),
          entry({ EventBusName: 'no-such-bus' }),
          entry({ EventBusName: 'arn:aws:events:us-east-1:000000000000:event-bus/orders' }),
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(6);
    expect(result.Entries).toEqual([
      { EventId: expect.any(String) },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
      },
      {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
      },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      { ErrorCode: 'ResourceNotFoundException', ErrorMessage: 'Event bus no-such-bus does not exist.' },
      { EventId: expect.any(String) },
    ]);
    await aws.idle();
    const delivered = aws.targets
      .to(queueArn('all-orders'))
      .map((d) => (JSON.parse(d.body) as { id: string }).id);
    expect(delivered).toEqual(
      expect.arrayContaining([result.Entries?.[0]?.EventId, result.Entries?.[7]?.EventId]),
    );
  });

  it('refuses an empty request and more than 10 entries', async () => {
    await expect(aws.events.send(new PutEventsCommand({ Entries: [] }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Member must have length greater than or equal to 1'),
    });
    await expect(
      aws.events.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry()) })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Member must have length less than or equal to 10'),
    });
  });

  it('refuses a request whose entries add up to more than 256 KB, and accepts exactly 256 KB', async () => {
    const overhead = Buffer.byteLength('orderflow.orders') + Buffer.byteLength('OrderPlaced');
    const detailOf = (bytes: number) => JSON.stringify({ pad: 'x'.repeat(bytes - '{"pad":""}'.length) });
    await expect(
      aws.events.send(
        new PutEventsCommand({
          Entries: [
            entry({ Detail: detailOf(128 * 1024) }),
            entry({ Detail: detailOf(128 * 1024 - 2 * overhead + 1) }),
          ],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
    });
    const { FailedEntryCount } = await aws.events.send(
      new PutEventsCommand({ Entries: [entry({ Detail: detailOf(256 * 1024 - overhead) })] }),
    );
    expect(FailedEntryCount).toBe(0);
  });

  it('uses the given Time and Resources in the event', async () => {
    const time = new Date('2024-02-29T12:34:56Z');
    const { Entries } = await aws.events.send(
      new PutEventsCommand({ Entries: [entry({ Time: time, Resources: ['arn:aws:dynamodb:::table/x'] })] }),
    );
    await aws.idle();
    const event = aws.targets
      .to(queueArn('all-orders'))
      .map((d) => JSON.parse(d.body) as Record<string, unknown>)
      .find((e) => e.id === Entries?.[0]?.EventId);
    expect(event).toMatchObject({ time: '2024-02-29T12:34:56Z', resources: ['arn:aws:dynamodb:::table/x'] });
  });
});

describe('buses and rules', () => {
  it('lists and describes buses; the default bus always exists', async () => {
    const { EventBuses } = await aws.events.send(new ListEventBusesCommand({}));
    expect(EventBuses?.map((bus) => bus.Name)).toEqual(expect.arrayContaining(['default', 'orders']));
    const bus = await aws.events.send(new DescribeEventBusCommand({ Name: 'orders' }));
    expect(bus.Arn).toBe('arn:aws:events:us-east-1:000000000000:event-bus/orders');
    await expect(aws.events.send(new CreateEventBusCommand({ Name: 'orders' }))).rejects.toMatchObject({
      name: 'ResourceAlreadyExistsException',
    });
    await expect(aws.events.send(new DeleteEventBusCommand({ Name: 'default' }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('describes, lists by prefix, disables and deletes rules', async () => {
    await aws.events.send(
      new PutRuleCommand({ Name: 'audit-a', EventPattern: '{"source":["x"]}', Description: 'A' }),
    );
    await aws.events.send(
      new PutRuleCommand({ Name: 'audit-b', EventPattern: '{"source":["y"]}', State: 'DISABLED' }),
    );
    await aws.events.send(new PutRuleCommand({ Name: 'other', EventPattern: '{"source":["z"]}' }));
    const { Rules } = await aws.events.send(new ListRulesCommand({ NamePrefix: 'audit-' }));
    expect(Rules?.map((rule) => [rule.Name, rule.State, rule.Arn])).toEqual([
      ['audit-a', 'ENABLED', 'arn:aws:events:us-east-1:000000000000:rule/audit-a'],
      ['audit-b', 'DISABLED', 'arn:aws:events:us-east-1:000000000000:rule/audit-b'],
    ]);
    const described = await aws.events.send(new DescribeRuleCommand({ Name: 'audit-a' }));
    expect(described).toMatchObject({
      Name: 'audit-a',
      EventPattern: '{"source":["x"]}',
      Description: 'A',
      EventBusName: 'default',
      State: 'ENABLED',
    });
    await aws.events.send(new DisableRuleCommand({ Name: 'audit-a' }));
    expect((await aws.events.send(new DescribeRuleCommand({ Name: 'audit-a' }))).State).toBe('DISABLED');
    await aws.events.send(new EnableRuleCommand({ Name: 'audit-a' }));
    await aws.events.send(
      new PutTargetsCommand({ Rule: 'audit-a', Targets: [{ Id: 't1', Arn: queueArn('audit') }] }),
    );
    const { Targets } = await aws.events.send(new ListTargetsByRuleCommand({ Rule: 'audit-a' }));
    expect(Targets).toEqual([{ Id: 't1', Arn: queueArn('audit') }]);
    await expect(aws.events.send(new DeleteRuleCommand({ Name: 'audit-a' }))).rejects.toMatchObject({
      name: 'ValidationException',
      message: "Rule can't be deleted since it has targets.",
    });
    await aws.events.send(new RemoveTargetsCommand({ Rule: 'audit-a', Ids: ['t1'] }));
    await aws.events.send(new DeleteRuleCommand({ Name: 'audit-a' }));
    await expect(aws.events.send(new DescribeRuleCommand({ Name: 'audit-a' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Rule audit-a does not exist on EventBus default.',
    });
  });

  it('rule ARNs on a custom bus name the bus', async () => {
    const { RuleArn } = await aws.events.send(
      new PutRuleCommand({ Name: 'named', EventBusName: 'orders', EventPattern: '{"source":["x"]}' }),
    );
    expect(RuleArn).toBe('arn:aws:events:us-east-1:000000000000:rule/orders/named');
  });

  it('a disabled rule delivers nothing', async () => {
    await aws.events.send(
      new PutRuleCommand({
        Name: 'off',
        EventBusName: 'orders',
        EventPattern: '{"source":["orderflow.off"]}',
        State: 'DISABLED',
      }),
    );
    await aws.events.send(
      new PutTargetsCommand({
        Rule: 'off',
        EventBusName: 'orders',
        Targets: [{ Id: 'q', Arn: queueArn('off') }],
      }),
    );
    await aws.events.send(new PutEventsCommand({ Entries: [entry({ Source: 'orderflow.off' })] }));
    await aws.idle();
    expect(aws.targets.to(queueArn('off'))).toHaveLength(0);
  });

  it('validates rules and targets like EventBridge', async () => {
    await expect(
      aws.events.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"source":"orders"}' })),
    ).rejects.toMatchObject({
      name: 'InvalidEventPatternException',
      message: 'Event pattern is not valid. Reason: "source" must be an object or an array',
    });
    await expect(aws.events.send(new PutRuleCommand({ Name: 'bad' }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(
      aws.events.send(
        new PutRuleCommand({ Name: 'bad', EventBusName: 'nope', EventPattern: '{"source":["x"]}' }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: 'Event bus nope does not exist.' });
    await aws.events.send(new PutRuleCommand({ Name: 'targets', EventPattern: '{"source":["x"]}' }));
    await expect(
      aws.events.send(
        new PutTargetsCommand({
          Rule: 'targets',
          Targets: [{ Id: 'q', Arn: queueArn('q'), Input: '{}', InputPath: '$.detail' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      aws.events.send(
        new PutTargetsCommand({ Rule: 'targets', Targets: [{ Id: 'f', Arn: queueArn('q.fifo') }] }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Parameter(s) SqsParameters must be specified for target: f.',
    });
    await aws.events.send(
      new PutTargetsCommand({
        Rule: 'targets',
        Targets: Array.from({ length: 5 }, (_, i) => ({ Id: `t${i}`, Arn: queueArn(`t${i}`) })),
      }),
    );
    await expect(
      aws.events.send(
        new PutTargetsCommand({ Rule: 'targets', Targets: [{ Id: 't5', Arn: queueArn('t5') }] }),
      ),
    ).rejects.toMatchObject({ name: 'LimitExceededException' });
  });
});
