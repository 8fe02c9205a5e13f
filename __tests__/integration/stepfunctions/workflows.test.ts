/**
 * Workflows run by the local Step Functions, checked through the real SDK and the AWS CLI: Lambda tasks in
 * sequence, Retry (attempts and backoff visible in the history), Catch into a compensation chain, Choice,
 * Parallel and Map, StopExecution, and the history's ids.
 */
import { StartExecutionCommand, StopExecutionCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import type { CfnTemplate } from '../../../src/local/template';
import {
  awsCli,
  cliHistory,
  eventually,
  functionArn,
  FunctionError,
  history,
  lambdaResource,
  roleResource,
  settled,
  startLocalSfn,
  stateMachineArn,
  stateMachineResource,
  types,
  type LocalSfn,
} from './harness';

const order = {
  StartAt: 'Validate',
  States: {
    Validate: { Type: 'Task', Resource: '${ValidateArn}', ResultPath: '$.validation', Next: 'Reserve' },
    Reserve: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: '${ReserveArn}', 'Payload.$': '$' },
      ResultSelector: { 'reservationId.$': '$.Payload.reservationId' },
      ResultPath: '$.reservation',
      Next: 'Charge',
    },
    Charge: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName:
          'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:orderflow-charge',
        Payload: { 'orderId.$': '$.orderId', 'amount.$': '$.amount' },
      },
      ResultSelector: { 'chargeId.$': '$.Payload.chargeId' },
      ResultPath: '$.charge',
      Catch: [{ ErrorEquals: ['PaymentDeclinedError'], ResultPath: '$.error', Next: 'ReleaseStock' }],
      Next: 'Done',
    },
    ReleaseStock: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'orderflow-release', 'Payload.$': '$' },
      ResultPath: null,
      Next: 'NotifyDecline',
    },
    NotifyDecline: { Type: 'Task', Resource: '${NotifyArn}', ResultPath: null, Next: 'OrderFailed' },
    OrderFailed: { Type: 'Fail', Error: 'OrderFailed', Cause: 'The payment was declined' },
    Done: { Type: 'Succeed' },
  },
};

const retries = (retrier: object) => ({
  StartAt: 'Flaky',
  States: {
    Flaky: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'orderflow-flaky', 'Payload.$': '$' },
      OutputPath: '$.Payload',
      Retry: [retrier],
      End: true,
    },
  },
});

const choice = {
  StartAt: 'Route',
  States: {
    Route: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.amount', NumericGreaterThan: 100, Next: 'ManualReview' },
        {
          And: [
            { Variable: '$.country', IsPresent: true },
            { Variable: '$.country', StringEquals: 'FR' },
          ],
          Next: 'Domestic',
        },
      ],
      Default: 'AutoApprove',
    },
    ManualReview: { Type: 'Pass', Result: 'manual', ResultPath: '$.route', End: true },
    Domestic: { Type: 'Pass', Result: 'domestic', ResultPath: '$.route', End: true },
    AutoApprove: { Type: 'Pass', Result: 'auto', ResultPath: '$.route', End: true },
  },
};

const fanOut = {
  StartAt: 'PerLine',
  States: {
    PerLine: {
      Type: 'Map',
      ItemsPath: '$.lines',
      ItemSelector: { 'sku.$': '$$.Map.Item.Value.sku', 'qty.$': '$$.Map.Item.Value.qty' },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'INLINE' },
        StartAt: 'PriceLine',
        States: { PriceLine: { Type: 'Task', Resource: '${PriceArn}', End: true } },
      },
      ResultPath: '$.priced',
      Next: 'Both',
    },
    Both: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Left', States: { Left: { Type: 'Pass', Result: 'L', End: true } } },
        { StartAt: 'Right', States: { Right: { Type: 'Pass', Result: 'R', End: true } } },
      ],
      ResultPath: '$.branches',
      End: true,
    },
  },
};

const waiting = {
  StartAt: 'Hold',
  States: { Hold: { Type: 'Wait', Seconds: 30, Next: 'After' }, After: { Type: 'Pass', End: true } },
};

const bounded = {
  TimeoutSeconds: 1,
  StartAt: 'Hold',
  States: { Hold: { Type: 'Wait', Seconds: 10, End: true } },
};

const fn = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

const template: CfnTemplate = {
  Resources: {
    ValidateLambdaFunction: lambdaResource('orderflow-validate'),
    ReserveLambdaFunction: lambdaResource('orderflow-reserve'),
    NotifyLambdaFunction: lambdaResource('orderflow-notify'),
    PriceLambdaFunction: lambdaResource('orderflow-price'),
    StepFunctionsRole: roleResource(),
    OrderWorkflow: stateMachineResource('order-workflow', order, {
      ValidateArn: fn('ValidateLambdaFunction'),
      ReserveArn: fn('ReserveLambdaFunction'),
      NotifyArn: fn('NotifyLambdaFunction'),
    }),
    RetryBackoff: stateMachineResource(
      'retry-backoff',
      retries({
        ErrorEquals: ['TransientError'],
        IntervalSeconds: 1,
        BackoffRate: 10,
        MaxAttempts: 3,
        MaxDelaySeconds: 1,
      }),
    ),
    RetryJitter: stateMachineResource(
      'retry-jitter',
      retries({
        ErrorEquals: ['States.TaskFailed'],
        IntervalSeconds: 1,
        MaxAttempts: 2,
        JitterStrategy: 'FULL',
      }),
    ),
    RetryService: stateMachineResource(
      'retry-service',
      retries({ ErrorEquals: ['Lambda.ServiceException'], IntervalSeconds: 0, MaxAttempts: 1 }),
    ),
    Routing: stateMachineResource('routing', choice),
    FanOut: stateMachineResource('fan-out', fanOut, { PriceArn: fn('PriceLambdaFunction') }),
    Waiting: stateMachineResource('waiting', waiting),
    Bounded: stateMachineResource('bounded', bounded),
  },
};

let sfn: LocalSfn;
let flakyCalls = 0;
let flakyFailures = 0;
beforeAll(async () => {
  sfn = await startLocalSfn({
    template,
    functions: {
      'orderflow-validate': () => ({ valid: true }),
      'orderflow-reserve': (event) => ({ reservationId: `r-${(event as { orderId: string }).orderId}` }),
      'orderflow-charge': (event) => {
        const { amount, orderId } = event as { amount: number; orderId: string };
        if (amount > 1000) throw new FunctionError('PaymentDeclinedError', `card declined for ${orderId}`);
        return { chargeId: `c-${orderId}` };
      },
      'orderflow-release': () => ({ released: true }),
      'orderflow-notify': () => ({ sent: true }),
      'orderflow-price': (event) => ({ ...(event as object), price: 5 * (event as { qty: number }).qty }),
      'orderflow-flaky': (event) => {
        flakyCalls += 1;
        if (flakyCalls <= flakyFailures)
          throw new FunctionError('TransientError', `attempt ${flakyCalls} failed`);
        return { ok: true, attempt: flakyCalls, input: event };
      },
    },
  });
});
afterAll(() => sfn.close());

async function start(name: string, input: object, executionName?: string): Promise<string> {
  const { executionArn } = await sfn.client.send(
    new StartExecutionCommand({
      stateMachineArn: stateMachineArn(name),
      input: JSON.stringify(input),
      name: executionName,
    }),
  );
  return executionArn ?? '';
}

const details = (event: HistoryEvent | undefined, key: string): Record<string, unknown> =>
  ((event as Record<string, unknown> | undefined)?.[key] ?? {}) as Record<string, unknown>;

/** ids 1..n, each previousEventId the one before, timestamps not going back. */
function expectConsistentChain(events: readonly HistoryEvent[]): void {
  events.forEach((event, index) => {
    expect(event.id).toBe(index + 1);
    expect(event.previousEventId).toBe(index);
    if (index > 0)
      expect(event.timestamp?.getTime()).toBeGreaterThanOrEqual(events[index - 1]?.timestamp?.getTime() ?? 0);
  });
}

describe('a sequence of Lambda tasks', () => {
  it('runs plain function ARNs and lambda:invoke, with ResultSelector/ResultPath, to SUCCEEDED', async () => {
    const arn = await start('order-workflow', { orderId: 'o-1', amount: 40 }, 'happy-o-1');
    const description = await settled(sfn.client, arn);
    expect(description.status).toBe('SUCCEEDED');
    expect(JSON.parse(description.output ?? '')).toEqual({
      orderId: 'o-1',
      amount: 40,
      validation: { valid: true },
      reservation: { reservationId: 'r-o-1' },
      charge: { chargeId: 'c-o-1' },
    });
    expect(sfn.invoker.callsTo('orderflow-charge')).toContainEqual({ orderId: 'o-1', amount: 40 });
    const events = await history(sfn.client, arn);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expectConsistentChain(events);
  });

  it('gives the AWS CLI the history AWS gives: ids, previousEventId and each event type’s details', async () => {
    const arn = await start('order-workflow', { orderId: 'o-2', amount: 10 }, 'cli-o-2');
    await settled(sfn.client, arn);
    const events = await cliHistory(sfn.url, arn);
    expect(events.map((event) => [event.id, event.previousEventId])).toEqual(
      events.map((_, i) => [i + 1, i]),
    );
    expect(events[0]).toMatchObject({
      type: 'ExecutionStarted',
      executionStartedEventDetails: {
        input: JSON.stringify({ orderId: 'o-2', amount: 10 }),
        inputDetails: { truncated: false },
        roleArn: 'arn:aws:iam::000000000000:role/StepFunctionsRole',
      },
    });
    expect(events[1]).toMatchObject({
      type: 'TaskStateEntered',
      stateEnteredEventDetails: { name: 'Validate', inputDetails: { truncated: false } },
    });
    expect(events[2]).toMatchObject({
      type: 'LambdaFunctionScheduled',
      lambdaFunctionScheduledEventDetails: { resource: functionArn('orderflow-validate') },
    });
    expect(
      JSON.parse(String(details(events[2] as never, 'lambdaFunctionScheduledEventDetails').input)),
    ).toEqual({
      orderId: 'o-2',
      amount: 10,
    });
    const scheduled = events.filter((event) => event.type === 'TaskScheduled');
    expect(scheduled[1]).toMatchObject({
      taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'us-east-1' },
    });
    expect(
      JSON.parse(String(details(scheduled[1] as never, 'taskScheduledEventDetails').parameters)),
    ).toEqual({
      FunctionName: functionArn('orderflow-charge'),
      Payload: { orderId: 'o-2', amount: 10 },
    });
    const succeeded = events.filter((event) => event.type === 'TaskSucceeded')[1];
    expect(succeeded).toMatchObject({
      taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke' },
    });
    expect(JSON.parse(String(details(succeeded as never, 'taskSucceededEventDetails').output))).toMatchObject(
      {
        ExecutedVersion: '$LATEST',
        Payload: { chargeId: 'c-o-2' },
        StatusCode: 200,
      },
    );
    expect(events.at(-2)).toMatchObject({
      type: 'SucceedStateExited',
      stateExitedEventDetails: { name: 'Done' },
    });
    expect(events.at(-1)?.type).toBe('ExecutionSucceeded');

    const withoutData = await cliHistory(sfn.url, arn, ['--no-include-execution-data']);
    expect(withoutData[0]?.executionStartedEventDetails).toEqual({
      roleArn: 'arn:aws:iam::000000000000:role/StepFunctionsRole',
    });

    const reversed = await cliHistory(sfn.url, arn, ['--reverse-order', '--max-items', '3']);
    expect(reversed.map((event) => event.type)).toEqual([
      'ExecutionSucceeded',
      'SucceedStateExited',
      'SucceedStateEntered',
    ]);

    const described = (await awsCli(sfn.url, [
      'stepfunctions',
      'describe-execution',
      '--execution-arn',
      arn,
    ])) as Record<string, unknown>;
    expect(described).toMatchObject({
      executionArn: arn,
      stateMachineArn: stateMachineArn('order-workflow'),
      name: 'cli-o-2',
      status: 'SUCCEEDED',
      input: JSON.stringify({ orderId: 'o-2', amount: 10 }),
    });
    // AWS CLI v1 shows timestamps as the service sends them (JSON protocol: epoch seconds)
    expect(typeof described.startDate).toBe('number');
    expect(Number(described.stopDate)).toBeGreaterThanOrEqual(Number(described.startDate));
    expect(JSON.parse(String(described.output))).toMatchObject({ charge: { chargeId: 'c-o-2' } });
  });
});

describe('Catch', () => {
  it('routes a function error by its errorType to the compensation chain, then the Fail state fails the execution', async () => {
    const arn = await start('order-workflow', { orderId: 'o-3', amount: 5000 }, 'declined-o-3');
    const description = await settled(sfn.client, arn);
    expect(description).toMatchObject({
      status: 'FAILED',
      error: 'OrderFailed',
      cause: 'The payment was declined',
    });
    const released = sfn.invoker.callsTo('orderflow-release').at(-1) as {
      error: { Error: string; Cause: string };
    };
    expect(released.error.Error).toBe('PaymentDeclinedError');
    expect(JSON.parse(released.error.Cause)).toMatchObject({
      errorType: 'PaymentDeclinedError',
      errorMessage: 'card declined for o-3',
      trace: expect.any(Array),
    });
    const events = await history(sfn.client, arn);
    const failed = events.find((event) => event.type === 'TaskFailed');
    expect(failed?.taskFailedEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke',
      error: 'PaymentDeclinedError',
    });
    expect(JSON.parse(failed?.taskFailedEventDetails?.cause ?? '')).toMatchObject({
      errorType: 'PaymentDeclinedError',
    });
    const entered = events
      .filter((event) => event.stateEnteredEventDetails)
      .map((event) => event.stateEnteredEventDetails?.name);
    expect(entered).toEqual([
      'Validate',
      'Reserve',
      'Charge',
      'ReleaseStock',
      'NotifyDecline',
      'OrderFailed',
    ]);
    expect(types(events).slice(-3)).toEqual(['TaskStateExited', 'FailStateEntered', 'ExecutionFailed']);
    expect(events.at(-1)?.executionFailedEventDetails).toEqual({
      error: 'OrderFailed',
      cause: 'The payment was declined',
    });
    expectConsistentChain(events);
  });
});

describe('Retry', () => {
  const attemptTimes = (events: HistoryEvent[], type: string) =>
    events.filter((event) => event.type === type).map((event) => event.timestamp?.getTime() ?? 0);

  it('retries each attempt visibly (TaskScheduled/TaskStarted/TaskFailed), waiting IntervalSeconds capped by MaxDelaySeconds', async () => {
    flakyCalls = 0;
    flakyFailures = 2;
    const arn = await start('retry-backoff', { n: 1 });
    const description = await settled(sfn.client, arn);
    expect(description.status).toBe('SUCCEEDED');
    expect(JSON.parse(description.output ?? '')).toEqual({ ok: true, attempt: 3, input: { n: 1 } });
    const events = await history(sfn.client, arn);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    const failedAt = attemptTimes(events, 'TaskFailed');
    const scheduledAt = attemptTimes(events, 'TaskScheduled');
    const firstWait = (scheduledAt[1] ?? 0) - (failedAt[0] ?? 0);
    const secondWait = (scheduledAt[2] ?? 0) - (failedAt[1] ?? 0);
    expect(firstWait).toBeGreaterThanOrEqual(950);
    // BackoffRate 10 would make it 10 s; MaxDelaySeconds 1 caps it (the bound leaves 8 s for a busy machine)
    expect(secondWait).toBeGreaterThanOrEqual(950);
    expect(secondWait).toBeLessThan(9_000);
    expect(
      events
        .filter((event) => event.type === 'TaskFailed')
        .map((event) => event.taskFailedEventDetails?.error),
    ).toEqual(['TransientError', 'TransientError']);
  });

  it('accepts JitterStrategy FULL, and fails with the last error once MaxAttempts are used up', async () => {
    flakyCalls = 0;
    flakyFailures = 100;
    const arn = await start('retry-jitter', {});
    const description = await settled(sfn.client, arn);
    expect(description.status).toBe('FAILED');
    expect(description.error).toBe('TransientError');
    expect(JSON.parse(description.cause ?? '')).toMatchObject({ errorMessage: 'attempt 3 failed' });
    const events = await history(sfn.client, arn);
    expect(events.filter((event) => event.type === 'TaskScheduled')).toHaveLength(3);
    expect(events.filter((event) => event.type === 'TaskFailed')).toHaveLength(3);
    expect(events.at(-1)?.executionFailedEventDetails?.error).toBe('TransientError');
  });

  it('names a failed Invoke Lambda.ServiceException, which a retrier can match', async () => {
    sfn.invoker.failInvoke(
      'orderflow-flaky',
      () => new FunctionError('ServiceException', 'Lambda is unavailable'),
    );
    const arn = await start('retry-service', {});
    const description = await settled(sfn.client, arn);
    sfn.invoker.restoreInvoke('orderflow-flaky');
    expect(description).toMatchObject({ status: 'FAILED', error: 'Lambda.ServiceException' });
    const events = await history(sfn.client, arn);
    expect(
      events.filter((event) => event.type === 'TaskFailed').map((e) => e.taskFailedEventDetails?.error),
    ).toEqual(['Lambda.ServiceException', 'Lambda.ServiceException']);
  });
});

describe('Choice', () => {
  it.each([
    [{ amount: 500 }, 'ManualReview', 'manual'],
    [{ amount: 5, country: 'FR' }, 'Domestic', 'domestic'],
    [{ amount: 5 }, 'AutoApprove', 'auto'],
  ])('routes %j to %s', async (input, state, route) => {
    const arn = await start('routing', input);
    const description = await settled(sfn.client, arn);
    expect(JSON.parse(description.output ?? '')).toEqual({ ...input, route });
    const events = await history(sfn.client, arn);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events[3]?.stateEnteredEventDetails?.name).toBe(state);
  });
});

describe('Map and Parallel', () => {
  it('runs a Map over items (a task per item) and a Parallel of two branches', async () => {
    const lines = [
      { sku: 'a', qty: 1 },
      { sku: 'b', qty: 2 },
      { sku: 'c', qty: 3 },
    ];
    const arn = await start('fan-out', { lines });
    const description = await settled(sfn.client, arn);
    expect(description.status).toBe('SUCCEEDED');
    expect(JSON.parse(description.output ?? '')).toEqual({
      lines,
      priced: lines.map((line) => ({ ...line, price: 5 * line.qty })),
      branches: ['L', 'R'],
    });
    const events = await history(sfn.client, arn);
    const kinds = types(events);
    expect(kinds.slice(0, 3)).toEqual(['ExecutionStarted', 'MapStateEntered', 'MapStateStarted']);
    expect(events[2]?.mapStateStartedEventDetails).toEqual({ length: 3 });
    expect(kinds.filter((type) => type === 'MapIterationStarted')).toHaveLength(3);
    expect(kinds.filter((type) => type === 'MapIterationSucceeded')).toHaveLength(3);
    expect(kinds.filter((type) => type === 'LambdaFunctionSucceeded')).toHaveLength(3);
    expect(kinds.indexOf('MapStateSucceeded')).toBe(kinds.indexOf('MapStateExited') - 1);
    expect(kinds.slice(-3)).toEqual(['ParallelStateSucceeded', 'ParallelStateExited', 'ExecutionSucceeded']);
    expect(kinds).toContain('ParallelStateStarted');
    expectConsistentChain(events);
  });
});

describe('StopExecution', () => {
  it('aborts a running execution with the given error and cause', async () => {
    const arn = await start('waiting', {}, 'to-stop');
    await eventually(sfn.client, arn, 'WaitStateEntered');
    const stopped = await sfn.client.send(
      new StopExecutionCommand({ executionArn: arn, error: 'Operator.Cancelled', cause: 'customer called' }),
    );
    expect(stopped.stopDate).toBeInstanceOf(Date);
    const description = await settled(sfn.client, arn);
    expect(description).toMatchObject({
      status: 'ABORTED',
      error: 'Operator.Cancelled',
      cause: 'customer called',
    });
    const events = await history(sfn.client, arn);
    expect(types(events)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionAborted']);
    expect(events.at(-1)?.executionAbortedEventDetails).toEqual({
      error: 'Operator.Cancelled',
      cause: 'customer called',
    });
    const listed = (await awsCli(sfn.url, [
      'stepfunctions',
      'list-executions',
      '--state-machine-arn',
      stateMachineArn('waiting'),
      '--status-filter',
      'ABORTED',
    ])) as { executions: { name: string; status: string }[] };
    expect(listed.executions).toEqual([expect.objectContaining({ name: 'to-stop', status: 'ABORTED' })]);
  });
});

describe('the state machine’s TimeoutSeconds', () => {
  it('ends the execution TIMED_OUT with ExecutionTimedOut', async () => {
    const arn = await start('bounded', {});
    const description = await settled(sfn.client, arn, 20_000);
    expect(description).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    const events = await history(sfn.client, arn);
    expect(types(events)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionTimedOut']);
    expect(events[2]?.executionTimedOutEventDetails).toEqual({ error: 'States.Timeout' });
    const elapsed = (events[2]?.timestamp?.getTime() ?? 0) - (events[0]?.timestamp?.getTime() ?? 0);
    expect(elapsed).toBeGreaterThanOrEqual(950);
  });
});
