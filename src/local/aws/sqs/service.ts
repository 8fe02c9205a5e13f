import type { IncomingHttpHeaders } from 'node:http';
import {
  AwsServiceError,
  jsonResponse,
  type AwsRequest,
  type AwsResponse,
  type LocalAwsService,
} from '../protocol';
import { SqsEngine, messageSystemAttributes } from './engine';
import { SqsError, invalidParameter, sqsErrorResponse } from './errors';
import { parseJsonBody } from './input';
import { OPERATIONS } from './operations';
import { MAX_VISIBILITY_TIMEOUT_SECONDS } from './queue';

export interface SqsServiceOptions {
  readonly region: string;
  /** Default '000000000000'. */
  readonly accountId?: string;
  /**
   * Where queue URLs point, e.g. `http://127.0.0.1:4566`. When absent, responses use the Host the
   * request came to and the in-process API uses `http://127.0.0.1:4566`; `setBaseUrl` sets it later
   * (once the endpoint's port is known).
   */
  readonly baseUrl?: string;
  /** Milliseconds since the epoch; Date.now by default. */
  readonly clock?: () => number;
  /** Minimum time between two PurgeQueue calls on one queue; 60 s as on AWS by default. */
  readonly purgeCooldownMs?: number;
}

/** A message attribute in the SDK's shape (binary values as bytes). */
export interface SqsMessageAttributeValue {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: Uint8Array;
}

/** What the in-process API sends: the same rules as SendMessage apply. */
export interface QueueMessageInput {
  readonly body: string;
  readonly attributes?: Readonly<Record<string, SqsMessageAttributeValue>>;
  readonly groupId?: string;
  readonly dedupId?: string;
  readonly delaySeconds?: number;
  /** X-Ray trace header, delivered as the AWSTraceHeader system attribute. */
  readonly traceHeader?: string;
  /** Reported as the SenderId system attribute; the account id by default. */
  readonly senderId?: string;
}

export interface SentMessage {
  readonly messageId: string;
  readonly sequenceNumber?: string;
  readonly md5OfMessageBody: string;
  readonly md5OfMessageAttributes?: string;
  /** True when FIFO deduplication accepted the message without enqueueing it again. */
  readonly duplicate: boolean;
}

export interface ReceiveFromQueueOptions {
  /** 1..10, default 10. */
  readonly maxMessages?: number;
  /** Seconds; the queue's VisibilityTimeout by default. */
  readonly visibilityTimeout?: number;
  /** 0..20 seconds of long polling; 0 by default. */
  readonly waitTimeSeconds?: number;
  readonly signal?: AbortSignal;
}

/** A received message with every system and message attribute, as an event source mapping needs it. */
export interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly md5OfBody: string;
  /** SenderId, SentTimestamp, ApproximateReceiveCount, ApproximateFirstReceiveTimestamp, and for FIFO SequenceNumber, MessageGroupId, MessageDeduplicationId; AWSTraceHeader, DeadLetterQueueSourceArn when set. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly messageAttributes: Readonly<Record<string, SqsMessageAttributeValue>>;
  readonly md5OfMessageAttributes?: string;
  readonly eventSourceArn: string;
}

const DEFAULT_BASE_URL = 'http://127.0.0.1:4566';

const senderOf = (headers: IncomingHttpHeaders, fallback: string): string => {
  const authorization = headers.authorization;
  const match = /Credential=([^/,\s]+)\//.exec(
    Array.isArray(authorization) ? (authorization[0] ?? '') : (authorization ?? ''),
  );
  return match?.[1] ?? fallback;
};

/**
 * Amazon SQS, in memory, over the AWS JSON 1.0 protocol (`X-Amz-Target: AmazonSQS.<Op>`) that SDK v3
 * and the AWS CLI speak — plus an in-process API for the rest of the offline runtime (event source
 * pollers, SNS and EventBridge targets).
 */
export class SqsService implements LocalAwsService {
  readonly name = 'sqs';
  readonly jsonTargetPrefix = 'AmazonSQS';
  private readonly engine: SqsEngine;
  private baseUrl: string | undefined;

  constructor(options: SqsServiceOptions) {
    this.engine = new SqsEngine({
      region: options.region,
      accountId: options.accountId ?? '000000000000',
      clock: options.clock ?? Date.now,
      purgeCooldownMs: options.purgeCooldownMs ?? 60_000,
    });
    this.baseUrl = options.baseUrl;
  }

  get region(): string {
    return this.engine.options.region;
  }

  get accountId(): string {
    return this.engine.options.accountId;
  }

  /** Sets where queue URLs point, e.g. once the endpoint's port is known. */
  setBaseUrl(baseUrl: string): void {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async handle(request: AwsRequest): Promise<AwsResponse> {
    try {
      const operation = Object.hasOwn(OPERATIONS, request.operation)
        ? OPERATIONS[request.operation]
        : undefined;
      if (!operation) {
        throw new SqsError(
          'UnknownOperationException',
          `Operation ${request.operation || '(none)'} is not supported by the local SQS.`,
        );
      }
      const input = parseJsonBody(request.body);
      const host = request.headers.host;
      const result = await operation(this.engine, input, {
        baseUrl: this.baseUrl ?? (host ? `http://${host}` : DEFAULT_BASE_URL),
        senderId: senderOf(request.headers, this.accountId),
        // Not (yet) part of AwsRequest: used as soon as the endpoint passes one.
        signal: request.signal,
      });
      return jsonResponse(result);
    } catch (error) {
      if (error instanceof AwsServiceError) return sqsErrorResponse(error);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.engine.close();
  }

  // ---- in-process API ------------------------------------------------------------------------

  /** Creates a queue (idempotently, like CreateQueue) and returns its URL and ARN. */
  createQueue(
    name: string,
    attributes?: Readonly<Record<string, string>>,
    tags?: Readonly<Record<string, string>>,
  ): { readonly queueUrl: string; readonly queueArn: string } {
    const queue = this.engine.createQueue(name, attributes, tags);
    return { queueUrl: this.engine.urlOf(queue, this.baseUrl ?? DEFAULT_BASE_URL), queueArn: queue.arn };
  }

  /** The URL of an existing queue; throws QueueDoesNotExist otherwise. */
  queueArnToUrl(queueArn: string): string {
    return this.engine.urlOf(this.engine.queueByArn(queueArn), this.baseUrl ?? DEFAULT_BASE_URL);
  }

  /** The ARN of an existing queue, whatever host its URL names. */
  queueUrlToArn(queueUrl: string): string {
    return this.engine.queueByUrl(queueUrl).arn;
  }

  listQueueArns(): string[] {
    return this.engine.allQueues().map((queue) => queue.arn);
  }

  /** GetQueueAttributes by ARN (all attributes by default). */
  getQueueAttributes(queueArn: string, names: readonly string[] = ['All']): Record<string, string> {
    return this.engine.getQueueAttributes(this.engine.queueByArn(queueArn), names);
  }

  /** SendMessage by ARN, with the same validation, deduplication and digests. Throws SqsError. */
  sendToQueue(queueArn: string, message: QueueMessageInput): SentMessage {
    const queue = this.engine.queueByArn(queueArn);
    const sent = this.engine.send(
      queue,
      {
        body: message.body,
        delaySeconds: message.delaySeconds,
        attributes: message.attributes,
        systemAttributes:
          message.traceHeader === undefined
            ? undefined
            : { AWSTraceHeader: { DataType: 'String', StringValue: message.traceHeader } },
        groupId: message.groupId,
        dedupId: message.dedupId,
      },
      message.senderId ?? this.accountId,
    );
    return {
      messageId: sent.messageId,
      sequenceNumber: sent.sequenceNumber,
      md5OfMessageBody: sent.md5OfMessageBody,
      md5OfMessageAttributes: sent.md5OfMessageAttributes,
      duplicate: sent.duplicate,
    };
  }

  /** ReceiveMessage by ARN, returning every attribute. Long-polls when waitTimeSeconds > 0. */
  async receiveFromQueue(
    queueArn: string,
    options: ReceiveFromQueueOptions = {},
  ): Promise<ReceivedMessage[]> {
    const queue = this.engine.queueByArn(queueArn);
    const maxMessages = options.maxMessages ?? 10;
    if (!Number.isInteger(maxMessages) || maxMessages < 1 || maxMessages > 10) {
      throw invalidParameter('MaxNumberOfMessages', maxMessages, 'Must be between 1 and 10, if provided.');
    }
    const wait = options.waitTimeSeconds ?? 0;
    if (wait < 0 || wait > 20) {
      throw invalidParameter('WaitTimeSeconds', wait, 'Must be >= 0 and <= 20, if provided.');
    }
    const timeout = options.visibilityTimeout;
    if (timeout !== undefined && (timeout < 0 || timeout > MAX_VISIBILITY_TIMEOUT_SECONDS)) {
      throw invalidParameter('VisibilityTimeout', timeout, 'Must be >= 0 and <= 43200, if provided.');
    }
    const deliveries = await this.engine.receive(queue, {
      maxMessages,
      visibilityTimeout: timeout,
      waitTimeSeconds: wait,
      signal: options.signal,
    });
    return deliveries.map(({ message, receiptHandle }) => ({
      messageId: message.messageId,
      receiptHandle,
      body: message.body,
      md5OfBody: message.md5OfBody,
      attributes: messageSystemAttributes(message),
      messageAttributes: Object.fromEntries(
        Object.entries(message.attributes).map(([name, value]) => [
          name,
          value.stringValue !== undefined
            ? { DataType: value.dataType, StringValue: value.stringValue }
            : { DataType: value.dataType, BinaryValue: new Uint8Array(value.binaryValue ?? []) },
        ]),
      ),
      md5OfMessageAttributes: message.md5OfAttributes,
      eventSourceArn: queue.arn,
    }));
  }

  /** DeleteMessage by ARN. */
  deleteFromQueue(queueArn: string, receiptHandle: string): void {
    this.engine.queueByArn(queueArn).deleteMessage(receiptHandle, this.engine.now());
  }

  /** ChangeMessageVisibility by ARN. */
  changeMessageVisibility(queueArn: string, receiptHandle: string, visibilityTimeout: number): void {
    if (
      !Number.isInteger(visibilityTimeout) ||
      visibilityTimeout < 0 ||
      visibilityTimeout > MAX_VISIBILITY_TIMEOUT_SECONDS
    ) {
      throw invalidParameter(
        'VisibilityTimeout',
        visibilityTimeout,
        'Must be >= 0 and <= 43200, if provided.',
      );
    }
    this.engine.queueByArn(queueArn).changeVisibility(receiptHandle, visibilityTimeout, this.engine.now());
  }

  /**
   * Calls `callback` whenever a message of the queue may have become receivable: sent, moved in,
   * out of its delay or visibility timeout, or its FIFO group unblocked. Calls are asynchronous and
   * coalesced; one follows the subscription so that messages already waiting are noticed. The
   * subscription ends with the returned function, or when the queue is deleted or the service closed.
   */
  onMessageAvailable(queueArn: string, callback: () => void): () => void {
    const queue = this.engine.queueByArn(queueArn);
    const unsubscribe = queue.onAvailable(callback);
    queue.scheduleNotify();
    return unsubscribe;
  }
}
