/**
 * Schedule rules on the shared offline stack, driven by the AWS CLI (an independent client): a
 * `rate(1 minute)` rule delivers AWS's scheduled event to an SQS queue (the test stack's time scale makes
 * that minute a second; the queues are read with the SDK), disable-rule stops it, enable-rule resumes it, and an invalid expression is
 * refused as PutRule refuses it.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { eventually } from '../../support/api';
import { awsCli, awsCliError } from '../../support/aws-cli';
import { sqsClient } from '../../support/messaging';
import { stackUrls } from '../../support/stack';

interface ScheduledEvent {
  readonly 'detail-type': string;
  readonly source: string;
  readonly resources: string[];
  readonly time: string;
  readonly detail: unknown;
}

const suffix = randomUUID().slice(0, 8);
const cli = (...args: string[]) => awsCli(stackUrls().aws, args);

/**
 * A queue, and what the test has received from it so far (each message once: it stays invisible). Read
 * with the SDK, which is quicker than a CLI process per poll; the EventBridge calls are the CLI's.
 */
class Inbox {
  readonly events: ScheduledEvent[] = [];
  private constructor(
    private readonly sqs: SQSClient,
    readonly url: string,
    readonly arn: string,
  ) {}

  static async create(name: string): Promise<Inbox> {
    const sqs = sqsClient();
    const { QueueUrl = '' } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    return new Inbox(sqs, QueueUrl, Attributes.QueueArn ?? '');
  }

  /** Receives what is waiting (up to 10), keeps it, and returns all received so far. */
  async receive(): Promise<ScheduledEvent[]> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 900,
        WaitTimeSeconds: 1,
      }),
    );
    for (const message of Messages) this.events.push(JSON.parse(message.Body ?? '{}') as ScheduledEvent);
    return this.events;
  }

  /** Receives until at least `count` messages have arrived in all. */
  atLeast(count: number): Promise<ScheduledEvent[]> {
    return eventually(
      () => this.receive(),
      (events) => events.length >= count,
      90_000,
    );
  }

  /** Receives until a receive brings nothing new. */
  async drain(): Promise<ScheduledEvent[]> {
    let before: number;
    do {
      before = this.events.length;
      await this.receive();
    } while (this.events.length > before);
    return this.events;
  }

  async delete(): Promise<void> {
    await this.sqs.send(new DeleteQueueCommand({ QueueUrl: this.url }));
    this.sqs.destroy();
  }
}

/** A rate(1 minute) rule sending to `inbox`; returns the rule's ARN. */
async function scheduleRule(name: string, inbox: Inbox): Promise<string> {
  const { RuleArn } = (await cli(
    'events',
    'put-rule',
    '--name',
    name,
    '--schedule-expression',
    'rate(1 minute)',
  )) as { RuleArn: string };
  await cli('events', 'put-targets', '--rule', name, '--targets', `Id=q,Arn=${inbox.arn}`);
  return RuleArn;
}

async function removeRule(name: string): Promise<void> {
  await cli('events', 'remove-targets', '--rule', name, '--ids', 'q');
  await cli('events', 'delete-rule', '--name', name);
}

const seconds = (event: ScheduledEvent): number => Date.parse(event.time);

describe('aws events: schedule rules', () => {
  const ruleName = `cli-schedule-${suffix}`;
  const witnessName = `cli-witness-${suffix}`;
  let inbox: Inbox;
  let witnessInbox: Inbox;

  beforeAll(async () => {
    inbox = await Inbox.create(`cli-schedule-${suffix}`);
    witnessInbox = await Inbox.create(`cli-witness-${suffix}`);
  });
  afterAll(async () => {
    for (const name of [ruleName, witnessName]) await removeRule(name).catch(() => undefined);
    await inbox.delete();
    await witnessInbox.delete();
  });

  it('put-rule rate(1 minute) delivers scheduled events; disable-rule stops them, enable-rule resumes', async () => {
    const ruleArn = await scheduleRule(ruleName, inbox);
    const [first] = await inbox.atLeast(1);
    expect(first).toMatchObject({
      version: '0',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '000000000000',
      region: 'us-east-1',
      resources: [ruleArn],
      detail: {},
    });
    expect(first?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    await cli('events', 'disable-rule', '--name', ruleName);
    const described = (await cli('events', 'describe-rule', '--name', ruleName)) as Record<string, unknown>;
    expect(described).toMatchObject({ State: 'DISABLED', ScheduleExpression: 'rate(1 minute)' });
    // Proof of absence: a witness rule with the same rate, put after the disable, ticks three times.
    // Its first tick is a full period after the disable; an enabled rule would have ticked twice more
    // by its third, each with a time no earlier than the witness's first.
    await scheduleRule(witnessName, witnessInbox);
    const [witnessFirst] = await witnessInbox.atLeast(3);
    const afterDisable = (await inbox.drain()).filter(
      (event) => seconds(event) >= seconds(witnessFirst as ScheduledEvent),
    );
    expect(afterDisable).toEqual([]);
    const deliveredWhileEnabled = inbox.events.length;

    await cli('events', 'enable-rule', '--name', ruleName);
    const resumed = await inbox.atLeast(deliveredWhileEnabled + 1);
    expect(resumed.at(-1)).toMatchObject({ 'detail-type': 'Scheduled Event', resources: [ruleArn] });
    await cli('events', 'disable-rule', '--name', ruleName);
    await cli('events', 'disable-rule', '--name', witnessName);
  });

  it('put-rule refuses an invalid schedule expression with ValidationException', async () => {
    for (const expression of ['rate(5 minute)', 'cron(0 12 * * * *)']) {
      const { code, stderr } = await awsCliError(stackUrls().aws, [
        'events',
        'put-rule',
        '--name',
        `cli-invalid-${suffix}`,
        '--schedule-expression',
        expression,
      ]);
      expect(code).not.toBe(0);
      expect(stderr).toContain('ValidationException');
      expect(stderr).toContain('Parameter ScheduleExpression is not valid.');
    }
  });
});
