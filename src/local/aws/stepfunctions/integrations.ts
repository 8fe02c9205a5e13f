import { createHash, randomUUID } from 'node:crypto';
import { functionNameOf, type FunctionInvoker, type InvocationResult } from '../../lambda/invoker';
import { UnknownTargetError, type Delivery, type TargetDispatcher } from '../../targets';
import { isObject, type JsonObject } from '../shared/json-input';
import { AwsServiceError } from '../protocol';
import type { TaskSpec } from './definition';
import { TaskFailure, errorMessageOf } from './errors';

/** What invokes functions: the runtime's invoker or a test double. */
export type LambdaInvokerLike = FunctionInvoker;

/** Who is calling an integration: for custom integrations and the execution ARN events carry. */
export interface IntegrationCall {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly stateName: string;
  /** Set for `.waitForTaskToken` tasks. */
  readonly taskToken?: string;
  /** Called when an invoked function's handler starts (see InvokeOptions.onStart). */
  readonly onFunctionStart?: () => void;
}

/**
 * A service integration bound locally, keyed `<service>:<action>` (e.g. `dynamodb:putItem`). It gets the
 * evaluated Parameters and returns the API response; an error it throws fails the task with the error's
 * `name` as the States error (name it like Step Functions does, e.g. `DynamoDB.ConditionalCheckFailedException`).
 */
export type ServiceIntegration = (parameters: unknown, call: IntegrationCall) => Promise<unknown>;

export interface IntegrationsOptions {
  readonly region: string;
  readonly accountId: string;
  readonly invoker: LambdaInvokerLike;
  readonly dispatcher: TargetDispatcher;
  readonly custom: Readonly<Record<string, ServiceIntegration>>;
}

const BUILT_IN = new Set(['lambda:invoke', 'sqs:sendMessage', 'sns:publish', 'events:putEvents']);

/** A queue URL (`http://host:port/<account>/<name>`, `https://sqs.<region>.amazonaws.com/...`) or ARN -> ARN. */
export function queueArnOf(queue: string, region: string, accountId: string): string {
  if (queue.startsWith('arn:')) return queue;
  try {
    const url = new URL(queue);
    const [account, name] = url.pathname.split('/').filter((segment) => segment !== '');
    const hostRegion = /^sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(url.hostname)?.[1];
    if (account && name) return `arn:aws:sqs:${hostRegion ?? region}:${account}:${name}`;
  } catch {
    // not a URL: a bare queue name
  }
  return `arn:aws:sqs:${region}:${accountId}:${queue}`;
}

/** The SDK metadata Step Functions adds to an integration's response. */
export const sdkMetadata = () => ({
  SdkHttpMetadata: { HttpStatusCode: 200 },
  SdkResponseMetadata: { RequestId: randomUUID() },
});

const textOf = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

function requireParameter(parameters: JsonObject, key: string, prefix: string): unknown {
  const value = parameters[key];
  if (value === undefined || value === null) {
    throw new TaskFailure(
      `${prefix}.ValidationException`,
      `1 validation error detected: Value null at '${key}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

type MessageAttributes = NonNullable<Delivery['messageAttributes']>;

/** SQS/SNS `MessageAttributes` as the APIs take them (binary values base64) -> a delivery's attributes. */
function messageAttributesOf(value: unknown): MessageAttributes | undefined {
  if (!isObject(value)) return undefined;
  const attributes: Record<string, MessageAttributes[string]> = {};
  for (const [name, raw] of Object.entries(value)) {
    if (!isObject(raw)) continue;
    attributes[name] = {
      DataType: typeof raw.DataType === 'string' ? raw.DataType : 'String',
      ...(raw.StringValue !== undefined ? { StringValue: String(raw.StringValue) } : {}),
      ...(typeof raw.BinaryValue === 'string' ? { BinaryValue: Buffer.from(raw.BinaryValue, 'base64') } : {}),
    };
  }
  return attributes;
}

/** A failed delivery through the dispatcher -> the States error the integration reports. */
function deliveryFailure(prefix: string, notFound: string, generic: string, error: unknown): TaskFailure {
  if (error instanceof TaskFailure) return error;
  if (error instanceof UnknownTargetError) return new TaskFailure(`${prefix}.${notFound}`, error.message);
  if (error instanceof AwsServiceError) {
    const code = /NonExistent|NotFound|DoesNotExist/i.test(error.code) ? notFound : error.code;
    return new TaskFailure(`${prefix}.${code}`, error.message);
  }
  return new TaskFailure(`${prefix}.${generic}`, errorMessageOf(error));
}

/** An Invoke that did not reach the function -> `Lambda.<Exception>`, as Step Functions names them. */
function lambdaServiceFailure(error: unknown): TaskFailure {
  const name = error instanceof Error ? error.name : '';
  const fromService = typeof error === 'object' && error !== null && '$metadata' in error;
  const code = (fromService && name) || /Exception$/.test(name) ? name : 'SdkClientException';
  return new TaskFailure(`Lambda.${code}`, errorMessageOf(error));
}

/**
 * The local bindings of Task resources: functions through the invoker, SQS/SNS/EventBridge through the
 * target dispatcher (the same in-process routes rules and subscriptions use), and custom integrations.
 */
export class Integrations {
  constructor(private readonly options: IntegrationsOptions) {}

  supports(integration: string): boolean {
    return BUILT_IN.has(integration) || integration in this.options.custom;
  }

  /** Performs the call; for `.waitForTaskToken` tasks this is the submission whose response TaskSubmitted shows. */
  async call(spec: TaskSpec, parameters: unknown, call: IntegrationCall): Promise<unknown> {
    if (spec.integration === 'lambda:function') return this.invokeFunction(spec.resource, parameters, call);
    const custom = this.options.custom[spec.integration];
    if (custom) {
      try {
        return await custom(parameters, call);
      } catch (error) {
        if (error instanceof TaskFailure) throw error;
        throw new TaskFailure(
          error instanceof Error && error.name ? error.name : 'States.TaskFailed',
          errorMessageOf(error),
        );
      }
    }
    const input = isObject(parameters) ? parameters : {};
    switch (spec.integration) {
      case 'lambda:invoke':
        return this.lambdaInvoke(input, call);
      case 'sqs:sendMessage':
        return this.sqsSendMessage(input);
      case 'sns:publish':
        return this.snsPublish(input);
      case 'events:putEvents':
        return this.eventsPutEvents(input, call);
      default:
        throw new TaskFailure('States.Runtime', `No local binding for ${spec.resource}`);
    }
  }

  /** Invokes a function; its error (FunctionError) becomes the States error `errorType`, cause the payload. */
  private async invokeFunction(
    functionReference: string,
    event: unknown,
    call: IntegrationCall,
  ): Promise<unknown> {
    let result: InvocationResult;
    try {
      result = await this.options.invoker.invoke(functionNameOf(functionReference), event, {
        onStart: call.onFunctionStart,
      });
    } catch (error) {
      throw lambdaServiceFailure(error);
    }
    if (result.functionError) {
      const payload = result.payload;
      const errorType =
        isObject(payload) && typeof payload.errorType === 'string' ? payload.errorType : 'Lambda.Unknown';
      throw new TaskFailure(errorType, payload === undefined ? result.functionError : textOf(payload));
    }
    return result.payload === undefined ? null : result.payload;
  }

  private async lambdaInvoke(parameters: JsonObject, call: IntegrationCall): Promise<unknown> {
    const functionName = requireParameter(parameters, 'FunctionName', 'Lambda');
    const payload = parameters.Payload === undefined ? {} : parameters.Payload;
    const event = typeof payload === 'string' ? parseOrText(payload) : payload;
    const result = await this.invokeFunction(String(functionName), event, call);
    return { ExecutedVersion: '$LATEST', Payload: result, ...sdkMetadata(), StatusCode: 200 };
  }

  private async sqsSendMessage(parameters: JsonObject): Promise<unknown> {
    const queueUrl = String(requireParameter(parameters, 'QueueUrl', 'SQS'));
    const body = textOf(requireParameter(parameters, 'MessageBody', 'SQS'));
    const arn = queueArnOf(queueUrl, this.options.region, this.options.accountId);
    const delivery: Delivery = {
      body,
      ...(typeof parameters.MessageGroupId === 'string' ? { messageGroupId: parameters.MessageGroupId } : {}),
      ...(typeof parameters.MessageDeduplicationId === 'string'
        ? { messageDeduplicationId: parameters.MessageDeduplicationId }
        : {}),
      ...(parameters.MessageAttributes !== undefined
        ? { messageAttributes: messageAttributesOf(parameters.MessageAttributes) }
        : {}),
    };
    try {
      await this.options.dispatcher.deliver(arn, delivery);
    } catch (error) {
      throw deliveryFailure('SQS', 'QueueDoesNotExistException', 'AmazonSQSException', error);
    }
    return {
      MD5OfMessageBody: createHash('md5').update(body, 'utf8').digest('hex'),
      MessageId: randomUUID(),
      ...sdkMetadata(),
    };
  }

  private async snsPublish(parameters: JsonObject): Promise<unknown> {
    const topicArn = parameters.TopicArn ?? parameters.TargetArn;
    if (typeof topicArn !== 'string') {
      throw new TaskFailure(
        'SNS.InvalidParameterException',
        'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter',
      );
    }
    const message = textOf(requireParameter(parameters, 'Message', 'SNS'));
    const delivery: Delivery = {
      body: message,
      ...(typeof parameters.MessageGroupId === 'string' ? { messageGroupId: parameters.MessageGroupId } : {}),
      ...(typeof parameters.MessageDeduplicationId === 'string'
        ? { messageDeduplicationId: parameters.MessageDeduplicationId }
        : {}),
      ...(parameters.MessageAttributes !== undefined
        ? { messageAttributes: messageAttributesOf(parameters.MessageAttributes) }
        : {}),
    };
    try {
      await this.options.dispatcher.deliver(topicArn, delivery);
    } catch (error) {
      throw deliveryFailure('SNS', 'NotFoundException', 'AmazonSNSException', error);
    }
    return { MessageId: randomUUID(), ...sdkMetadata() };
  }

  /**
   * PutEvents as the optimized integration does it: the execution and state machine ARNs are appended to
   * each entry's `Resources`; any failed entry fails the task with `EventBridge.FailedEntry`.
   */
  private async eventsPutEvents(parameters: JsonObject, call: IntegrationCall): Promise<unknown> {
    const entries = parameters.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
      throw new TaskFailure(
        'EventBridge.ValidationException',
        "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10",
      );
    }
    const { region, accountId } = this.options;
    const results: JsonObject[] = [];
    for (const raw of entries) {
      const entry = isObject(raw) ? raw : {};
      const { Source: source, DetailType: detailType } = entry;
      if (typeof source !== 'string' || typeof detailType !== 'string' || entry.Detail === undefined) {
        results.push({
          ErrorCode: 'InvalidArgument',
          ErrorMessage: 'Parameters Source, DetailType and Detail must be specified.',
        });
        continue;
      }
      const detail = typeof entry.Detail === 'string' ? parseOrText(entry.Detail) : entry.Detail;
      if (!isObject(detail)) {
        results.push({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
        continue;
      }
      const bus = typeof entry.EventBusName === 'string' ? entry.EventBusName : 'default';
      const busArn = bus.startsWith('arn:') ? bus : `arn:aws:events:${region}:${accountId}:event-bus/${bus}`;
      const id = randomUUID();
      const time =
        typeof entry.Time === 'string' || typeof entry.Time === 'number' ? new Date(entry.Time) : new Date();
      const resources = Array.isArray(entry.Resources) ? entry.Resources.map(String) : [];
      const event = {
        version: '0',
        id,
        'detail-type': detailType,
        source,
        account: accountId,
        time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region,
        resources: [...resources, call.executionArn, call.stateMachineArn],
        detail,
      };
      try {
        await this.options.dispatcher.deliver(busArn, { body: JSON.stringify(event) });
        results.push({ EventId: id });
      } catch (error) {
        const notFound =
          error instanceof UnknownTargetError ||
          (error instanceof AwsServiceError && /NotFound/.test(error.code));
        results.push({
          ErrorCode: notFound ? 'NotFoundException' : 'InternalException',
          ErrorMessage: errorMessageOf(error),
        });
      }
    }
    const failed = results.filter((result) => result.ErrorCode !== undefined).length;
    const response = { Entries: results, FailedEntryCount: failed };
    if (failed > 0) throw new TaskFailure('EventBridge.FailedEntry', JSON.stringify(response));
    return response;
  }
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
