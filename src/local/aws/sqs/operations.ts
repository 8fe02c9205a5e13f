import { AwsServiceError } from '../protocol';
import { messageSystemAttributes, type SqsEngine } from './engine';
import { SqsError, invalidParameter, missingParameter } from './errors';
import {
  batchEntries,
  optionalInteger,
  optionalString,
  optionalStringList,
  optionalStringMap,
  requiredString,
  type JsonObject,
} from './input';
import { md5OfMessageAttributes, type MessageAttributes } from './md5';
import { MAX_BATCH_BYTES, wireMessageAttributes, type PreparedMessage, type SendInput } from './message';
import type { MoveTask } from './move-tasks';
import { MAX_VISIBILITY_TIMEOUT_SECONDS, type Delivery, type SqsQueue } from './queue';

/** Per-request facts the operations need beyond the body. */
export interface RequestContext {
  /** Scheme, host and port that queue URLs in responses start with. */
  readonly baseUrl: string;
  /** Who sent the request (the access key id), reported as a message's SenderId. */
  readonly senderId: string;
  /** Aborts when the caller goes away (ends a long poll early), if the endpoint provides one. */
  readonly signal?: AbortSignal;
}

export type Operation = (engine: SqsEngine, input: JsonObject, context: RequestContext) => unknown;

// ---- helpers -------------------------------------------------------------------------------

const queueOf = (engine: SqsEngine, input: JsonObject): SqsQueue =>
  engine.queueByUrl(requiredString(input, 'QueueUrl'));

const visibilityTimeout = (input: JsonObject): number | undefined =>
  optionalInteger(
    input,
    'VisibilityTimeout',
    0,
    MAX_VISIBILITY_TIMEOUT_SECONDS,
    `Must be >= 0 and <= ${MAX_VISIBILITY_TIMEOUT_SECONDS}, if provided.`,
  );

const sendInput = (input: JsonObject): SendInput => ({
  body: optionalString(input, 'MessageBody'),
  delaySeconds: optionalInteger(
    input,
    'DelaySeconds',
    Number.MIN_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER,
    'DelaySeconds must be >= 0 and <= 900.',
  ),
  attributes: wireMessageAttributes(input.MessageAttributes, 'MessageAttributes'),
  systemAttributes: wireMessageAttributes(input.MessageSystemAttributes, 'MessageSystemAttributes'),
  groupId: optionalString(input, 'MessageGroupId'),
  dedupId: optionalString(input, 'MessageDeduplicationId'),
});

const batchFailure = (id: string, error: unknown) => {
  if (!(error instanceof AwsServiceError)) throw error;
  return { Id: id, SenderFault: error.status < 500, Code: error.code, Message: error.message };
};

const wireAttributeValues = (attributes: MessageAttributes) =>
  Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      value.stringValue !== undefined
        ? { DataType: value.dataType, StringValue: value.stringValue }
        : {
            DataType: value.dataType,
            BinaryValue: (value.binaryValue ?? Buffer.alloc(0)).toString('base64'),
          },
    ]),
  );

/** The message attributes a ReceiveMessage asked for: names, `All`, `.*` or `prefix.*`. */
export const selectMessageAttributes = (
  attributes: MessageAttributes,
  names: readonly string[] | undefined,
): MessageAttributes => {
  if (!names || names.length === 0) return {};
  if (names.includes('All') || names.includes('.*')) return attributes;
  return Object.fromEntries(
    Object.entries(attributes).filter(([name]) =>
      names.some(
        (wanted) => wanted === name || (wanted.endsWith('.*') && name.startsWith(wanted.slice(0, -1))),
      ),
    ),
  );
};

const selectSystemAttributes = (
  all: Record<string, string>,
  names: readonly string[],
): Record<string, string> | undefined => {
  if (names.length === 0) return undefined;
  if (names.includes('All')) return all;
  const selected = Object.fromEntries(Object.entries(all).filter(([name]) => names.includes(name)));
  return Object.keys(selected).length > 0 ? selected : undefined;
};

const wireMessage = (
  delivery: Delivery,
  systemNames: readonly string[],
  attributeNames: readonly string[] | undefined,
) => {
  const { message } = delivery;
  const selected = selectMessageAttributes(message.attributes, attributeNames);
  const md5OfAttributes = md5OfMessageAttributes(selected);
  return {
    MessageId: message.messageId,
    ReceiptHandle: delivery.receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    Attributes: selectSystemAttributes(messageSystemAttributes(message), systemNames),
    MD5OfMessageAttributes: md5OfAttributes,
    MessageAttributes: md5OfAttributes === undefined ? undefined : wireAttributeValues(selected),
  };
};

const moveTaskEntry = (task: MoveTask) => ({
  TaskHandle: task.status === 'RUNNING' ? task.taskHandle : undefined,
  Status: task.status,
  SourceArn: task.sourceArn,
  DestinationArn: task.destinationArn,
  MaxNumberOfMessagesPerSecond: task.maxNumberOfMessagesPerSecond,
  ApproximateNumberOfMessagesMoved: task.moved,
  ApproximateNumberOfMessagesToMove: task.toMove,
  FailureReason: task.failureReason,
  StartedTimestamp: task.startedTimestamp,
});

const paginate = (urls: string[], input: JsonObject) => {
  const maxResults = optionalInteger(input, 'MaxResults', 1, 1000);
  const token = optionalString(input, 'NextToken');
  const start = token ? Number(Buffer.from(token, 'base64').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) throw invalidParameter('NextToken', token, 'Invalid token.');
  if (maxResults === undefined) return { urls: urls.slice(start, start + 1000), nextToken: undefined };
  const page = urls.slice(start, start + maxResults);
  const next = start + maxResults;
  return {
    urls: page,
    nextToken: next < urls.length ? Buffer.from(String(next)).toString('base64') : undefined,
  };
};

// ---- queues --------------------------------------------------------------------------------

const CreateQueue: Operation = (engine, input, context) => {
  const queue = engine.createQueue(
    requiredString(input, 'QueueName'),
    optionalStringMap(input, 'Attributes'),
    optionalStringMap(input, 'tags'),
  );
  return { QueueUrl: engine.urlOf(queue, context.baseUrl) };
};

const GetQueueUrl: Operation = (engine, input, context) => {
  const queue = engine.queueByName(
    requiredString(input, 'QueueName'),
    optionalString(input, 'QueueOwnerAWSAccountId') ?? engine.options.accountId,
  );
  return { QueueUrl: engine.urlOf(queue, context.baseUrl) };
};

const ListQueues: Operation = (engine, input, context) => {
  const prefix = optionalString(input, 'QueueNamePrefix') ?? '';
  const urls = engine
    .allQueues()
    .filter((queue) => queue.name.startsWith(prefix))
    .map((queue) => engine.urlOf(queue, context.baseUrl));
  const { urls: page, nextToken } = paginate(urls, input);
  return { QueueUrls: page.length > 0 ? page : undefined, NextToken: nextToken };
};

const GetQueueAttributes: Operation = (engine, input) => {
  const attributes = engine.getQueueAttributes(
    queueOf(engine, input),
    optionalStringList(input, 'AttributeNames') ?? [],
  );
  return { Attributes: Object.keys(attributes).length > 0 ? attributes : undefined };
};

const SetQueueAttributes: Operation = (engine, input) => {
  const queue = queueOf(engine, input);
  const attributes = optionalStringMap(input, 'Attributes');
  if (!attributes) throw missingParameter('Attributes');
  engine.setQueueAttributes(queue, attributes);
  return {};
};

const DeleteQueue: Operation = (engine, input) => {
  engine.deleteQueue(queueOf(engine, input));
  return {};
};

const PurgeQueue: Operation = (engine, input) => {
  engine.purgeQueue(queueOf(engine, input));
  return {};
};

const TagQueue: Operation = (engine, input) => {
  const queue = queueOf(engine, input);
  const tags = optionalStringMap(input, 'Tags');
  if (!tags) throw missingParameter('Tags');
  for (const [key, value] of Object.entries(tags)) queue.tags.set(key, value);
  return {};
};

const UntagQueue: Operation = (engine, input) => {
  const queue = queueOf(engine, input);
  const keys = optionalStringList(input, 'TagKeys');
  if (!keys) throw missingParameter('TagKeys');
  for (const key of keys) queue.tags.delete(key);
  return {};
};

const ListQueueTags: Operation = (engine, input) => {
  const queue = queueOf(engine, input);
  return { Tags: queue.tags.size > 0 ? Object.fromEntries(queue.tags) : undefined };
};

const ListDeadLetterSourceQueues: Operation = (engine, input, context) => {
  const queue = queueOf(engine, input);
  const urls = engine.deadLetterSourcesOf(queue).map((source) => engine.urlOf(source, context.baseUrl));
  const { urls: page, nextToken } = paginate(urls, input);
  return { queueUrls: page, NextToken: nextToken };
};

interface PolicyDocument {
  Version: string;
  Id: string;
  Statement: (Record<string, unknown> & { Sid?: string })[];
}

const AddPermission: Operation = (engine, input) => {
  const queue = queueOf(engine, input);
  const label = requiredString(input, 'Label');
  const accounts = optionalStringList(input, 'AWSAccountIds');
  const actions = optionalStringList(input, 'Actions');
  if (!accounts || accounts.length === 0) throw missingParameter('AWSAccountIds');
  if (!actions || actions.length === 0) throw missingParameter('Actions');
  const current = queue.attributes.get('Policy');
  const policy: PolicyDocument = current
    ? (JSON.parse(current) as PolicyDocument)
    : { Version: '2012-10-17', Id: `${queue.arn}/SQSDefaultPolicy`, Statement: [] };
  if (policy.Statement.some((statement) => statement.Sid === label)) {
    throw invalidParameter('Label', label, 'Already exists.');
  }
  policy.Statement.push({
    Sid: label,
    Effect: 'Allow',
    Principal: { AWS: accounts.map((account) => `arn:aws:iam::${account}:root`) },
    Action: actions.map((action) => `SQS:${action}`),
    Resource: queue.arn,
  });
  queue.updateAttributes(new Map([['Policy', JSON.stringify(policy)]]));
  return {};
};

const RemovePermission: Operation = (engine, input) => {
  const queue = queueOf(engine, input);
  const label = requiredString(input, 'Label');
  const current = queue.attributes.get('Policy');
  const policy = current ? (JSON.parse(current) as PolicyDocument) : undefined;
  if (!policy?.Statement.some((statement) => statement.Sid === label)) {
    throw invalidParameter('Label', label, "Can't find label.");
  }
  policy.Statement = policy.Statement.filter((statement) => statement.Sid !== label);
  queue.updateAttributes(new Map([['Policy', policy.Statement.length > 0 ? JSON.stringify(policy) : '']]));
  return {};
};

// ---- messages ------------------------------------------------------------------------------

const SendMessage: Operation = (engine, input, context) => {
  const queue = queueOf(engine, input);
  const sent = engine.send(queue, sendInput(input), context.senderId);
  return {
    MD5OfMessageBody: sent.md5OfMessageBody,
    MD5OfMessageAttributes: sent.md5OfMessageAttributes,
    MD5OfMessageSystemAttributes: sent.md5OfMessageSystemAttributes,
    MessageId: sent.messageId,
    SequenceNumber: sent.sequenceNumber,
  };
};

const SendMessageBatch: Operation = (engine, input, context) => {
  const queue = queueOf(engine, input);
  const entries = batchEntries(input);
  const prepared: { id: string; message?: PreparedMessage; error?: unknown }[] = [];
  let totalBytes = 0;
  for (const entry of entries) {
    const id = entry.Id as string;
    try {
      const message = engine.prepare(queue, sendInput(entry));
      totalBytes += message.size;
      prepared.push({ id, message });
    } catch (error) {
      const body = entry.MessageBody;
      totalBytes += typeof body === 'string' ? Buffer.byteLength(body) : 0;
      prepared.push({ id, error });
    }
  }
  if (totalBytes > MAX_BATCH_BYTES) {
    throw new SqsError(
      'BatchRequestTooLong',
      `Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes. You have sent ${totalBytes} bytes.`,
    );
  }
  const Successful = [];
  const Failed = [];
  for (const { id, message, error } of prepared) {
    if (!message) {
      Failed.push(batchFailure(id, error));
      continue;
    }
    const sent = engine.enqueue(queue, message, context.senderId);
    Successful.push({
      Id: id,
      MessageId: sent.messageId,
      MD5OfMessageBody: sent.md5OfMessageBody,
      MD5OfMessageAttributes: sent.md5OfMessageAttributes,
      MD5OfMessageSystemAttributes: sent.md5OfMessageSystemAttributes,
      SequenceNumber: sent.sequenceNumber,
    });
  }
  return { Successful, Failed };
};

const ReceiveMessage: Operation = async (engine, input, context) => {
  const queue = queueOf(engine, input);
  const maxMessages = optionalInteger(input, 'MaxNumberOfMessages', 1, 10) ?? 1;
  const timeout = visibilityTimeout(input);
  const waitTimeSeconds = optionalInteger(
    input,
    'WaitTimeSeconds',
    0,
    20,
    'Must be >= 0 and <= 20, if provided.',
  );
  const attemptId = optionalString(input, 'ReceiveRequestAttemptId');
  const systemNames = [
    ...(optionalStringList(input, 'AttributeNames') ?? []),
    ...(optionalStringList(input, 'MessageSystemAttributeNames') ?? []),
  ];
  const attributeNames = optionalStringList(input, 'MessageAttributeNames');
  const deliveries = await engine.receive(queue, {
    maxMessages,
    visibilityTimeout: timeout,
    waitTimeSeconds,
    attemptId,
    signal: context.signal,
  });
  if (deliveries.length === 0) return {};
  return { Messages: deliveries.map((delivery) => wireMessage(delivery, systemNames, attributeNames)) };
};

const DeleteMessage: Operation = (engine, input) => {
  const queue = queueOf(engine, input);
  queue.deleteMessage(requiredString(input, 'ReceiptHandle'), engine.now());
  return {};
};

const DeleteMessageBatch: Operation = (engine, input) => {
  const queue = queueOf(engine, input);
  const Successful = [];
  const Failed = [];
  for (const entry of batchEntries(input)) {
    const id = entry.Id as string;
    try {
      queue.deleteMessage(requiredString(entry, 'ReceiptHandle'), engine.now());
      Successful.push({ Id: id });
    } catch (error) {
      Failed.push(batchFailure(id, error));
    }
  }
  return { Successful, Failed };
};

const requiredVisibilityTimeout = (input: JsonObject): number => {
  const timeout = visibilityTimeout(input);
  if (timeout === undefined) throw missingParameter('VisibilityTimeout');
  return timeout;
};

const ChangeMessageVisibility: Operation = (engine, input) => {
  const queue = queueOf(engine, input);
  const receiptHandle = requiredString(input, 'ReceiptHandle');
  queue.changeVisibility(receiptHandle, requiredVisibilityTimeout(input), engine.now());
  return {};
};

const ChangeMessageVisibilityBatch: Operation = (engine, input) => {
  const queue = queueOf(engine, input);
  const Successful = [];
  const Failed = [];
  for (const entry of batchEntries(input)) {
    const id = entry.Id as string;
    try {
      const receiptHandle = requiredString(entry, 'ReceiptHandle');
      queue.changeVisibility(receiptHandle, requiredVisibilityTimeout(entry), engine.now());
      Successful.push({ Id: id });
    } catch (error) {
      Failed.push(batchFailure(id, error));
    }
  }
  return { Successful, Failed };
};

// ---- dead-letter queue redrive -------------------------------------------------------------

const StartMessageMoveTask: Operation = (engine, input) => {
  const task = engine.startMoveTask(
    requiredString(input, 'SourceArn'),
    optionalString(input, 'DestinationArn') || undefined,
    optionalInteger(input, 'MaxNumberOfMessagesPerSecond', 1, 500),
  );
  return { TaskHandle: task.taskHandle };
};

const ListMessageMoveTasks: Operation = (engine, input) => {
  const sourceArn = requiredString(input, 'SourceArn');
  if (!engine.findByArn(sourceArn)) {
    throw new SqsError(
      'ResourceNotFoundException',
      "The resource that you specified for the SourceArn parameter doesn't exist.",
    );
  }
  const maxResults = optionalInteger(input, 'MaxResults', 1, 10) ?? 1;
  return { Results: engine.moveTasks.list(sourceArn, maxResults).map(moveTaskEntry) };
};

const CancelMessageMoveTask: Operation = (engine, input) => {
  const task = engine.moveTasks.cancel(requiredString(input, 'TaskHandle'));
  return { ApproximateNumberOfMessagesMoved: task.moved };
};

export const OPERATIONS: Readonly<Record<string, Operation>> = {
  AddPermission,
  CancelMessageMoveTask,
  ChangeMessageVisibility,
  ChangeMessageVisibilityBatch,
  CreateQueue,
  DeleteMessage,
  DeleteMessageBatch,
  DeleteQueue,
  GetQueueAttributes,
  GetQueueUrl,
  ListDeadLetterSourceQueues,
  ListMessageMoveTasks,
  ListQueueTags,
  ListQueues,
  PurgeQueue,
  ReceiveMessage,
  RemovePermission,
  SendMessage,
  SendMessageBatch,
  SetQueueAttributes,
  StartMessageMoveTask,
  TagQueue,
  UntagQueue,
};
