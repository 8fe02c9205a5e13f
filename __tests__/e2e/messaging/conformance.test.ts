/**
 * The documented EventBridge pattern cases and SNS filter-policy cases, replayed against the running
 * offline stack (the endpoint `npm start` serves) with the real SDK clients and real deliveries to SQS.
 */
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { eventPatternCases } from '../../unit/local/matching/event-pattern-cases';
import { filterPolicyCases } from '../../unit/local/matching/filter-policy-cases';
import { sqsClient } from '../../support/messaging';
import { localClientConfig } from '../../support/stack';

const run = Date.now().toString(36);
const arnOf = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

/** Receives until `expected` messages arrived or a quiet second passes; returns the bodies. */
async function drain(queueUrl: string, expected: number): Promise<string[]> {
  const sqs = sqsClient();
  const bodies: string[] = [];
  try {
    for (let quiet = 0; quiet < 2 && bodies.length <= expected;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (Messages.length === 0) quiet += 1;
      bodies.push(...Messages.map((m) => m.Body ?? ''));
      if (bodies.length >= expected && Messages.length === 0) break;
    }
  } finally {
    sqs.destroy();
  }
  return bodies;
}

describe('EventBridge pattern conformance on the running stack', () => {
  const events = new EventBridgeClient(localClientConfig());
  afterAll(() => events.destroy());

  it.each(eventPatternCases.map((c) => [c.name, c] as const))('TestEventPattern: %s', async (_name, c) => {
    const { Result } = await events.send(
      new TestEventPatternCommand({
        EventPattern: JSON.stringify(c.pattern),
        Event: JSON.stringify(c.event),
      }),
    );
    expect(Result).toBe(c.matches);
  });

  it('delivers through real rules exactly the events the patterns match', async () => {
    type Envelope = {
      source: string;
      'detail-type': string;
      detail: object;
      resources?: string[];
      time?: string;
    };
    // AWS refuses `aws.*` sources in PutEvents, and a pattern on fields EventBridge sets itself cannot be replayed.
    const replayable = eventPatternCases
      .map((c, index) => ({ ...c, index, event: c.event as Envelope }))
      .filter((c) => !c.event.source.startsWith('aws.'))
      .filter((c) => !['account', 'region', 'id', 'version'].some((key) => key in c.pattern));
    expect(replayable.length).toBeGreaterThanOrEqual(40);
    const sqs = sqsClient();
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `conformance-${run}` }));
    sqs.destroy();
    for (const c of replayable) {
      const bus = `conformance-${run}-${c.index}`;
      await events.send(new CreateEventBusCommand({ Name: bus }));
      await events.send(
        new PutRuleCommand({
          Name: `case-${c.index}`,
          EventBusName: bus,
          EventPattern: JSON.stringify(c.pattern),
        }),
      );
      await events.send(
        new PutTargetsCommand({
          Rule: `case-${c.index}`,
          EventBusName: bus,
          Targets: [{ Id: 'q', Arn: arnOf(`conformance-${run}`), Input: JSON.stringify({ case: c.index }) }],
        }),
      );
      const result = await events.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: bus,
              Source: c.event.source,
              DetailType: c.event['detail-type'],
              Detail: JSON.stringify(c.event.detail),
              Resources: c.event.resources,
              Time: c.event.time ? new Date(c.event.time) : undefined,
            },
          ],
        }),
      );
      expect(result.FailedEntryCount).toBe(0);
    }
    const expected = replayable.filter((c) => c.matches).map((c) => c.index);
    const delivered = (await drain(QueueUrl ?? '', expected.length)).map(
      (body) => (JSON.parse(body) as { case: number }).case,
    );
    expect(delivered.sort((a, b) => a - b)).toEqual(expected);
  });
});

/** The case tables describe Binary attributes by type only; Publish needs bytes for them. */
const publishable = (attributes: Readonly<Record<string, { DataType: string; StringValue?: string }>>) =>
  Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      value.DataType.startsWith('Binary')
        ? { DataType: value.DataType, BinaryValue: Buffer.from(value.StringValue ?? 'binary') }
        : value,
    ]),
  );

describe('SNS filter-policy conformance on the running stack', () => {
  it(`delivers to a subscription exactly the messages its policy matches (${filterPolicyCases.length} cases)`, async () => {
    expect(filterPolicyCases.length).toBeGreaterThanOrEqual(20);
    const sns = new SNSClient(localClientConfig());
    const sqs = sqsClient();
    const expected: number[] = [];
    const queues: string[] = [];
    try {
      for (const [index, c] of filterPolicyCases.entries()) {
        const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `filter-${run}-${index}` }));
        const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `filter-${run}-${index}` }));
        queues.push(QueueUrl ?? '');
        await sns.send(
          new SubscribeCommand({
            TopicArn,
            Protocol: 'sqs',
            Endpoint: arnOf(`filter-${run}-${index}`),
            Attributes: {
              FilterPolicy: JSON.stringify(c.policy),
              FilterPolicyScope: c.scope,
              RawMessageDelivery: 'true',
            },
          }),
        );
        await sns.send(
          new PublishCommand({
            TopicArn,
            Message: c.message.body,
            MessageAttributes:
              Object.keys(c.message.attributes).length > 0 ? publishable(c.message.attributes) : undefined,
          }),
        );
        if (c.matches) expected.push(index);
      }
      const delivered: number[] = [];
      for (const [index, queueUrl] of queues.entries()) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            // A long poll returns as soon as a message lands, so the generous wait costs nothing when idle.
            WaitTimeSeconds: expected.includes(index) ? 20 : 0,
          }),
        );
        if (Messages.length > 0) delivered.push(index);
      }
      expect(delivered).toEqual(expected);
    } finally {
      sns.destroy();
      sqs.destroy();
    }
  }, 240_000);
});
