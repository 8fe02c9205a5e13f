import { awsCli } from '../../support/aws-cli';
/**
 * A private local Step Functions for the integration tests: the real service behind a real `AwsEndpoint` on
 * a free port, a fake function invoker (functions are JS functions; a thrown error becomes a Lambda function
 * error with its `name` as `errorType`, as the Lambda runtime reports it) and a dispatcher whose SQS, SNS
 * and EventBridge ends record what reaches them.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { AwsEndpoint } from '../../../src/local/aws/endpoint';
import {
  StepFunctionsService,
  type ServiceIntegration,
  type StepFunctionsServiceOptions,
} from '../../../src/local/aws/stepfunctions';
import type { InvocationResult, InvokeOptions } from '../../../src/local/lambda/invoker';
import { TargetDispatcher, type Delivery } from '../../../src/local/targets';
import type { CfnResource, CfnTemplate } from '../../../src/local/template';

export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';

export const functionArn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
export const queueArn = (name: string): string => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
export const topicArn = (name: string): string => `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;
export const busArn = (name: string): string => `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${name}`;
export const stateMachineArn = (name: string): string =>
  `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;

/** A typed error a fake function throws (its `name` becomes the Lambda `errorType`). */
export class FunctionError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export type FakeFunction = (event: unknown) => unknown;

/** Functions by name; records every invocation. `failInvoke` makes the Invoke call itself fail. */
export class FakeInvoker {
  readonly calls: { functionName: string; event: unknown }[] = [];
  private readonly invokeFailures = new Map<string, () => Error>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly functions: Record<string, FakeFunction> = {}) {}

  define(name: string, fn: FakeFunction): void {
    this.functions[name] = fn;
  }

  failInvoke(name: string, error: () => Error): void {
    this.invokeFailures.set(name, error);
  }

  restoreInvoke(name: string): void {
    this.invokeFailures.delete(name);
  }

  /** Resolves when no function is running (a timed-out task leaves its function running, as on AWS). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  callsTo(name: string): unknown[] {
    return this.calls.filter((call) => call.functionName === name).map((call) => call.event);
  }

  async invoke(functionName: string, event: unknown, options?: InvokeOptions): Promise<InvocationResult> {
    this.calls.push({ functionName, event });
    const failure = this.invokeFailures.get(functionName);
    if (failure) throw failure();
    const fn = this.functions[functionName];
    if (!fn) {
      throw Object.assign(
        new FunctionError('ResourceNotFoundException', `Function not found: ${functionName}`),
        {
          $metadata: { httpStatusCode: 404 },
        },
      );
    }
    options?.onStart?.();
    try {
      const result = Promise.resolve(fn(event));
      this.inFlight.add(result);
      void result.catch(() => undefined).finally(() => this.inFlight.delete(result));
      return { payload: await result };
    } catch (error) {
      const thrown = error instanceof Error ? error : new FunctionError('Error', String(error));
      return {
        functionError: 'Unhandled',
        payload: {
          errorType: thrown.name,
          errorMessage: thrown.message,
          trace: [`${thrown.name}: ${thrown.message}`, '    at handler (index.js:1:1)'],
        },
      };
    }
  }
}

export interface Recorded {
  readonly arn: string;
  readonly delivery: Delivery;
}

/** Records what the state machines send to SQS, SNS and EventBridge. */
export class RecordingTargets {
  readonly deliveries: Recorded[] = [];
  private readonly listeners: ((recorded: Recorded) => void)[] = [];
  private readonly failures = new Map<string, () => Error>();

  /** Deliveries to `arn` fail with `error()` from now on. */
  failFor(arn: string, error: () => Error): void {
    this.failures.set(arn, error);
  }

  readonly handler = async (arn: string, delivery: Delivery): Promise<void> => {
    const failure = this.failures.get(arn);
    if (failure) throw failure();
    const recorded = { arn, delivery };
    this.deliveries.push(recorded);
    for (const listener of this.listeners) listener(recorded);
  };

  to(arn: string): Delivery[] {
    return this.deliveries.filter((recorded) => recorded.arn === arn).map((recorded) => recorded.delivery);
  }

  /** Resolves with the next delivery to `arn` (or one already there beyond `skip`). */
  next(arn: string, skip = 0, timeoutMs = 10_000): Promise<Delivery> {
    const existing = this.to(arn)[skip];
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new RangeError(`no delivery to ${arn}`)), timeoutMs);
      this.listeners.push((recorded) => {
        const found = this.to(arn)[skip];
        if (recorded.arn === arn && found) {
          clearTimeout(timer);
          resolve(found);
        }
      });
    });
  }
}

export interface LocalSfn {
  readonly url: string;
  readonly service: StepFunctionsService;
  readonly invoker: FakeInvoker;
  readonly targets: RecordingTargets;
  readonly client: SFNClient;
  close(): Promise<void>;
}

export interface LocalSfnOptions {
  readonly functions?: Record<string, FakeFunction>;
  readonly template?: CfnTemplate;
  readonly integrations?: Readonly<Record<string, ServiceIntegration>>;
  readonly service?: Partial<Omit<StepFunctionsServiceOptions, 'invoker' | 'dispatcher' | 'region'>>;
}

export async function startLocalSfn(options: LocalSfnOptions = {}): Promise<LocalSfn> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const invoker = new FakeInvoker({ ...options.functions });
  const targets = new RecordingTargets();
  const dispatcher = new TargetDispatcher()
    .register('sqs', targets.handler)
    .register('sns', targets.handler)
    .register('events', targets.handler);
  const service = new StepFunctionsService({
    region: REGION,
    invoker,
    dispatcher,
    integrations: options.integrations,
    ...options.service,
  });
  const endpoint = new AwsEndpoint().register(service);
  const port = await endpoint.listen(0);
  const url = `http://127.0.0.1:${port}`;
  if (options.template) service.loadTemplate(options.template, { region: REGION, endpoint: url });
  const client = new SFNClient({
    endpoint: url,
    region: REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return {
    url,
    service,
    invoker,
    targets,
    client,
    close: async () => {
      client.destroy();
      await endpoint.close();
      await invoker.idle();
    },
  };
}

// ---- templates in the shape serverless-step-functions compiles ------------------------------------

export const lambdaResource = (functionName: string): CfnResource => ({
  Type: 'AWS::Lambda::Function',
  Properties: { FunctionName: functionName, Handler: 'index.handler', Runtime: 'nodejs20.x' },
});

export const queueResource = (queueName: string): CfnResource => ({
  Type: 'AWS::SQS::Queue',
  Properties: { QueueName: queueName },
});

/**
 * An `AWS::StepFunctions::StateMachine` as serverless-step-functions compiles one: the definition pretty-printed
 * into `DefinitionString: { Fn::Sub: [text, { var: intrinsic }] }`, where the text holds `${var}` placeholders
 * (write them in the definition as strings, e.g. `Resource: '${HelloArn}'`), the role `StepFunctionsRole` by GetAtt.
 */
export function stateMachineResource(
  name: string,
  definition: object,
  variables: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): CfnResource {
  const text = JSON.stringify(definition, undefined, 2);
  return {
    Type: 'AWS::StepFunctions::StateMachine',
    Properties: {
      DefinitionString:
        Object.keys(variables).length > 0 ? { 'Fn::Sub': [text, variables] } : { 'Fn::Sub': text },
      RoleArn: { 'Fn::GetAtt': ['StepFunctionsRole', 'Arn'] },
      StateMachineName: name,
      ...extra,
    },
    DependsOn: ['StepFunctionsRole'],
  };
}

export const roleResource = (): CfnResource => ({
  Type: 'AWS::IAM::Role',
  Properties: { AssumeRolePolicyDocument: {} },
});

// ---- waiting and reading --------------------------------------------------------------------------

export async function describeExecution(
  client: SFNClient,
  executionArn: string,
): Promise<DescribeExecutionCommandOutput> {
  return client.send(new DescribeExecutionCommand({ executionArn }));
}

/** Polls DescribeExecution until the execution is no longer RUNNING. */
export async function settled(
  client: SFNClient,
  executionArn: string,
  timeoutMs = 20_000,
): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const description = await describeExecution(client, executionArn);
    if (description.status !== 'RUNNING') return description;
    if (Date.now() > deadline) throw new RangeError(`${executionArn} still RUNNING after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Polls the history until an event of `type` appears. */
export async function eventually(
  client: SFNClient,
  executionArn: string,
  type: string,
  timeoutMs = 10_000,
): Promise<HistoryEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = await history(client, executionArn);
    if (events.some((event) => event.type === type)) return events;
    if (Date.now() > deadline) throw new RangeError(`no ${type} in ${executionArn} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The whole history through the SDK, following nextToken. */
export async function history(client: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 50 }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

export const types = (events: readonly { type?: string }[]): string[] =>
  events.map((event) => event.type ?? '');

export interface CliHistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: number;
  readonly type: string;
  readonly [details: string]: unknown;
}

export async function cliHistory(
  url: string,
  executionArn: string,
  extra: string[] = [],
): Promise<CliHistoryEvent[]> {
  const result = (await awsCli(url, [
    'stepfunctions',
    'get-execution-history',
    '--execution-arn',
    executionArn,
    ...extra,
  ])) as { events: CliHistoryEvent[] };
  return result.events;
}

export { awsCli, awsCliError, UnexpectedSuccess } from '../../support/aws-cli';
