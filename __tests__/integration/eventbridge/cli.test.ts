/** The AWS CLI v1 (an independent client, botocore) against the local EventBridge. */
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { eventPatternCases } from '../../unit/local/matching/event-pattern-cases';
import { awsCli, awsCliError, queueArn, startLocalAws, type LocalAws } from './harness';

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws();
  await aws.events.send(new PutRuleCommand({ Name: 'cli', EventPattern: '{"source":["orderflow.cli"]}' }));
  await aws.events.send(new PutTargetsCommand({ Rule: 'cli', Targets: [{ Id: 'q', Arn: queueArn('cli') }] }));
});
afterAll(() => aws.close());

describe('aws events', () => {
  it('put-events delivers to the matching rule and reports per-entry failures', async () => {
    const entries = [
      { Source: 'orderflow.cli', DetailType: 'OrderPlaced', Detail: JSON.stringify({ orderId: 'cli-1' }) },
      { Source: 'orderflow.cli', DetailType: 'OrderPlaced', Detail: 'not json' },
    ];
    const result = (await awsCli(aws.url, [
      'events',
      'put-events',
      '--entries',
      JSON.stringify(entries),
    ])) as {
      FailedEntryCount: number;
      Entries: Record<string, string>[];
    };
    expect(result.FailedEntryCount).toBe(1);
    expect(result.Entries[0]?.EventId).toEqual(expect.any(String));
    expect(result.Entries[1]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    await aws.idle();
    expect(aws.targets.to(queueArn('cli')).map((d) => JSON.parse(d.body).detail)).toEqual([
      { orderId: 'cli-1' },
    ]);
  });

  it('test-event-pattern answers for a matching and a non-matching case', async () => {
    const matching = eventPatternCases.find((c) => c.matches);
    const failing = eventPatternCases.find((c) => !c.matches);
    for (const c of [matching, failing]) {
      const result = await awsCli(aws.url, [
        'events',
        'test-event-pattern',
        '--event-pattern',
        JSON.stringify(c?.pattern),
        '--event',
        JSON.stringify(c?.event),
      ]);
      expect(result).toEqual({ Result: c?.matches });
    }
  });

  it('test-event-pattern reports an invalid pattern as InvalidEventPatternException', async () => {
    const { code, stderr } = await awsCliError(aws.url, [
      'events',
      'test-event-pattern',
      '--event-pattern',
      '{"source":"orderflow"}',
      '--event',
      JSON.stringify(eventPatternCases[0]?.event),
    ]);
    expect(code).not.toBe(0);
    expect(stderr).toContain('InvalidEventPatternException');
  });
});
