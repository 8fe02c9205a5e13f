import { validateEventPattern } from '../../src/local/matching/event-pattern';
import { validateFilterPolicy, type FilterPolicyScope } from '../../src/local/matching/filter-policy';
import { resourcesOfType } from '../../src/local/template';
import { referencedLogicalId } from '../../src/local/template-refs';
import { ciTemplate } from '../support/stack';

/** Queues that are themselves the end of the line (dead-letter queues and failure destinations). */
const isTerminalQueue = (name: string) => /-dlq(\.fifo)?$|-failures$/.test(name);

describe('compiled template: messaging fabric', () => {
  it('declares the bus with an archive for replay', async () => {
    const template = await ciTemplate();
    expect(template.Resources.EventBus?.Properties?.Name).toBe('orderflow-ci');
    const [[, archive] = []] = resourcesOfType(template, 'AWS::Events::Archive');
    expect(referencedLogicalId(archive?.Properties?.SourceArn)).toBe('EventBus');
    expect(archive?.Properties?.RetentionDays).toBeGreaterThan(0);
  });

  it('encrypts every queue at rest (SQS2)', async () => {
    for (const [id, queue] of resourcesOfType(await ciTemplate(), 'AWS::SQS::Queue')) {
      const p = queue.Properties ?? {};
      expect({ id, encrypted: p.SqsManagedSseEnabled === true || p.KmsMasterKeyId !== undefined }).toEqual({
        id,
        encrypted: true,
      });
    }
  });

  it('gives every working queue a DLQ through its redrive policy (SQS3)', async () => {
    const template = await ciTemplate();
    const queues = resourcesOfType(template, 'AWS::SQS::Queue');
    const working = queues.filter(([, q]) => !isTerminalQueue(String(q.Properties?.QueueName)));
    expect(working.length).toBeGreaterThanOrEqual(4);
    for (const [id, queue] of working) {
      const policy = queue.Properties?.RedrivePolicy as
        { deadLetterTargetArn?: unknown; maxReceiveCount?: number } | undefined;
      const dlq = referencedLogicalId(policy?.deadLetterTargetArn);
      expect({ id, dlq: dlq !== undefined, maxReceiveCount: policy?.maxReceiveCount }).toEqual({
        id,
        dlq: true,
        maxReceiveCount: 5,
      });
      // A FIFO queue's DLQ must be FIFO too.
      expect(Boolean(template.Resources[dlq ?? '']?.Properties?.FifoQueue)).toBe(
        Boolean(queue.Properties?.FifoQueue),
      );
    }
  });

  it('has standard and FIFO queues, the FIFO ones deduplicating', async () => {
    const queues = resourcesOfType(await ciTemplate(), 'AWS::SQS::Queue').map(([, q]) => q.Properties ?? {});
    const fifo = queues.filter((q) => q.FifoQueue === true && !isTerminalQueue(String(q.QueueName)));
    expect(fifo.length).toBeGreaterThan(0);
    for (const q of fifo) expect(q.ContentBasedDeduplication).toBe(true);
    expect(queues.some((q) => q.FifoQueue !== true)).toBe(true);
  });

  it('encrypts every topic (SNS2)', async () => {
    const topics = resourcesOfType(await ciTemplate(), 'AWS::SNS::Topic');
    expect(topics.map(([id]) => id).sort()).toEqual(['AlertsTopic', 'NotificationsTopic']);
    for (const [id, topic] of topics)
      expect({ id, key: topic.Properties?.KmsMasterKeyId !== undefined }).toEqual({ id, key: true });
  });

  it('gives every rule target a retry policy and a DLQ, and every pattern is valid', async () => {
    const rules = resourcesOfType(await ciTemplate(), 'AWS::Events::Rule');
    expect(rules.length).toBeGreaterThanOrEqual(2);
    for (const [id, rule] of rules) {
      if (rule.Properties?.ScheduleExpression !== undefined) {
        // Schedules run on the default bus only, and match no events (tickAlerts: alerts.test.ts).
        expect({ id, bus: rule.Properties.EventBusName, pattern: rule.Properties.EventPattern }).toEqual({
          id,
          bus: undefined,
          pattern: undefined,
        });
      } else {
        expect(() => validateEventPattern(rule.Properties?.EventPattern)).not.toThrow();
        expect(referencedLogicalId(rule.Properties?.EventBusName)).toBe('EventBus');
      }
      for (const target of rule.Properties?.Targets as {
        RetryPolicy?: unknown;
        DeadLetterConfig?: { Arn?: unknown };
      }[]) {
        expect({
          id,
          retry: target.RetryPolicy !== undefined,
          dlq: referencedLogicalId(target.DeadLetterConfig?.Arn),
        }).toEqual({
          id,
          retry: true,
          dlq: 'EventDeliveryDeadLetterQueue',
        });
      }
    }
  });

  it('filters subscriptions with valid policies, in both scopes, each with a redrive DLQ', async () => {
    const subscriptions = resourcesOfType(await ciTemplate(), 'AWS::SNS::Subscription');
    const scopes = new Set<string>();
    for (const [id, subscription] of subscriptions) {
      const p = subscription.Properties ?? {};
      const scope = (p.FilterPolicyScope ?? 'MessageAttributes') as FilterPolicyScope;
      scopes.add(scope);
      // The ops alerts subscription takes every message of the alerts topic: no filter to validate.
      if (p.FilterPolicy !== undefined) {
        expect(() => validateFilterPolicy(p.FilterPolicy, scope)).not.toThrow();
      }
      expect({
        id,
        redrive:
          (p.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined)?.deadLetterTargetArn !==
          undefined,
      }).toEqual({
        id,
        redrive: true,
      });
    }
    expect([...scopes].sort()).toEqual(['MessageAttributes', 'MessageBody']);
  });

  it('reports partial batch failures from every queue consumer', async () => {
    const template = await ciTemplate();
    const fromQueues = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping').filter(
      ([, m]) =>
        template.Resources[referencedLogicalId(m.Properties?.EventSourceArn) ?? '']?.Type ===
        'AWS::SQS::Queue',
    );
    expect(fromQueues.length).toBeGreaterThanOrEqual(3);
    for (const [id, mapping] of fromQueues) {
      expect({ id, types: mapping.Properties?.FunctionResponseTypes }).toEqual({
        id,
        types: ['ReportBatchItemFailures'],
      });
    }
  });

  it('lets only the bus and the topic send to the queues they feed', async () => {
    const policies = resourcesOfType(await ciTemplate(), 'AWS::SQS::QueuePolicy');
    // Allow statements only: every queue policy also denies non-TLS requests to everyone (rules.test.ts, SQS4).
    const principals = policies.flatMap(([, p]) =>
      (
        (p.Properties?.PolicyDocument as { Statement: { Effect: string; Principal: { Service: string } }[] })
          .Statement ?? []
      )
        .filter((s) => s.Effect === 'Allow')
        .map((s) => s.Principal.Service),
    );
    expect([...new Set(principals)].sort()).toEqual(['events.amazonaws.com', 'sns.amazonaws.com']);
  });
});
