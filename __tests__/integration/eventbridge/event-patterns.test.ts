/**
 * The event-pattern conformance table (taken from the EventBridge User Guide) replayed through the real
 * API: every case through TestEventPattern, and every case through real rules and deliveries.
 */
import {
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  TestEventPatternCommand,
  CreateEventBusCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { CfnTemplate } from '../../../src/local/template';
import {
  eventPatternCases,
  eventPatternValidationCases,
} from '../../unit/local/matching/event-pattern-cases';
import { queueArn, startLocalAws, type LocalAws } from './harness';

interface EventShape {
  readonly source: string;
  readonly 'detail-type': string;
  readonly time: string;
  readonly resources: string[];
  readonly detail: Record<string, unknown>;
}

const cases = eventPatternCases.map((testCase, index) => ({
  ...testCase,
  index,
  event: testCase.event as EventShape,
  bus: `pattern-case-${index}`,
  queue: queueArn(`pattern-case-${index}`),
}));
/** AWS refuses `aws.*` sources in PutEvents; those events are emitted as AWS services emit them. */
const fromAws = (c: (typeof cases)[number]) => c.event.source.startsWith('aws.');

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws();
});
afterAll(() => aws.close());

describe('TestEventPattern replays the documented event-pattern cases', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { Result } = await aws.events.send(
      new TestEventPatternCommand({
        EventPattern: JSON.stringify(c.pattern),
        Event: JSON.stringify(c.event),
      }),
    );
    expect(Result).toBe(c.matches);
  });

  it.each(eventPatternValidationCases.map((c) => [c.name, c] as const))('refuses: %s', async (_name, c) => {
    const event = JSON.stringify(cases[0]?.event);
    await expect(
      aws.events.send(new TestEventPatternCommand({ EventPattern: JSON.stringify(c.pattern), Event: event })),
    ).rejects.toMatchObject({
      name: 'InvalidEventPatternException',
      message: `Event pattern is not valid. Reason: ${c.reason}`,
    });
  });

  it('refuses an event without the mandatory envelope fields', async () => {
    await expect(
      aws.events.send(
        new TestEventPatternCommand({
          EventPattern: '{"source":["a"]}',
          Event: '{"source":"a","detail":{}}',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('rules deliver exactly the events their pattern matches', () => {
  beforeAll(async () => {
    // Even cases: buses and rules from a template (object EventPattern, GetAtt queue Arn target).
    const resources: CfnTemplate['Resources'] = {};
    for (const c of cases.filter((entry) => entry.index % 2 === 0)) {
      resources[`Bus${c.index}`] = { Type: 'AWS::Events::EventBus', Properties: { Name: c.bus } };
      resources[`Queue${c.index}`] = { Type: 'AWS::SQS::Queue', Properties: { QueueName: c.bus } };
      resources[`Rule${c.index}`] = {
        Type: 'AWS::Events::Rule',
        Properties: {
          EventBusName: { Ref: `Bus${c.index}` },
          EventPattern: c.pattern,
          State: 'ENABLED',
          Targets: [{ Id: 'queue', Arn: { 'Fn::GetAtt': [`Queue${c.index}`, 'Arn'] } }],
        },
      };
    }
    aws.eventBridge.loadTemplate({ Resources: resources });
    // Odd cases: CreateEventBus, PutRule and PutTargets through the SDK.
    for (const c of cases.filter((entry) => entry.index % 2 === 1)) {
      await aws.events.send(new CreateEventBusCommand({ Name: c.bus }));
      await aws.events.send(
        new PutRuleCommand({
          Name: `rule-${c.index}`,
          EventBusName: c.bus,
          EventPattern: JSON.stringify(c.pattern),
        }),
      );
      await aws.events.send(
        new PutTargetsCommand({
          Rule: `rule-${c.index}`,
          EventBusName: c.bus,
          Targets: [{ Id: 'queue', Arn: c.queue }],
        }),
      );
    }
    const entries: PutEventsRequestEntry[] = cases
      .filter((c) => !fromAws(c))
      .map((c) => ({
        EventBusName: c.index % 3 === 0 ? `arn:aws:events:us-east-1:000000000000:event-bus/${c.bus}` : c.bus,
        Source: c.event.source,
        DetailType: c.event['detail-type'],
        Detail: JSON.stringify(c.event.detail),
        Resources: c.event.resources,
        Time: new Date(c.event.time),
      }));
    for (let start = 0; start < entries.length; start += 10) {
      const { FailedEntryCount } = await aws.events.send(
        new PutEventsCommand({ Entries: entries.slice(start, start + 10) }),
      );
      expect(FailedEntryCount).toBe(0);
    }
    for (const c of cases.filter(fromAws)) {
      aws.eventBridge.emitServiceEvent({
        eventBusName: c.bus,
        source: c.event.source,
        detailType: c.event['detail-type'],
        detail: c.event.detail,
        resources: c.event.resources,
        time: Date.parse(c.event.time),
      });
    }
    await aws.idle();
  });

  it('replays most of the table through PutEvents itself', () => {
    expect(cases.filter((c) => !fromAws(c)).length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const delivered = aws.targets.to(c.queue);
    expect(delivered).toHaveLength(c.matches ? 1 : 0);
    if (!c.matches) return;
    const event = JSON.parse(delivered[0]?.body ?? '{}') as Record<string, unknown>;
    expect(event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': c.event['detail-type'],
      source: c.event.source,
      account: '000000000000',
      time: c.event.time,
      region: 'us-east-1',
      resources: c.event.resources,
      detail: c.event.detail,
    });
  });

  it('refuses aws.* sources in PutEvents, as AWS does', async () => {
    const { FailedEntryCount, Entries } = await aws.events.send(
      new PutEventsCommand({ Entries: [{ Source: 'aws.ec2', DetailType: 'x', Detail: '{}' }] }),
    );
    expect(FailedEntryCount).toBe(1);
    expect(Entries?.[0]).toEqual({
      ErrorCode: 'NotAuthorizedForSourceException',
      ErrorMessage: 'Not authorized for the source.',
    });
  });
});
