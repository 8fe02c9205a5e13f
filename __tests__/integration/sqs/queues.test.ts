import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueueTagsCommand,
  ListQueuesCommand,
  QueueDoesNotExist,
  QueueNameExists,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSServiceException,
  TagQueueCommand,
} from '@aws-sdk/client-sqs';
import { ACCOUNT, startSqs, type SqsHarness } from './harness';

describe('local SQS: queues', () => {
  let sqs: SqsHarness;
  beforeAll(async () => {
    sqs = await startSqs();
  });
  afterAll(() => sqs.close());

  it('creates, finds, lists and describes queues with the URL and ARN forms AWS uses', async () => {
    const { QueueUrl } = await sqs.client.send(
      new CreateQueueCommand({
        QueueName: 'orders-in',
        Attributes: { VisibilityTimeout: '7', DelaySeconds: '0', KmsMasterKeyId: 'alias/aws/sqs' },
        tags: { team: 'orders' },
      }),
    );
    expect(QueueUrl).toBe(`${sqs.url}/${ACCOUNT}/orders-in`);
    await sqs.client.send(new CreateQueueCommand({ QueueName: 'orders-out' }));
    await sqs.client.send(new CreateQueueCommand({ QueueName: 'billing' }));

    expect((await sqs.client.send(new GetQueueUrlCommand({ QueueName: 'orders-in' }))).QueueUrl).toBe(
      QueueUrl,
    );
    const { QueueUrls } = await sqs.client.send(new ListQueuesCommand({ QueueNamePrefix: 'orders-' }));
    expect(QueueUrls).toEqual([`${sqs.url}/${ACCOUNT}/orders-in`, `${sqs.url}/${ACCOUNT}/orders-out`]);

    const page = await sqs.client.send(new ListQueuesCommand({ MaxResults: 2 }));
    expect(page.QueueUrls).toHaveLength(2);
    expect(page.NextToken).toBeDefined();
    const rest = await sqs.client.send(new ListQueuesCommand({ MaxResults: 2, NextToken: page.NextToken }));
    expect(rest.QueueUrls?.length).toBeGreaterThanOrEqual(1);

    const { Attributes } = await sqs.client.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }),
    );
    expect(Attributes).toMatchObject({
      QueueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:orders-in`,
      VisibilityTimeout: '7',
      DelaySeconds: '0',
      MessageRetentionPeriod: '345600',
      MaximumMessageSize: '1048576',
      ReceiveMessageWaitTimeSeconds: '0',
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
      ApproximateNumberOfMessagesDelayed: '0',
      KmsMasterKeyId: 'alias/aws/sqs',
      KmsDataKeyReusePeriodSeconds: '300',
    });
    expect(Attributes?.FifoQueue).toBeUndefined();
    const named = await sqs.client.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn', 'VisibilityTimeout'] }),
    );
    expect(Object.keys(named.Attributes ?? {}).sort()).toEqual(['QueueArn', 'VisibilityTimeout']);
    expect((await sqs.client.send(new ListQueueTagsCommand({ QueueUrl }))).Tags).toEqual({ team: 'orders' });
    await sqs.client.send(new TagQueueCommand({ QueueUrl, Tags: { env: 'local' } }));
    expect((await sqs.client.send(new ListQueueTagsCommand({ QueueUrl }))).Tags).toEqual({
      team: 'orders',
      env: 'local',
    });
  });

  it('answers CreateQueue idempotently for the same attributes and with QueueNameExists otherwise', async () => {
    const first = await sqs.client.send(
      new CreateQueueCommand({ QueueName: 'idempotent', Attributes: { VisibilityTimeout: '5' } }),
    );
    const again = await sqs.client.send(
      new CreateQueueCommand({ QueueName: 'idempotent', Attributes: { VisibilityTimeout: '5' } }),
    );
    expect(again.QueueUrl).toBe(first.QueueUrl);
    await expect(
      sqs.client.send(
        new CreateQueueCommand({ QueueName: 'idempotent', Attributes: { VisibilityTimeout: '6' } }),
      ),
    ).rejects.toBeInstanceOf(QueueNameExists);
  });

  it('enforces the .fifo naming rules and FIFO-only attributes', async () => {
    const fifo = await sqs.client.send(
      new CreateQueueCommand({
        QueueName: 'jobs.fifo',
        Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'true' },
      }),
    );
    const { Attributes } = await sqs.client.send(
      new GetQueueAttributesCommand({ QueueUrl: fifo.QueueUrl, AttributeNames: ['All'] }),
    );
    expect(Attributes).toMatchObject({
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
      DeduplicationScope: 'queue',
      FifoThroughputLimit: 'perQueue',
    });
    const rejection = (name: string, attributes: Record<string, string>) =>
      sqs.client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes })).then(
        () => 'created',
        (error: SQSServiceException) => error.name,
      );
    expect(await rejection('jobs', { FifoQueue: 'true' })).toBe('InvalidParameterValue');
    expect(await rejection('plain.fifo', {})).toBe('InvalidParameterValue');
    expect(await rejection('bad name!', {})).toBe('InvalidParameterValue');
    expect(await rejection('standard', { ContentBasedDeduplication: 'true' })).toBe('InvalidAttributeName');
    expect(await rejection('standard', { VisibilityTimeout: '43201' })).toBe('InvalidAttributeValue');
    expect(await rejection('standard', { NoSuchAttribute: '1' })).toBe('InvalidAttributeName');
  });

  it('sets attributes, validates redrive policies and lists dead-letter sources', async () => {
    const dlq = await sqs.client.send(new CreateQueueCommand({ QueueName: 'work-dlq' }));
    const work = await sqs.client.send(new CreateQueueCommand({ QueueName: 'work' }));
    const dlqArn = sqs.arn('work-dlq');
    await sqs.client.send(
      new SetQueueAttributesCommand({
        QueueUrl: work.QueueUrl,
        Attributes: {
          VisibilityTimeout: '1',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: '3' }),
        },
      }),
    );
    const { Attributes } = await sqs.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: work.QueueUrl,
        AttributeNames: ['RedrivePolicy', 'VisibilityTimeout'],
      }),
    );
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: dlqArn,
      maxReceiveCount: 3,
    });
    expect(Attributes?.VisibilityTimeout).toBe('1');
    const sources = await sqs.client.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.QueueUrl }));
    expect(sources.queueUrls).toEqual([work.QueueUrl]);

    await expect(
      sqs.client.send(
        new SetQueueAttributesCommand({
          QueueUrl: work.QueueUrl,
          Attributes: {
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: sqs.arn('nowhere'), maxReceiveCount: 3 }),
          },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });

    await sqs.client.send(
      new SetQueueAttributesCommand({
        QueueUrl: dlq.QueueUrl,
        Attributes: { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'denyAll' }) },
      }),
    );
    const other = await sqs.client.send(new CreateQueueCommand({ QueueName: 'other-work' }));
    await expect(
      sqs.client.send(
        new SetQueueAttributesCommand({
          QueueUrl: other.QueueUrl,
          Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });

    await sqs.client.send(
      new SetQueueAttributesCommand({ QueueUrl: work.QueueUrl, Attributes: { RedrivePolicy: '' } }),
    );
    const cleared = await sqs.client.send(
      new GetQueueAttributesCommand({ QueueUrl: work.QueueUrl, AttributeNames: ['All'] }),
    );
    expect(cleared.Attributes?.RedrivePolicy).toBeUndefined();
  });

  it('throws the modelled QueueDoesNotExist (query code AWS.SimpleQueueService.NonExistentQueue) through SDK v3', async () => {
    const error: unknown = await sqs.client
      .send(new GetQueueUrlCommand({ QueueName: 'missing' }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QueueDoesNotExist);
    expect(error).toMatchObject({
      name: 'QueueDoesNotExist',
      message: 'The specified queue does not exist.',
      Code: 'AWS.SimpleQueueService.NonExistentQueue',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      sqs.client.send(
        new SendMessageCommand({ QueueUrl: `${sqs.url}/${ACCOUNT}/missing`, MessageBody: 'x' }),
      ),
    ).rejects.toBeInstanceOf(QueueDoesNotExist);
    await expect(
      sqs.client.send(
        new SendMessageCommand({ QueueUrl: `${sqs.url}/123456789012/orders-in`, MessageBody: 'x' }),
      ),
    ).rejects.toBeInstanceOf(QueueDoesNotExist);
  });

  it('reports the query error code to the AWS CLI as real SQS does', async () => {
    const failure = await sqs.cliFailure(['get-queue-url', '--queue-name', 'missing']);
    expect(failure.code).not.toBe(0);
    expect(failure.stderr).toContain('(AWS.SimpleQueueService.NonExistentQueue)');
    expect(failure.stderr).toContain('The specified queue does not exist.');
  });

  it('renders errors in the AWS JSON 1.0 shape with the x-amzn-query-error header', async () => {
    const post = (operation: string, body: unknown) =>
      fetch(sqs.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${operation}` },
        body: JSON.stringify(body),
      });
    const missing = await post('GetQueueUrl', { QueueName: 'missing' });
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(missing.headers.get('x-amzn-query-error')).toBe('AWS.SimpleQueueService.NonExistentQueue;Sender');
    expect(await missing.json()).toEqual({
      __type: 'com.amazonaws.sqs#QueueDoesNotExist',
      message: 'The specified queue does not exist.',
    });

    const unknown = await post('FrobnicateQueue', {});
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { __type: string }).__type).toBe(
      'com.amazon.coral.service#UnknownOperationException',
    );

    const inherited = await post('toString', {});
    expect(((await inherited.json()) as { __type: string }).__type).toBe(
      'com.amazon.coral.service#UnknownOperationException',
    );

    const noName = await post('CreateQueue', {});
    expect(await noName.json()).toMatchObject({ __type: 'com.amazonaws.sqs#MissingParameter' });
    expect(noName.headers.get('x-amzn-query-error')).toBe('MissingParameter;Sender');
  });

  it('uses the Host of the request for queue URLs when no base URL is configured', async () => {
    const local = await startSqs({ urlsFromHostHeader: true });
    try {
      local.service.createQueue('hosted');
      const response = await fetch(local.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.GetQueueUrl' },
        body: JSON.stringify({ QueueName: 'hosted' }),
      });
      expect(await response.json()).toEqual({ QueueUrl: `${local.url}/${ACCOUNT}/hosted` });
    } finally {
      await local.close();
    }
  });

  it('deletes queues', async () => {
    const { QueueUrl } = await sqs.client.send(new CreateQueueCommand({ QueueName: 'short-lived' }));
    await sqs.client.send(new DeleteQueueCommand({ QueueUrl }));
    await expect(
      sqs.client.send(new GetQueueUrlCommand({ QueueName: 'short-lived' })),
    ).rejects.toBeInstanceOf(QueueDoesNotExist);
  });
});
