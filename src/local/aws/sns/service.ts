import type { CfnTemplate } from '../../template';
import type { Delivery, TargetHandler } from '../../targets';
import { AwsServiceError, type AwsRequest, type AwsResponse, type LocalAwsService } from '../protocol';
import { SnsEngine, type PublishInput, type PublishResult, type SnsServiceOptions } from './engine';
import { OPERATIONS } from './operations';
import { parseQuery } from './query';
import { readSnsTemplate } from './template';

export type {
  PublishInput,
  PublishResult,
  SnsDeliveryFailure,
  SnsRetryPolicy,
  SnsServiceOptions,
} from './engine';

/** The actions the endpoint routes to SNS: the operations table's names, listed once. */
export const SNS_ACTIONS: ReadonlySet<string> = new Set(Object.keys(OPERATIONS));

/**
 * Amazon SNS, in memory, over the AWS query protocol (form-encoded `Action=<Op>`, XML answers): topics
 * (standard and FIFO), SQS and Lambda subscriptions with filter policies in both scopes, raw or JSON
 * notification delivery through the {@link TargetDispatcher}, retries and redrive to a DLQ.
 *
 * This class is the wire (parse, dispatch through OPERATIONS) and the in-process API; the state and
 * delivery are in engine.ts, each action in operations.ts.
 */
export class SnsService implements LocalAwsService {
  readonly name = 'sns';
  readonly queryActions = SNS_ACTIONS;
  private readonly engine: SnsEngine;

  constructor(options: SnsServiceOptions) {
    this.engine = new SnsEngine(options);
  }

  get region(): string {
    return this.engine.region;
  }

  get accountId(): string {
    return this.engine.accountId;
  }

  async handle(request: AwsRequest): Promise<AwsResponse> {
    const operation = Object.hasOwn(OPERATIONS, request.operation)
      ? OPERATIONS[request.operation]
      : undefined;
    if (!operation) {
      throw new AwsServiceError(
        'InvalidAction',
        `The action ${request.operation} is not valid for this endpoint.`,
      );
    }
    return operation(this.engine, parseQuery(request.body));
  }

  /** Resolves when no delivery, retry or redrive is pending. */
  whenIdle(): Promise<void> {
    return this.engine.pending.whenIdle();
  }

  /** Cancels pending retries and waits for in-flight deliveries. */
  async close(): Promise<void> {
    await this.engine.pending.close();
  }

  // ---- in-process API --------------------------------------------------------------------------

  topicArnOf(name: string): string {
    return this.engine.topicArnOf(name);
  }

  /** Creates the topics and subscriptions (inline and `AWS::SNS::Subscription`) of a compiled template. */
  loadTemplate(template: CfnTemplate): void {
    const read = readSnsTemplate(template, this.engine.region, (name) => this.engine.topicArnOf(name));
    for (const topic of read.topics) {
      const created = this.engine.createTopicNamed(topic.name, topic.attributes, topic.tags);
      for (const subscription of topic.subscriptions) {
        this.engine.subscribe(created.arn, subscription.protocol, subscription.endpoint, new Map());
      }
    }
    for (const subscription of read.subscriptions) {
      this.engine.subscribe(
        subscription.topicArn,
        subscription.protocol,
        subscription.endpoint,
        subscription.attributes,
      );
    }
  }

  /** Publish, in process, with Publish's validation (throws AwsServiceError). */
  publish(input: PublishInput): PublishResult {
    return this.engine.publishToTopic(this.engine.topicByArn(input.topicArn), input);
  }

  /** A {@link TargetHandler} for the dispatcher's `sns` service: an EventBridge rule or a state machine publishing. */
  deliveryHandler(): TargetHandler {
    return async (arn: string, delivery: Delivery) => {
      this.publish({
        topicArn: arn,
        message: delivery.body,
        messageAttributes: delivery.messageAttributes,
        messageGroupId: delivery.messageGroupId,
        messageDeduplicationId: delivery.messageDeduplicationId,
      });
    };
  }

  listTopicArns(): string[] {
    return [...this.engine.topics.keys()];
  }
}
