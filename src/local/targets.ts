import type { RequestCounter } from './metrics/request-counter';

/** One message handed to a target (a queue, a topic, a function, a state machine). */
export interface Delivery {
  readonly body: string;
  readonly messageGroupId?: string;
  readonly messageDeduplicationId?: string;
  readonly messageAttributes?: Readonly<
    Record<string, { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }>
  >;
}

export type TargetService = 'sqs' | 'sns' | 'lambda' | 'states' | 'events';
export type TargetHandler = (arn: string, delivery: Delivery) => Promise<void>;

export class UnknownTargetError extends Error {
  override readonly name = 'UnknownTargetError';
}

/**
 * Routes a delivery to whichever local service owns the target ARN, so EventBridge rules, SNS
 * subscriptions and Lambda destinations reach each other in process, the way AWS wires them.
 */
export class TargetDispatcher {
  private readonly handlers = new Map<string, TargetHandler>();

  /** `counter` counts deliveries per target service: on AWS each is a billed request (a message, an event...). */
  constructor(private readonly counter?: RequestCounter) {}

  register(service: TargetService, handler: TargetHandler): this {
    this.handlers.set(service, handler);
    return this;
  }

  async deliver(arn: string, delivery: Delivery): Promise<void> {
    const service = arn.split(':')[2] ?? '';
    const handler = this.handlers.get(service);
    if (!handler) throw new UnknownTargetError(`No local service delivers to ${arn}`);
    this.counter?.countDelivery(service);
    await handler(arn, delivery);
  }
}
