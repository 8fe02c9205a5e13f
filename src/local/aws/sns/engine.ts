import { createHash, randomUUID } from 'node:crypto';
import { matchesFilterPolicy } from '../../matching/filter-policy';
import { LOCAL_ACCOUNT_ID } from '../../template-arns';
import type { Delivery, TargetDispatcher } from '../../targets';
import { AwsServiceError } from '../protocol';
import { errorMessageOf, isRetriableTargetError, PendingWork, withRetries } from '../shared/pending';
import {
  filterableAttributes,
  invalidParameter,
  lambdaEvent,
  messageFor,
  messageSize,
  notificationEnvelope,
  SNS_LIMITS,
  validateMessageAttributes,
  type MessageAttributes,
  type PublishedMessage,
} from './message';
import {
  setSubscriptionAttributes,
  subscriptionAttributes,
  type Subscription,
  type SubscriptionProtocol,
  type Topic,
} from './model';

/** A message SNS could not deliver to a subscription and could not (or was not told to) redrive. */
export interface SnsDeliveryFailure {
  readonly topicArn: string;
  readonly subscriptionArn: string;
  readonly protocol: SubscriptionProtocol;
  readonly endpoint: string;
  readonly messageId: string;
  /** What the endpoint would have received. */
  readonly body: string;
  readonly errorMessage: string;
  readonly retryAttempts: number;
  /** Set when a redrive DLQ was configured but sending to it failed as well. */
  readonly deadLetterError?: string;
}

/**
 * SNS retries deliveries to AWS-managed endpoints (SQS, Lambda) in phases: 3 immediate retries, 2 at the
 * minimum delay, then a backoff to the maximum delay. Locally the phases are kept and compressed in time.
 */
export interface SnsRetryPolicy {
  /** Retries after the first attempt; 15 by default (3 immediate, 2 pre-backoff, 10 backoff). */
  readonly maxRetries: number;
  /** Default 100 ms. */
  readonly minDelayMs: number;
  /** Default 2 s. */
  readonly maxDelayMs: number;
}

export interface SnsServiceOptions {
  readonly region: string;
  readonly dispatcher: TargetDispatcher;
  /** Default `000000000000` (LOCAL_ACCOUNT_ID). */
  readonly accountId?: string;
  /** Milliseconds since the epoch (Timestamp, FIFO deduplication window); Date.now by default. */
  readonly clock?: () => number;
  /** Called for each message that failed for good with no redrive DLQ (or whose DLQ failed). Logs to stderr by default. */
  readonly onDeliveryFailure?: (failure: SnsDeliveryFailure) => void;
  readonly retry?: Partial<SnsRetryPolicy>;
}

/** Publish in process (Step Functions `sns:publish`, EventBridge topic targets). */
export interface PublishInput {
  readonly topicArn: string;
  readonly message: string;
  readonly subject?: string;
  readonly messageStructure?: string;
  readonly messageAttributes?: MessageAttributes;
  readonly messageGroupId?: string;
  readonly messageDeduplicationId?: string;
}

export interface PublishResult {
  readonly messageId: string;
  readonly sequenceNumber?: string;
}

export const TOPIC_ATTRIBUTES: ReadonlySet<string> = new Set([
  'DeliveryPolicy',
  'DisplayName',
  'FifoTopic',
  'Policy',
  'SignatureVersion',
  'TracingConfig',
  'KmsMasterKeyId',
  'ContentBasedDeduplication',
  'ArchivePolicy',
  'FifoThroughputScope',
]);

/** Messages of one FIFO group reach a subscription in order, each after the previous one settled. */
class GroupChains {
  private readonly chains = new Map<string, Promise<void>>();

  then(key: string, work: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => work());
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
    return next;
  }
}

const DEDUPLICATION_WINDOW_MS = 5 * 60 * 1000;

export const notFound = (what: 'Topic' | 'Subscription') =>
  new AwsServiceError('NotFound', `${what} does not exist`, 404);

const logFailure = (failure: SnsDeliveryFailure): void => {
  process.stderr.write(
    `orderflow sns: message ${failure.messageId} from ${failure.topicArn} to ${failure.endpoint} failed for good ` +
      `after ${failure.retryAttempts} retries: ${failure.errorMessage}\n`,
  );
};

/**
 * The state and semantics of the local SNS, with no wire concerns: topics (standard and FIFO) and their
 * subscriptions; a published message is validated, deduplicated (FIFO), filtered per subscription and
 * delivered through the {@link TargetDispatcher} with retries and redrive. The operations
 * (operations.ts) read and change this state; the service (service.ts) speaks the query protocol.
 */
export class SnsEngine {
  readonly region: string;
  readonly accountId: string;
  readonly topics = new Map<string, Topic>();
  readonly subscriptions = new Map<string, Subscription>();
  readonly pending: PendingWork;
  private readonly dispatcher: TargetDispatcher;
  private readonly clock: () => number;
  private readonly onDeliveryFailure: (failure: SnsDeliveryFailure) => void;
  private readonly retry: SnsRetryPolicy;
  private readonly groups = new GroupChains();

  constructor(options: SnsServiceOptions) {
    this.region = options.region;
    this.accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
    this.dispatcher = options.dispatcher;
    this.clock = options.clock ?? Date.now;
    this.onDeliveryFailure = options.onDeliveryFailure ?? logFailure;
    this.retry = { maxRetries: 15, minDelayMs: 100, maxDelayMs: 2_000, ...options.retry };
    this.pending = new PendingWork((error) =>
      process.stderr.write(`orderflow sns: delivery crashed: ${errorMessageOf(error)}\n`),
    );
  }

  topicArnOf(name: string): string {
    return `arn:aws:sns:${this.region}:${this.accountId}:${name}`;
  }

  topicByArn(arn: string): Topic {
    const topic = this.topics.get(arn);
    if (!topic) throw notFound('Topic');
    return topic;
  }

  subscriptionByArn(arn: string): Subscription {
    const subscription = this.subscriptions.get(arn);
    if (!subscription) throw notFound('Subscription');
    return subscription;
  }

  createTopicNamed(
    name: string,
    attributes: ReadonlyMap<string, string>,
    tags: ReadonlyMap<string, string>,
  ): Topic {
    const fifo = (attributes.get('FifoTopic') ?? 'false').toLowerCase() === 'true';
    const base = name.endsWith('.fifo') ? name.slice(0, -'.fifo'.length) : name;
    if (fifo && !name.endsWith('.fifo')) {
      throw invalidParameter(
        'Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.',
      );
    }
    if (!/^[A-Za-z0-9_-]+$/.test(base) || name.length > 256 || (!fifo && name.endsWith('.fifo'))) {
      throw invalidParameter('Topic Name');
    }
    for (const key of attributes.keys()) {
      if (!TOPIC_ATTRIBUTES.has(key)) throw invalidParameter(`Attributes Reason: Unknown attribute ${key}`);
    }
    if (!fifo && attributes.has('ContentBasedDeduplication')) {
      throw invalidParameter(
        'Attributes Reason: Content-based deduplication can only be set for FIFO topics',
      );
    }
    const arn = this.topicArnOf(name);
    const existing = this.topics.get(arn);
    if (existing) return existing;
    const topic: Topic = {
      name,
      arn,
      fifo,
      attributes: new Map(attributes),
      tags: new Map(tags),
      subscriptions: new Set(),
      deduplication: new Map(),
      sequence: 10_000_000_000_000_000_000n,
    };
    this.topics.set(arn, topic);
    return topic;
  }

  topicAttributes(topic: Topic): [string, string][] {
    const confirmed = [...topic.subscriptions].filter((arn) => this.subscriptions.has(arn)).length;
    const policy = {
      Version: '2008-10-17',
      Id: '__default_policy_ID',
      Statement: [
        {
          Sid: '__default_statement_ID',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: ['SNS:Publish', 'SNS:Subscribe', 'SNS:GetTopicAttributes', 'SNS:SetTopicAttributes'],
          Resource: topic.arn,
          Condition: { StringEquals: { 'AWS:SourceOwner': this.accountId } },
        },
      ],
    };
    const attributes = new Map<string, string>([
      ['TopicArn', topic.arn],
      ['Owner', this.accountId],
      ['Policy', JSON.stringify(policy)],
      ['DisplayName', ''],
      ['SubscriptionsConfirmed', String(confirmed)],
      ['SubscriptionsPending', '0'],
      ['SubscriptionsDeleted', '0'],
      [
        'EffectiveDeliveryPolicy',
        JSON.stringify({
          http: {
            defaultHealthyRetryPolicy: {
              minDelayTarget: 20,
              maxDelayTarget: 20,
              numRetries: 3,
              numMaxDelayRetries: 0,
              numNoDelayRetries: 0,
              numMinDelayRetries: 0,
              backoffFunction: 'linear',
            },
            disableSubscriptionOverrides: false,
          },
        }),
      ],
    ]);
    if (topic.fifo) {
      attributes.set('FifoTopic', 'true');
      attributes.set('ContentBasedDeduplication', 'false');
    }
    for (const [key, value] of topic.attributes) attributes.set(key, value);
    return [...attributes];
  }

  subscribe(
    topicArn: string,
    protocol: string,
    endpoint: string,
    attributes: ReadonlyMap<string, string>,
  ): Subscription {
    const topic = this.topicByArn(topicArn);
    if (protocol !== 'sqs' && protocol !== 'lambda') {
      throw invalidParameter(`Protocol Reason: ${protocol} is not supported by the local SNS (sqs, lambda)`);
    }
    if (protocol === 'sqs' && !/^arn:aws:sqs:[^:]*:[^:]*:[^:]+$/.test(endpoint)) {
      throw invalidParameter('SQS endpoint ARN');
    }
    if (protocol === 'lambda' && !/^arn:aws:lambda:[^:]*:[^:]*:function:.+$/.test(endpoint)) {
      throw invalidParameter('Lambda endpoint ARN');
    }
    const subscription: Subscription = {
      arn: `${topic.arn}:${randomUUID()}`,
      topicArn: topic.arn,
      protocol,
      endpoint,
      rawMessageDelivery: false,
      filterPolicyScope: 'MessageAttributes',
      extra: new Map(),
    };
    setSubscriptionAttributes(subscription, attributes);
    const existing = [...topic.subscriptions]
      .map((arn) => this.subscriptions.get(arn))
      .find((candidate) => candidate?.protocol === protocol && candidate.endpoint === endpoint);
    if (existing) {
      const same = (a: Subscription) => JSON.stringify(subscriptionAttributes({ ...a, arn: '' }, ''));
      if (same(existing) !== same(subscription)) {
        throw invalidParameter('Attributes Reason: Subscription already exists with different attributes');
      }
      return existing;
    }
    this.subscriptions.set(subscription.arn, subscription);
    topic.subscriptions.add(subscription.arn);
    return subscription;
  }

  publishToTopic(topic: Topic, input: PublishInput): PublishResult {
    const message = input.message;
    if (message === '') throw invalidParameter('Empty message');
    const attributes = input.messageAttributes ?? {};
    if (input.subject !== undefined) {
      if (
        input.subject === '' ||
        input.subject.length > SNS_LIMITS.maxSubjectLength ||
        !/^[\x20-\x7e]*$/.test(input.subject)
      ) {
        throw invalidParameter('Subject');
      }
    }
    validateMessageAttributes(attributes);
    if (messageSize(message, attributes) > SNS_LIMITS.maxMessageBytes)
      throw invalidParameter('Message too long');
    const messages = this.messagesOf(message, input.messageStructure);
    let groupId = input.messageGroupId;
    let dedupId = input.messageDeduplicationId;
    if (topic.fifo) {
      if (groupId === undefined || groupId === '') {
        throw invalidParameter('The MessageGroupId parameter is required for FIFO topics');
      }
      if (dedupId === undefined) {
        if (topic.attributes.get('ContentBasedDeduplication')?.toLowerCase() !== 'true') {
          throw invalidParameter(
            'The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
          );
        }
        dedupId = createHash('sha256').update(message).digest('hex');
      }
    } else {
      if (dedupId !== undefined) {
        throw invalidParameter(
          'MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type',
        );
      }
      if (groupId === '') groupId = undefined;
    }
    const now = this.clock();
    if (topic.fifo && dedupId !== undefined) {
      const previous = topic.deduplication.get(dedupId);
      if (previous && previous.until > now)
        return { messageId: previous.messageId, sequenceNumber: previous.sequenceNumber };
    }
    const messageId = randomUUID();
    let sequenceNumber: string | undefined;
    if (topic.fifo) {
      topic.sequence += 1n;
      sequenceNumber = topic.sequence.toString();
      if (dedupId !== undefined) {
        for (const [id, entry] of topic.deduplication) if (entry.until <= now) topic.deduplication.delete(id);
        topic.deduplication.set(dedupId, { messageId, sequenceNumber, until: now + DEDUPLICATION_WINDOW_MS });
      }
    }
    const published: PublishedMessage = {
      messageId,
      topicArn: topic.arn,
      messages,
      subject: input.subject,
      attributes,
      timestamp: new Date(now).toISOString(),
      messageGroupId: groupId,
      messageDeduplicationId: dedupId,
      sequenceNumber,
    };
    this.fanOut(topic, published);
    return sequenceNumber === undefined ? { messageId } : { messageId, sequenceNumber };
  }

  private messagesOf(message: string, structure: string | undefined): Record<string, string> {
    if (structure === undefined || structure === '') return { default: message };
    if (structure !== 'json') throw invalidParameter('MessageStructure');
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      throw invalidParameter('Message Structure - JSON message body failed to parse');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw invalidParameter('Message Structure - JSON message body failed to parse');
    }
    const entries = Object.entries(parsed).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    );
    const messages = Object.fromEntries(entries);
    if (messages.default === undefined)
      throw invalidParameter('Message Structure - No default entry in JSON message body');
    return messages;
  }

  fanOut(topic: Topic, message: PublishedMessage): void {
    const filterable = filterableAttributes(message.attributes);
    for (const arn of topic.subscriptions) {
      const subscription = this.subscriptions.get(arn);
      if (!subscription) continue;
      if (
        subscription.filterPolicy !== undefined &&
        !matchesFilterPolicy(subscription.filterPolicy, subscription.filterPolicyScope, {
          attributes: filterable,
          body: messageFor(message, subscription.protocol),
        })
      ) {
        continue;
      }
      if (topic.fifo && message.messageGroupId !== undefined) {
        const key = `${subscription.arn}\n${message.messageGroupId}`;
        this.pending.run(() =>
          this.groups.then(key, async () => {
            await new Promise<void>((resolve) => setImmediate(resolve));
            await this.deliverTo(subscription, message);
          }),
        );
      } else {
        this.pending.run(() => this.deliverTo(subscription, message));
      }
    }
  }

  private deliveryFor(subscription: Subscription, message: PublishedMessage, endpoint: string): Delivery {
    let body: string;
    let messageAttributes: Delivery['messageAttributes'];
    if (subscription.protocol === 'lambda') {
      body = JSON.stringify(lambdaEvent(message, subscription.arn, this.region));
    } else if (subscription.rawMessageDelivery) {
      body = messageFor(message, 'sqs');
      if (Object.keys(message.attributes).length > 0) messageAttributes = message.attributes;
    } else {
      body = JSON.stringify(notificationEnvelope(message, 'sqs', subscription.arn, this.region));
    }
    return {
      body,
      ...(messageAttributes === undefined ? {} : { messageAttributes }),
      ...(message.messageGroupId === undefined ? {} : { messageGroupId: message.messageGroupId }),
      ...(endpoint.endsWith('.fifo') && message.messageDeduplicationId !== undefined
        ? { messageDeduplicationId: message.messageDeduplicationId }
        : {}),
    };
  }

  private retryDelay(retry: number): number {
    const { minDelayMs, maxDelayMs } = this.retry;
    if (retry <= 3) return 0;
    if (retry <= 5) return minDelayMs;
    const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** (retry - 5));
    return Math.round(ceiling * (0.5 + Math.random() * 0.5));
  }

  private async deliverTo(subscription: Subscription, message: PublishedMessage): Promise<void> {
    if (!this.subscriptions.has(subscription.arn)) return;
    const delivery = this.deliveryFor(subscription, message, subscription.endpoint);
    const outcome = await withRetries(
      this.pending,
      {
        maxRetries: this.retry.maxRetries,
        clock: this.clock,
        delay: (retry) => this.retryDelay(retry),
        retriable: isRetriableTargetError,
      },
      () => this.dispatcher.deliver(subscription.endpoint, delivery),
    );
    if (outcome.delivered) return;
    if (this.pending.isClosed && outcome.exhausted === undefined && isRetriableTargetError(outcome.error))
      return;
    const failure: SnsDeliveryFailure = {
      topicArn: subscription.topicArn,
      subscriptionArn: subscription.arn,
      protocol: subscription.protocol,
      endpoint: subscription.endpoint,
      messageId: message.messageId,
      body: delivery.body,
      errorMessage: errorMessageOf(outcome.error),
      retryAttempts: outcome.retries,
    };
    const dlq = subscription.deadLetterTargetArn;
    if (dlq === undefined) {
      this.onDeliveryFailure(failure);
      return;
    }
    try {
      await this.dispatcher.deliver(dlq, this.deliveryFor(subscription, message, dlq));
    } catch (error) {
      this.onDeliveryFailure({ ...failure, deadLetterError: errorMessageOf(error) });
    }
  }
}
