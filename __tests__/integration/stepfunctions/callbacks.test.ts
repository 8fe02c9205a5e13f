/**
 * `.waitForTaskToken` tasks (SQS and Lambda), answered through the real SDK with SendTaskSuccess,
 * SendTaskFailure and SendTaskHeartbeat; TimeoutSeconds / HeartbeatSeconds (and their *Path forms) for token
 * tasks and plain tasks; SNS publish and EventBridge putEvents through the dispatcher.
 */
import {
  InvalidOutput,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { CfnTemplate } from '../../../src/local/template';
import { AwsServiceError } from '../../../src/local/aws/protocol';
import {
  busArn,
  cliHistory,
  describeExecution,
  eventually,
  FunctionError,
  history,
  lambdaResource,
  queueArn,
  queueResource,
  roleResource,
  settled,
  startLocalSfn,
  stateMachineArn,
  stateMachineResource,
  topicArn,
  types,
  type LocalSfn,
} from './harness';

const approvalViaQueue = {
  StartAt: 'AskApproval',
  States: {
    AskApproval: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: {
        QueueUrl: '${ApprovalQueueUrl}',
        MessageBody: { 'orderId.$': '$.orderId', 'TaskToken.$': '$$.Task.Token' },
      },
      ResultPath: '$.approval',
      Next: 'Approved',
    },
    Approved: { Type: 'Pass', End: true },
  },
};

const fifoQueue = {
  StartAt: 'Enqueue',
  States: {
    Enqueue: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: {
        QueueUrl: '${FulfilmentQueueArn}',
        'MessageBody.$': 'States.JsonToString($$.Task)',
        'MessageGroupId.$': '$.orderId',
        'MessageDeduplicationId.$': '$$.Execution.Name',
      },
      End: true,
    },
  },
};

const reviewViaLambda = {
  StartAt: 'Review',
  States: {
    Review: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: '${ReviewArn}',
        Payload: { 'orderId.$': '$.orderId', 'token.$': '$$.Task.Token' },
      },
      Catch: [{ ErrorEquals: ['ReviewRejected'], ResultPath: '$.rejection', Next: 'Rejected' }],
      ResultPath: '$.review',
      End: true,
    },
    Rejected: { Type: 'Pass', End: true },
  },
};

const tokenTask = (fields: object, catchers: object[] = []) => ({
  StartAt: 'Wait for token',
  States: {
    'Wait for token': {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: { QueueUrl: '${PendingQueueUrl}', MessageBody: { 'token.$': '$$.Task.Token' } },
      ...fields,
      ...(catchers.length > 0 ? { Catch: catchers } : {}),
      End: true,
    },
    ...(catchers.length > 0 ? { Handled: { Type: 'Pass', End: true } } : {}),
  },
});

const slowTasks = {
  StartAt: 'Slow invoke',
  States: {
    'Slow invoke': {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'orderflow-slow', 'Payload.$': '$' },
      TimeoutSecondsPath: '$.timeout',
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.timedOut', Next: 'Slow function' }],
      End: true,
    },
    'Slow function': { Type: 'Task', Resource: '${SlowArn}', TimeoutSeconds: 1, End: true },
  },
};

const notify = {
  StartAt: 'Publish',
  States: {
    Publish: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sns:publish',
      Parameters: {
        TopicArn: '${OrdersTopic}',
        Message: { 'orderId.$': '$.orderId', status: 'CONFIRMED' },
        MessageAttributes: { eventType: { DataType: 'String', StringValue: 'OrderConfirmed' } },
      },
      ResultPath: '$.published',
      Next: 'Announce',
    },
    Announce: {
      Type: 'Task',
      Resource: 'arn:aws:states:::events:putEvents',
      Parameters: {
        Entries: [
          {
            EventBusName: '${OrdersBus}',
            Source: 'orderflow.orders',
            DetailType: 'OrderConfirmed',
            Detail: { 'orderId.$': '$.orderId' },
          },
        ],
      },
      ResultPath: '$.announced',
      End: true,
    },
  },
};

const template: CfnTemplate = {
  Resources: {
    StepFunctionsRole: roleResource(),
    ApprovalQueue: queueResource('orderflow-approvals'),
    PendingQueue: queueResource('orderflow-pending'),
    FulfilmentQueue: queueResource('orderflow-fulfilment.fifo'),
    ReviewLambdaFunction: lambdaResource('orderflow-review'),
    SlowLambdaFunction: lambdaResource('orderflow-slow'),
    OrdersTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 'orderflow-orders' } },
    OrdersBus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'orderflow-orders' } },
    Approval: stateMachineResource('approval', approvalViaQueue, {
      ApprovalQueueUrl: { Ref: 'ApprovalQueue' },
    }),
    Fifo: stateMachineResource('fifo', fifoQueue, {
      FulfilmentQueueArn: { 'Fn::GetAtt': ['FulfilmentQueue', 'Arn'] },
    }),
    Review: stateMachineResource('review', reviewViaLambda, {
      ReviewArn: { 'Fn::GetAtt': ['ReviewLambdaFunction', 'Arn'] },
    }),
    TokenTimeout: stateMachineResource('token-timeout', tokenTask({ TimeoutSeconds: 1 }), {
      PendingQueueUrl: { Ref: 'PendingQueue' },
    }),
    TokenTimeoutNotTaskFailed: stateMachineResource(
      'token-timeout-taskfailed',
      tokenTask({ TimeoutSeconds: 1 }, [{ ErrorEquals: ['States.TaskFailed'], Next: 'Handled' }]),
      { PendingQueueUrl: { Ref: 'PendingQueue' } },
    ),
    Heartbeat: stateMachineResource(
      'heartbeat',
      tokenTask({ HeartbeatSeconds: 3, TimeoutSeconds: 30 }, [
        { ErrorEquals: ['States.Timeout'], Next: 'Handled' },
      ]),
      { PendingQueueUrl: { Ref: 'PendingQueue' } },
    ),
    HeartbeatPath: stateMachineResource(
      'heartbeat-path',
      tokenTask({ HeartbeatSecondsPath: '$.heartbeat', TimeoutSecondsPath: '$.timeout' }),
      { PendingQueueUrl: { Ref: 'PendingQueue' } },
    ),
    Slow: stateMachineResource('slow', slowTasks, {
      SlowArn: { 'Fn::GetAtt': ['SlowLambdaFunction', 'Arn'] },
    }),
    Notify: stateMachineResource('notify', notify, {
      OrdersTopic: { Ref: 'OrdersTopic' },
      OrdersBus: { Ref: 'OrdersBus' },
    }),
  },
};

let sfn: LocalSfn;
const reviewCalls: { orderId: string; token: string }[] = [];
let answerInsideFunction = false;
beforeAll(async () => {
  sfn = await startLocalSfn({
    template,
    functions: {
      'orderflow-review': async (event) => {
        const call = event as { orderId: string; token: string };
        reviewCalls.push(call);
        if (answerInsideFunction) {
          // answered before the function even returns: the token is live from the moment it is handed out
          await sfn.client.send(
            new SendTaskSuccessCommand({ taskToken: call.token, output: '{"early":true}' }),
          );
        }
        return { queued: call.orderId };
      },
      'orderflow-slow': async (event) => {
        await new Promise((resolve) => setTimeout(resolve, 2500));
        return event;
      },
    },
  });
});
afterAll(async () => {
  await sfn.service.close();
  await sfn.close();
});

async function start(name: string, input: object): Promise<string> {
  const { executionArn } = await sfn.client.send(
    new StartExecutionCommand({ stateMachineArn: stateMachineArn(name), input: JSON.stringify(input) }),
  );
  return executionArn ?? '';
}

const tokenFrom = (body: string): string => {
  const parsed = JSON.parse(body) as { TaskToken?: string; token?: string; Token?: string };
  return parsed.TaskToken ?? parsed.token ?? parsed.Token ?? '';
};

describe('sqs:sendMessage.waitForTaskToken', () => {
  it('sends the token in the message and continues with what SendTaskSuccess returns', async () => {
    const arn = await start('approval', { orderId: 'o-10' });
    const message = await sfn.targets.next(queueArn('orderflow-approvals'));
    const body = JSON.parse(message.body) as { orderId: string; TaskToken: string };
    expect(body.orderId).toBe('o-10');
    expect(body.TaskToken).toMatch(/^AQ/);
    await sfn.client.send(
      new SendTaskSuccessCommand({ taskToken: body.TaskToken, output: '{"approvedBy":"ops"}' }),
    );
    const description = await settled(sfn.client, arn);
    expect(description.status).toBe('SUCCEEDED');
    expect(JSON.parse(description.output ?? '')).toEqual({
      orderId: 'o-10',
      approval: { approvedBy: 'ops' },
    });

    const events = await cliHistory(sfn.url, arn);
    expect(events.map((event) => event.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    const scheduled = events[2]?.taskScheduledEventDetails as Record<string, string>;
    expect(scheduled).toMatchObject({
      resourceType: 'sqs',
      resource: 'sendMessage.waitForTaskToken',
      region: 'us-east-1',
    });
    expect(JSON.parse(scheduled.parameters ?? '')).toEqual({
      QueueUrl: `${sfn.url}/000000000000/orderflow-approvals`,
      MessageBody: { orderId: 'o-10', TaskToken: body.TaskToken },
    });
    const submitted = events[4]?.taskSubmittedEventDetails as Record<string, string>;
    expect(JSON.parse(submitted.output ?? '')).toMatchObject({
      MessageId: expect.any(String),
      MD5OfMessageBody: expect.any(String),
    });
    expect(events[5]?.taskSucceededEventDetails).toMatchObject({ output: '{"approvedBy":"ops"}' });

    // the task is closed: its token is no longer accepted
    await expect(
      sfn.client.send(new SendTaskSuccessCommand({ taskToken: body.TaskToken, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('passes MessageGroupId and MessageDeduplicationId to a FIFO queue given by ARN; rejects output that is not JSON', async () => {
    const arn = await start('fifo', { orderId: 'o-11' });
    const message = await sfn.targets.next(queueArn('orderflow-fulfilment.fifo'));
    expect(message.messageGroupId).toBe('o-11');
    expect(message.messageDeduplicationId).toBe(arn.split(':').at(-1));
    const token = tokenFrom(message.body);
    await expect(
      sfn.client.send(new SendTaskSuccessCommand({ taskToken: token, output: 'not json' })),
    ).rejects.toBeInstanceOf(InvalidOutput);
    await sfn.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '"done"' }));
    expect(await settled(sfn.client, arn)).toMatchObject({ status: 'SUCCEEDED', output: '"done"' });
  });

  it('fails the task with SQS.QueueDoesNotExistException when the queue does not exist', async () => {
    sfn.targets.failFor(
      queueArn('orderflow-approvals'),
      () =>
        new AwsServiceError('AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.'),
    );
    try {
      const arn = await start('approval', { orderId: 'o-12' });
      expect(await settled(sfn.client, arn)).toMatchObject({
        status: 'FAILED',
        error: 'SQS.QueueDoesNotExistException',
        cause: 'The specified queue does not exist.',
      });
      expect(types(await history(sfn.client, arn))).toEqual([
        'ExecutionStarted',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskFailed',
        'ExecutionFailed',
      ]);
    } finally {
      sfn.targets.failFor(queueArn('orderflow-approvals'), () => new RangeError('unused'));
      sfn.targets.failFor(queueArn('orderflow-approvals-unused'), () => new RangeError('unused'));
    }
  });
});

describe('lambda:invoke.waitForTaskToken', () => {
  it('invokes the function with the token; SendTaskFailure fails the task with its error and cause, which Catch routes', async () => {
    answerInsideFunction = false;
    const arn = await start('review', { orderId: 'o-20' });
    await eventually(sfn.client, arn, 'TaskSubmitted');
    const call = reviewCalls.find((candidate) => candidate.orderId === 'o-20');
    expect(call?.token).toMatch(/^AQ/);
    await sfn.client.send(
      new SendTaskFailureCommand({
        taskToken: call?.token,
        error: 'ReviewRejected',
        cause: 'address is a PO box',
      }),
    );
    const description = await settled(sfn.client, arn);
    expect(description.status).toBe('SUCCEEDED');
    expect(JSON.parse(description.output ?? '')).toEqual({
      orderId: 'o-20',
      rejection: { Error: 'ReviewRejected', Cause: 'address is a PO box' },
    });
    const events = await history(sfn.client, arn);
    expect(types(events).slice(2, 7)).toEqual([
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskFailed',
      'TaskStateExited',
    ]);
    expect(events[2]?.taskScheduledEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
    });
    expect(JSON.parse(events[4]?.taskSubmittedEventDetails?.output ?? '')).toMatchObject({
      Payload: { queued: 'o-20' },
      StatusCode: 200,
    });
    expect(events[5]?.taskFailedEventDetails).toEqual({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      error: 'ReviewRejected',
      cause: 'address is a PO box',
    });
  });

  it('accepts an answer sent while the function is still running (recorded after TaskSubmitted)', async () => {
    answerInsideFunction = true;
    try {
      const arn = await start('review', { orderId: 'o-21' });
      const description = await settled(sfn.client, arn);
      expect(JSON.parse(description.output ?? '')).toEqual({ orderId: 'o-21', review: { early: true } });
      expect(types(await history(sfn.client, arn)).slice(2, 6)).toEqual([
        'TaskScheduled',
        'TaskStarted',
        'TaskSubmitted',
        'TaskSucceeded',
      ]);
    } finally {
      answerInsideFunction = false;
    }
  });

  it('fails at once, without waiting for a token, when the function throws', async () => {
    sfn.invoker.define('orderflow-review', () => {
      throw new FunctionError('ReviewRejected', 'no reviewers');
    });
    const arn = await start('review', { orderId: 'o-22' });
    const description = await settled(sfn.client, arn);
    expect(JSON.parse(description.output ?? '')).toMatchObject({ rejection: { Error: 'ReviewRejected' } });
    expect(types(await history(sfn.client, arn))).not.toContain('TaskSubmitted');
  });
});

describe('task timeouts', () => {
  it('times a token task out after TimeoutSeconds (TaskTimedOut, States.Timeout); the token then answers TaskTimedOut', async () => {
    const pending = sfn.targets.to(queueArn('orderflow-pending')).length;
    const started = Date.now();
    const arn = await start('token-timeout', {});
    const message = await sfn.targets.next(queueArn('orderflow-pending'), pending);
    const description = await settled(sfn.client, arn);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(description).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    const events = await history(sfn.client, arn);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskTimedOut',
      'ExecutionFailed',
    ]);
    expect(events[2]?.taskScheduledEventDetails?.timeoutInSeconds).toBe(1);
    expect(events[5]?.taskTimedOutEventDetails).toEqual({
      resourceType: 'sqs',
      resource: 'sendMessage.waitForTaskToken',
      error: 'States.Timeout',
    });
    await expect(
      sfn.client.send(new SendTaskSuccessCommand({ taskToken: tokenFrom(message.body), output: '{}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('does not let States.TaskFailed catch States.Timeout', async () => {
    const arn = await start('token-timeout-taskfailed', {});
    expect(await settled(sfn.client, arn)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
  });

  it('keeps a token task alive while SendTaskHeartbeat comes within HeartbeatSeconds, and times it out when it stops', async () => {
    const pending = sfn.targets.to(queueArn('orderflow-pending')).length;
    const started = Date.now();
    const arn = await start('heartbeat', { orderId: 'o-30' });
    const token = tokenFrom((await sfn.targets.next(queueArn('orderflow-pending'), pending)).body);
    // 8 beats 500 ms apart keep it alive for 4 s, past the 3 s HeartbeatSeconds: each beat restarts the clock
    for (let beat = 0; beat < 8; beat += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await sfn.client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    }
    expect((await describeExecution(sfn.client, arn)).status).toBe('RUNNING');
    const description = await settled(sfn.client, arn);
    // the last beat (>= 4 s in) restarted the 3 s clock, so it cannot have timed out before 7 s
    expect(Date.now() - started).toBeGreaterThanOrEqual(6_900);
    expect(description.status).toBe('SUCCEEDED');
    expect(JSON.parse(description.output ?? '')).toEqual({ Error: 'States.Timeout', Cause: '' });
    const events = await history(sfn.client, arn);
    expect(events[2]?.taskScheduledEventDetails).toMatchObject({
      heartbeatInSeconds: 3,
      timeoutInSeconds: 30,
    });
    expect(types(events)).toContain('TaskTimedOut');
    await expect(sfn.client.send(new SendTaskHeartbeatCommand({ taskToken: token }))).rejects.toBeInstanceOf(
      TaskTimedOut,
    );
  }, 30_000);

  it('reads HeartbeatSecondsPath and TimeoutSecondsPath from the state input', async () => {
    const pending = sfn.targets.to(queueArn('orderflow-pending')).length;
    const arn = await start('heartbeat-path', { heartbeat: 1, timeout: 20 });
    await sfn.targets.next(queueArn('orderflow-pending'), pending);
    const description = await settled(sfn.client, arn);
    expect(description).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    const events = await history(sfn.client, arn);
    expect(events[2]?.taskScheduledEventDetails).toMatchObject({
      heartbeatInSeconds: 1,
      timeoutInSeconds: 20,
    });
    // the 1 s heartbeat, not the 20 s timeout, is what timed it out
    const elapsed = (events.at(-1)?.timestamp?.getTime() ?? 0) - (events[0]?.timestamp?.getTime() ?? 0);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(15_000);
  });

  it('fails with States.Runtime when a *SecondsPath does not select a positive integer', async () => {
    const arn = await start('heartbeat-path', { heartbeat: 'soon', timeout: 5 });
    expect(await settled(sfn.client, arn)).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });

  it('times plain tasks out too: TaskTimedOut for lambda:invoke, LambdaFunctionTimedOut for a function ARN', async () => {
    const arn = await start('slow', { timeout: 1 });
    const description = await settled(sfn.client, arn);
    expect(description).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    const kinds = types(await history(sfn.client, arn));
    expect(kinds).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskTimedOut',
      'TaskStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionTimedOut',
      'ExecutionFailed',
    ]);
  });
});

describe('sns:publish and events:putEvents', () => {
  it('publishes to the topic and puts the event on the bus, with the execution and state machine ARNs as resources', async () => {
    const arn = await start('notify', { orderId: 'o-40' });
    const description = await settled(sfn.client, arn);
    expect(description.status).toBe('SUCCEEDED');
    const [published] = sfn.targets.to(topicArn('orderflow-orders'));
    expect(JSON.parse(published?.body ?? '')).toEqual({ orderId: 'o-40', status: 'CONFIRMED' });
    expect(published?.messageAttributes).toEqual({
      eventType: { DataType: 'String', StringValue: 'OrderConfirmed' },
    });
    const [put] = sfn.targets.to(busArn('orderflow-orders'));
    const event = JSON.parse(put?.body ?? '') as Record<string, unknown>;
    expect(event).toMatchObject({
      source: 'orderflow.orders',
      'detail-type': 'OrderConfirmed',
      detail: { orderId: 'o-40' },
      account: '000000000000',
      region: 'us-east-1',
      resources: [arn, stateMachineArn('notify')],
    });
    const output = JSON.parse(description.output ?? '') as {
      published: { MessageId: string };
      announced: { Entries: { EventId: string }[]; FailedEntryCount: number };
    };
    expect(output.published.MessageId).toEqual(expect.any(String));
    expect(output.announced).toEqual({ Entries: [{ EventId: event.id }], FailedEntryCount: 0 });
  });

  it('fails the task with EventBridge.FailedEntry when an entry is not put', async () => {
    sfn.targets.failFor(
      busArn('orderflow-orders'),
      () => new AwsServiceError('ResourceNotFoundException', 'no bus'),
    );
    const arn = await start('notify', { orderId: 'o-41' });
    const description = await settled(sfn.client, arn);
    expect(description).toMatchObject({ status: 'FAILED', error: 'EventBridge.FailedEntry' });
    expect(JSON.parse(description.cause ?? '')).toEqual({
      Entries: [{ ErrorCode: 'NotFoundException', ErrorMessage: 'no bus' }],
      FailedEntryCount: 1,
    });
  });
});
