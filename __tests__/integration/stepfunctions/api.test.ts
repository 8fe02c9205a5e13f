/**
 * The Step Functions API around the interpreter: state machines from a compiled template and through
 * Create/Describe/List/DeleteStateMachine, StartExecution's name rules, ListExecutions, the error codes the
 * SDK and the AWS CLI turn into typed exceptions, the `states` dispatcher target, custom integrations and
 * close().
 */
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidArn,
  InvalidDefinition,
  InvalidExecutionInput,
  InvalidName,
  InvalidToken,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TaskDoesNotExist,
} from '@aws-sdk/client-sfn';
import { StepFunctionsService, InvalidDefinitionError } from '../../../src/local/aws/stepfunctions';
import { TargetDispatcher } from '../../../src/local/targets';
import type { CfnTemplate } from '../../../src/local/template';
import {
  awsCliError,
  FakeInvoker,
  FunctionError,
  history,
  lambdaResource,
  queueArn,
  queueResource,
  REGION,
  roleResource,
  settled,
  startLocalSfn,
  stateMachineArn,
  stateMachineResource,
  types,
  type LocalSfn,
} from './harness';

const hold = {
  StartAt: 'Hold',
  States: {
    Hold: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: { QueueUrl: '${HoldQueue}', MessageBody: { 'token.$': '$$.Task.Token', 'input.$': '$' } },
      End: true,
    },
  },
};

const echo = { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } };

const template: CfnTemplate = {
  Resources: {
    StepFunctionsRole: roleResource(),
    HoldQueue: queueResource('orderflow-hold'),
    HelloLambdaFunction: lambdaResource('orderflow-hello'),
    Hold: stateMachineResource('hold', hold, { HoldQueue: { Ref: 'HoldQueue' } }),
    Echo: stateMachineResource('echo', echo),
    // a plain-string DefinitionString, an EXPRESS type, logging and tracing as serverless-step-functions writes them
    Express: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        StateMachineName: 'express-hello',
        StateMachineType: 'EXPRESS',
        DefinitionString: JSON.stringify({
          StartAt: 'Hello',
          States: {
            Hello: {
              Type: 'Task',
              Resource: `arn:aws:lambda:${REGION}:000000000000:function:orderflow-hello`,
              End: true,
            },
          },
        }),
        RoleArn: 'arn:aws:iam::000000000000:role/express-role',
        LoggingConfiguration: {
          Level: 'ALL',
          IncludeExecutionData: true,
          Destinations: [
            { CloudWatchLogsLogGroup: { LogGroupArn: 'arn:aws:logs:us-east-1:000000000000:log-group:sfn' } },
          ],
        },
        TracingConfiguration: { Enabled: true },
      },
    },
    Hello: stateMachineResource(
      'hello',
      {
        StartAt: 'Hello',
        States: { Hello: { Type: 'Task', Resource: '${HelloArn}', End: true } },
      },
      { HelloArn: { 'Fn::GetAtt': ['HelloLambdaFunction', 'Arn'] } },
    ),
  },
};

let sfn: LocalSfn;
beforeAll(async () => {
  sfn = await startLocalSfn({
    template,
    functions: { 'orderflow-hello': (event) => ({ hello: event }) },
    integrations: {
      'dynamodb:putItem': async (parameters) => {
        const { TableName, Item } = parameters as { TableName: string; Item: unknown };
        if (TableName === 'missing') {
          throw new FunctionError('DynamoDB.ResourceNotFoundException', 'Requested resource not found');
        }
        written.push({ TableName, Item });
        return {};
      },
    },
  });
});
afterAll(async () => {
  await sfn.service.close();
  await sfn.close();
});
const written: unknown[] = [];

const start = async (name: string, input?: string, executionName?: string) =>
  (
    await sfn.client.send(
      new StartExecutionCommand({ stateMachineArn: stateMachineArn(name), input, name: executionName }),
    )
  ).executionArn ?? '';

describe('state machines from a compiled template', () => {
  it('resolves the Fn::Sub definition (queue URL by Ref, function ARN by GetAtt) and the role', async () => {
    const described = await sfn.client.send(
      new DescribeStateMachineCommand({ stateMachineArn: stateMachineArn('hold') }),
    );
    expect(described).toMatchObject({
      name: 'hold',
      status: 'ACTIVE',
      type: 'STANDARD',
      roleArn: 'arn:aws:iam::000000000000:role/StepFunctionsRole',
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    });
    expect(described.creationDate).toBeInstanceOf(Date);
    const definition = JSON.parse(described.definition ?? '') as typeof hold;
    expect(definition.States.Hold.Parameters.QueueUrl).toBe(`${sfn.url}/000000000000/orderflow-hold`);
    const hello = await sfn.client.send(
      new DescribeStateMachineCommand({ stateMachineArn: stateMachineArn('hello') }),
    );
    expect(hello.definition).toContain(
      '"Resource": "arn:aws:lambda:us-east-1:000000000000:function:orderflow-hello"',
    );
  });

  it('keeps StateMachineType, LoggingConfiguration and TracingConfiguration, and runs EXPRESS machines', async () => {
    const described = await sfn.client.send(
      new DescribeStateMachineCommand({ stateMachineArn: stateMachineArn('express-hello') }),
    );
    expect(described).toMatchObject({
      type: 'EXPRESS',
      roleArn: 'arn:aws:iam::000000000000:role/express-role',
      loggingConfiguration: {
        level: 'ALL',
        includeExecutionData: true,
        destinations: [
          { cloudWatchLogsLogGroup: { logGroupArn: 'arn:aws:logs:us-east-1:000000000000:log-group:sfn' } },
        ],
      },
      tracingConfiguration: { enabled: true },
    });
    const arn = await start('express-hello', '{"n":1}', 'same');
    expect(arn).toMatch(/^arn:aws:states:us-east-1:000000000000:express:express-hello:same:/);
    expect(await settled(sfn.client, arn)).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"hello":{"n":1}}',
    });
    // EXPRESS start is not idempotent: a name can be used again
    expect(await start('express-hello', '{"n":2}', 'same')).not.toBe(arn);
  });

  it('lists them', async () => {
    const { stateMachines } = await sfn.client.send(new ListStateMachinesCommand({}));
    expect(stateMachines?.map((machine) => [machine.name, machine.type])).toEqual([
      ['echo', 'STANDARD'],
      ['express-hello', 'EXPRESS'],
      ['hello', 'STANDARD'],
      ['hold', 'STANDARD'],
    ]);
  });

  it('refuses, at load, a definition the local interpreter cannot run', () => {
    const service = new StepFunctionsService({
      region: REGION,
      invoker: new FakeInvoker(),
      dispatcher: new TargetDispatcher(),
    });
    const load = (definition: object) =>
      service.loadTemplate(
        {
          Resources: {
            Bad: {
              Type: 'AWS::StepFunctions::StateMachine',
              Properties: { StateMachineName: 'bad', DefinitionString: JSON.stringify(definition) },
            },
          },
        },
        { region: REGION, endpoint: 'http://127.0.0.1:1' },
      );
    expect(() =>
      load({
        StartAt: 'A',
        States: { A: { Type: 'Task', Resource: 'arn:aws:states:::ecs:runTask.sync', End: true } },
      }),
    ).toThrow(InvalidDefinitionError);
    expect(() =>
      load({ QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }),
    ).toThrow(/JSONata/);
    expect(() =>
      load({ StartAt: 'A', States: { A: { Type: 'Pass', Assign: { x: 1 }, End: true } } }),
    ).toThrow(/Assign/);
    expect(() => load({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } })).toThrow(
      /Bad \(bad\)/,
    );
  });
});

describe('CreateStateMachine and DeleteStateMachine', () => {
  const definition = JSON.stringify(echo);
  const roleArn = 'arn:aws:iam::000000000000:role/api';

  it('creates (idempotently for the same definition), describes and deletes', async () => {
    const created = await sfn.client.send(
      new CreateStateMachineCommand({ name: 'created', definition, roleArn }),
    );
    expect(created.stateMachineArn).toBe(stateMachineArn('created'));
    const again = await sfn.client.send(
      new CreateStateMachineCommand({ name: 'created', definition, roleArn }),
    );
    expect(again.stateMachineArn).toBe(created.stateMachineArn);
    await expect(
      sfn.client.send(
        new CreateStateMachineCommand({ name: 'created', definition: JSON.stringify(hold), roleArn }),
      ),
    ).rejects.toBeInstanceOf(StateMachineAlreadyExists);
    const arn = await start('created', '{"x":1}');
    expect(await settled(sfn.client, arn)).toMatchObject({ status: 'SUCCEEDED', output: '{"x":1}' });
    await sfn.client.send(new DeleteStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
    await expect(
      sfn.client.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn })),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  });

  it('rejects invalid definitions and names', async () => {
    await expect(
      sfn.client.send(new CreateStateMachineCommand({ name: 'broken', definition: '{"StartAt":', roleArn })),
    ).rejects.toBeInstanceOf(InvalidDefinition);
    await expect(
      sfn.client.send(
        new CreateStateMachineCommand({
          name: 'broken',
          definition: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' } } }),
          roleArn,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidDefinition);
    await expect(
      sfn.client.send(new CreateStateMachineCommand({ name: 'has space', definition, roleArn })),
    ).rejects.toBeInstanceOf(InvalidName);
  });
});

describe('StartExecution', () => {
  it('names an execution with a UUID by default, and validates name and input', async () => {
    const arn = await start('echo');
    expect(arn).toMatch(/^arn:aws:states:us-east-1:000000000000:execution:echo:[0-9a-f-]{36}$/);
    expect(await settled(sfn.client, arn)).toMatchObject({ status: 'SUCCEEDED', input: '{}', output: '{}' });
    await expect(start('echo', '{not json')).rejects.toBeInstanceOf(InvalidExecutionInput);
    await expect(start('echo', '{}', 'bad/name')).rejects.toBeInstanceOf(InvalidName);
  });

  it('is idempotent for the same name and input while the execution is open; otherwise ExecutionAlreadyExists', async () => {
    const first = await start('hold', '{"order":1}', 'dup-1');
    expect(await start('hold', '{"order":1}', 'dup-1')).toBe(first);
    await expect(start('hold', '{"order":2}', 'dup-1')).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await sfn.client.send(new StopExecutionCommand({ executionArn: first }));
    await expect(start('hold', '{"order":1}', 'dup-1')).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    const { executions } = await sfn.client.send(
      new ListExecutionsCommand({ stateMachineArn: stateMachineArn('hold') }),
    );
    expect(executions?.filter((execution) => execution.name === 'dup-1')).toHaveLength(1);
  });
});

describe('errors as the SDK and the CLI type them', () => {
  const unknownMachine = stateMachineArn('no-such-machine');
  const unknownExecution = 'arn:aws:states:us-east-1:000000000000:execution:echo:no-such-execution';

  it('unknown state machines and executions, malformed ARNs', async () => {
    await expect(start('no-such-machine')).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(
      sfn.client.send(new DescribeExecutionCommand({ executionArn: unknownExecution })),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    await expect(
      sfn.client.send(new GetExecutionHistoryCommand({ executionArn: unknownExecution })),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    await expect(
      sfn.client.send(new StopExecutionCommand({ executionArn: unknownExecution })),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    await expect(
      sfn.client.send(new ListExecutionsCommand({ stateMachineArn: unknownMachine })),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(
      sfn.client.send(new DescribeExecutionCommand({ executionArn: 'not-an-arn' })),
    ).rejects.toBeInstanceOf(InvalidArn);
    const cli = await awsCliError(sfn.url, [
      'stepfunctions',
      'describe-execution',
      '--execution-arn',
      unknownExecution,
    ]);
    expect(cli.stderr).toContain('ExecutionDoesNotExist');
    const cliStart = await awsCliError(sfn.url, [
      'stepfunctions',
      'start-execution',
      '--state-machine-arn',
      unknownMachine,
    ]);
    expect(cliStart.stderr).toContain('StateMachineDoesNotExist');
  });

  it('task tokens: malformed, unknown', async () => {
    await expect(
      sfn.client.send(new SendTaskSuccessCommand({ taskToken: 'garbage', output: '{}' })),
    ).rejects.toBeInstanceOf(InvalidToken);
    await expect(
      sfn.client.send(new SendTaskFailureCommand({ taskToken: `AQ${'x'.repeat(88)}`, error: 'E' })),
    ).rejects.toBeInstanceOf(TaskDoesNotExist);
  });
});

describe('ListExecutions', () => {
  it('filters by status, lists newest first and pages with nextToken', async () => {
    const succeeded = [
      await start('echo', '{"i":1}'),
      await start('echo', '{"i":2}'),
      await start('echo', '{"i":3}'),
    ];
    for (const arn of succeeded) await settled(sfn.client, arn);
    const running = await start('hold', '{"i":4}');
    const all = await sfn.client.send(
      new ListExecutionsCommand({
        stateMachineArn: stateMachineArn('echo'),
        statusFilter: 'SUCCEEDED',
        maxResults: 2,
      }),
    );
    expect(all.executions?.map((execution) => execution.executionArn)).toEqual([succeeded[2], succeeded[1]]);
    expect(all.nextToken).toBeTruthy();
    const next = await sfn.client.send(
      new ListExecutionsCommand({
        stateMachineArn: stateMachineArn('echo'),
        statusFilter: 'SUCCEEDED',
        maxResults: 2,
        nextToken: all.nextToken,
      }),
    );
    expect(next.executions?.map((execution) => execution.executionArn)).toContain(succeeded[0]);
    const holding = await sfn.client.send(
      new ListExecutionsCommand({ stateMachineArn: stateMachineArn('hold'), statusFilter: 'RUNNING' }),
    );
    expect(holding.executions?.map((execution) => execution.executionArn)).toEqual([running]);
    expect(holding.executions?.[0]).toMatchObject({
      status: 'RUNNING',
      stateMachineArn: stateMachineArn('hold'),
    });
    expect(holding.executions?.[0]?.stopDate).toBeUndefined();
    const machine = await sfn.client.send(
      new DescribeStateMachineForExecutionCommand({ executionArn: running }),
    );
    expect(machine).toMatchObject({ stateMachineArn: stateMachineArn('hold'), name: 'hold' });
  });
});

describe('in-process entry points', () => {
  it('starts an execution for a delivery to the `states` target (an EventBridge rule target)', async () => {
    const dispatcher = new TargetDispatcher().register('states', sfn.service.deliveryHandler());
    await dispatcher.deliver(stateMachineArn('echo'), { body: '{"detail-type":"OrderPlaced"}' });
    const [latest] = sfn.service.executionsOf(stateMachineArn('echo'));
    expect(await settled(sfn.client, latest?.arn ?? '')).toMatchObject({
      status: 'SUCCEEDED',
      input: '{"detail-type":"OrderPlaced"}',
    });
    await expect(dispatcher.deliver(stateMachineArn('nope'), { body: '{}' })).rejects.toThrow(
      /No state machine/,
    );
  });

  it('binds custom integrations by <service>:<action>, their errors by name', async () => {
    const definition = (table: string) =>
      JSON.stringify({
        StartAt: 'Put',
        States: {
          Put: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:putItem',
            Parameters: { TableName: table, Item: { pk: { 'S.$': '$.id' } } },
            End: true,
          },
        },
      });
    const roleArn = 'arn:aws:iam::000000000000:role/api';
    await sfn.client.send(
      new CreateStateMachineCommand({ name: 'put-item', definition: definition('orders'), roleArn }),
    );
    await sfn.client.send(
      new CreateStateMachineCommand({ name: 'put-missing', definition: definition('missing'), roleArn }),
    );
    const ok = await start('put-item', '{"id":"o-1"}');
    expect(await settled(sfn.client, ok)).toMatchObject({ status: 'SUCCEEDED', output: '{}' });
    expect(written).toEqual([{ TableName: 'orders', Item: { pk: { S: 'o-1' } } }]);
    const events = await history(sfn.client, ok);
    expect(events[2]?.taskScheduledEventDetails).toMatchObject({
      resourceType: 'dynamodb',
      resource: 'putItem',
    });
    const failed = await start('put-missing', '{"id":"o-2"}');
    expect(await settled(sfn.client, failed)).toMatchObject({
      status: 'FAILED',
      error: 'DynamoDB.ResourceNotFoundException',
      cause: 'Requested resource not found',
    });
  });

  it('close() aborts running executions and clears their timers', async () => {
    const local = await startLocalSfn({ template });
    try {
      const arn =
        (
          await local.client.send(
            new StartExecutionCommand({ stateMachineArn: stateMachineArn('hold'), input: '{}' }),
          )
        ).executionArn ?? '';
      await local.targets.next(queueArn('orderflow-hold'));
      await local.service.close();
      expect(await settled(local.client, arn, 1000)).toMatchObject({ status: 'ABORTED' });
      expect(types(await history(local.client, arn)).at(-1)).toBe('ExecutionAborted');
    } finally {
      await local.close();
    }
  });
});
