/**
 * Schedule rules of the local EventBridge, in process: what a serverless `schedule` event compiles to fires
 * its Lambda target through the dispatcher, with the scheduled event's shape; Enable/Disable/DeleteRule
 * start and stop it. The time scale makes `rate(1 minute)` tick every 100 ms.
 */
import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import type { CfnTemplate } from '../../../src/local/template';
import { eventually } from '../../support/api';
import { ACCOUNT, functionArn, queueArn, REGION, startLocalAws, type LocalAws } from './harness';

const TIME_SCALE = 600;

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ eventBridge: { scheduleTimeScale: TIME_SCALE } });
});
afterAll(() => aws.close());

const ruleArn = (name: string): string => `arn:aws:events:${REGION}:${ACCOUNT}:rule/${name}`;
const eventsTo = (arn: string): Record<string, unknown>[] =>
  aws.targets.to(arn).map((delivery) => JSON.parse(delivery.body) as Record<string, unknown>);
/** Waits until `arn` has received at least `count` deliveries; returns them parsed. */
const atLeast = (arn: string, count: number) =>
  eventually(
    async () => eventsTo(arn),
    (events) => events.length >= count,
    30_000,
  );

/** What `functions: sweep: events: - schedule: rate(1 minute)` compiles to (osls, schedule.js). */
const serverlessSchedule: CfnTemplate = {
  Resources: {
    SweepLambdaFunction: {
      Type: 'AWS::Lambda::Function',
      Properties: { FunctionName: 'orderflow-local-sweep', Handler: 'sweep.handler' },
    },
    SweepEventsRuleSchedule1: {
      Type: 'AWS::Events::Rule',
      Properties: {
        ScheduleExpression: 'rate(1 minute)',
        State: 'ENABLED',
        Targets: [{ Arn: { 'Fn::GetAtt': ['SweepLambdaFunction', 'Arn'] }, Id: 'sweepSchedule' }],
      },
    },
    SweepLambdaPermissionEventsRuleSchedule1: {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: { 'Fn::GetAtt': ['SweepLambdaFunction', 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': ['SweepEventsRuleSchedule1', 'Arn'] },
      },
    },
  },
};

describe('schedule rules', () => {
  it("fire a serverless schedule event's rule at its Lambda target with AWS's scheduled event", async () => {
    aws.eventBridge.loadTemplate(serverlessSchedule);
    const sweep = functionArn('orderflow-local-sweep');
    const events = await atLeast(sweep, 3);
    for (const event of events) {
      expect(event).toEqual({
        version: '0',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: ACCOUNT,
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        region: REGION,
        resources: [ruleArn('SweepEventsRuleSchedule1')],
        detail: {},
      });
    }
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    const times = events.map((event) => Date.parse(String(event.time)));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // Stop it, so it does not run beside the other tests.
    await aws.events.send(new DisableRuleCommand({ Name: 'SweepEventsRuleSchedule1' }));
  });

  it('honours Input and InputTransformer on a scheduled target', async () => {
    await aws.events.send(new PutRuleCommand({ Name: 'shaped', ScheduleExpression: 'rate(1 minute)' }));
    await aws.events.send(
      new PutTargetsCommand({
        Rule: 'shaped',
        Targets: [
          { Id: 'constant', Arn: queueArn('shaped-constant'), Input: '{"sweep":"orders"}' },
          {
            Id: 'transformed',
            Arn: queueArn('shaped-transformed'),
            InputTransformer: {
              InputPathsMap: { kind: '$.detail-type', at: '$.time' },
              InputTemplate: '{"kind":<kind>,"at":<at>,"rule":<aws.events.rule-name>}',
            },
          },
        ],
      }),
    );
    const [constant] = await atLeast(queueArn('shaped-constant'), 1);
    const [transformed] = await atLeast(queueArn('shaped-transformed'), 1);
    await aws.events.send(new DisableRuleCommand({ Name: 'shaped' }));
    expect(constant).toEqual({ sweep: 'orders' });
    expect(transformed).toEqual({
      kind: 'Scheduled Event',
      at: expect.stringMatching(/Z$/),
      rule: 'shaped',
    });
  });

  it('stop on DisableRule and resume on EnableRule', async () => {
    const watched = queueArn('toggled');
    const witness = queueArn('witness');
    await aws.events.send(new PutRuleCommand({ Name: 'toggled', ScheduleExpression: 'rate(1 minute)' }));
    await aws.events.send(new PutTargetsCommand({ Rule: 'toggled', Targets: [{ Id: 'q', Arn: watched }] }));
    await atLeast(watched, 2);

    await aws.events.send(new DisableRuleCommand({ Name: 'toggled' }));
    const { State } = await aws.events.send(new DescribeRuleCommand({ Name: 'toggled' }));
    expect(State).toBe('DISABLED');
    await aws.idle();
    const delivered = eventsTo(watched).length;
    // Proof of absence: a rule with the same period, started after the disable, fires three times; an
    // enabled 'toggled' would have fired at least twice meanwhile.
    await aws.events.send(new PutRuleCommand({ Name: 'witness', ScheduleExpression: 'rate(1 minute)' }));
    await aws.events.send(new PutTargetsCommand({ Rule: 'witness', Targets: [{ Id: 'q', Arn: witness }] }));
    await atLeast(witness, 3);
    await aws.idle();
    expect(eventsTo(watched)).toHaveLength(delivered);

    await aws.events.send(new EnableRuleCommand({ Name: 'toggled' }));
    await atLeast(watched, delivered + 2);
    await aws.events.send(new DisableRuleCommand({ Name: 'toggled' }));
    await aws.events.send(new DisableRuleCommand({ Name: 'witness' }));
  });

  it('stop for good on DeleteRule, even when a rule of the same name comes back without a schedule', async () => {
    const watched = queueArn('deleted');
    await aws.events.send(new PutRuleCommand({ Name: 'deleted', ScheduleExpression: 'rate(1 minute)' }));
    await aws.events.send(new PutTargetsCommand({ Rule: 'deleted', Targets: [{ Id: 'q', Arn: watched }] }));
    await atLeast(watched, 1);
    await aws.events.send(new RemoveTargetsCommand({ Rule: 'deleted', Ids: ['q'] }));
    await aws.events.send(new DeleteRuleCommand({ Name: 'deleted' }));
    await aws.events.send(
      new PutRuleCommand({ Name: 'deleted', EventPattern: JSON.stringify({ source: ['orderflow.none'] }) }),
    );
    await aws.events.send(new PutTargetsCommand({ Rule: 'deleted', Targets: [{ Id: 'q', Arn: watched }] }));
    await aws.idle();
    const delivered = eventsTo(watched).length;
    const witness = queueArn('witness-deleted');
    await aws.events.send(
      new PutRuleCommand({ Name: 'witness-deleted', ScheduleExpression: 'rate(1 minute)' }),
    );
    await aws.events.send(
      new PutTargetsCommand({ Rule: 'witness-deleted', Targets: [{ Id: 'q', Arn: witness }] }),
    );
    await atLeast(witness, 3);
    await aws.events.send(new DisableRuleCommand({ Name: 'witness-deleted' }));
    await aws.idle();
    expect(eventsTo(watched)).toHaveLength(delivered);
  });

  it('answer an invalid expression with ValidationException, as PutRule does', async () => {
    for (const expression of ['rate(1 minutes)', 'rate(0 minutes)', 'cron(0 12 * * * *)', 'cron(0 12 * *)']) {
      await expect(
        aws.events.send(new PutRuleCommand({ Name: 'invalid', ScheduleExpression: expression })),
      ).rejects.toMatchObject({
        name: 'ValidationException',
        message: 'Parameter ScheduleExpression is not valid.',
      });
    }
  });
});
