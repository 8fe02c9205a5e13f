/**
 * A private local AWS endpoint for the EventBridge and SNS integration tests: the real services behind a
 * real `AwsEndpoint` on a free port, and a recording test double where SQS and Lambda would be (SQS is a
 * separate service, written elsewhere; here only what reaches it matters).
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { AwsEndpoint } from '../../../src/local/aws/endpoint';
import {
  EventBridgeService,
  type EventBridgeServiceOptions,
  type EventDeliveryFailure,
} from '../../../src/local/aws/eventbridge';
import { AwsServiceError } from '../../../src/local/aws/protocol';
import { SnsService, type SnsDeliveryFailure, type SnsServiceOptions } from '../../../src/local/aws/sns';
import { TargetDispatcher, type Delivery } from '../../../src/local/targets';

export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';

export const queueArn = (name: string): string => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
export const functionArn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

export interface Recorded {
  readonly arn: string;
  readonly delivery: Delivery;
}

/** Retriable, as a queue that is briefly unavailable would be. */
export class SimulatedOutage extends Error {
  override readonly name = 'SimulatedOutage';
}

/** Records what reaches SQS and Lambda; can be told to fail for an ARN. */
export class RecordingTargets {
  readonly deliveries: Recorded[] = [];
  /** Attempts per ARN, failed ones included. */
  readonly attempts = new Map<string, number>();
  private readonly failures = new Map<string, { remaining: number; error: () => Error }>();

  /** The next `times` deliveries to `arn` fail (Infinity: all of them). */
  failFor(
    arn: string,
    times = Infinity,
    error: () => Error = () => new SimulatedOutage(`${arn} is unavailable`),
  ): void {
    this.failures.set(arn, { remaining: times, error });
  }

  /** Deliveries to `arn` fail as SQS answers for a queue that does not exist (not retriable). */
  missing(arn: string): void {
    this.failFor(
      arn,
      Infinity,
      () =>
        new AwsServiceError(
          'AWS.SimpleQueueService.NonExistentQueue',
          `The specified queue does not exist: ${arn}`,
        ),
    );
  }

  readonly handler = async (arn: string, delivery: Delivery): Promise<void> => {
    this.attempts.set(arn, (this.attempts.get(arn) ?? 0) + 1);
    const failure = this.failures.get(arn);
    if (failure && failure.remaining > 0) {
      failure.remaining -= 1;
      throw failure.error();
    }
    this.deliveries.push({ arn, delivery });
  };

  to(arn: string): Delivery[] {
    return this.deliveries.filter((recorded) => recorded.arn === arn).map((recorded) => recorded.delivery);
  }
}

export interface LocalAws {
  readonly url: string;
  readonly eventBridge: EventBridgeService;
  readonly sns: SnsService;
  readonly targets: RecordingTargets;
  readonly eventFailures: EventDeliveryFailure[];
  readonly snsFailures: SnsDeliveryFailure[];
  readonly events: EventBridgeClient;
  readonly snsClient: SNSClient;
  /** Waits until neither service has a delivery pending (one may feed the other). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface LocalAwsOptions {
  readonly eventBridge?: Partial<
    Omit<EventBridgeServiceOptions, 'dispatcher' | 'region' | 'onDeliveryFailure'>
  >;
  readonly sns?: Partial<Omit<SnsServiceOptions, 'dispatcher' | 'region' | 'onDeliveryFailure'>>;
}

export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const targets = new RecordingTargets();
  const eventFailures: EventDeliveryFailure[] = [];
  const snsFailures: SnsDeliveryFailure[] = [];
  const dispatcher = new TargetDispatcher()
    .register('sqs', targets.handler)
    .register('lambda', targets.handler);
  const eventBridge = new EventBridgeService({
    region: REGION,
    dispatcher,
    retryDelay: { baseMs: 1, maxMs: 4 },
    onDeliveryFailure: (failure) => eventFailures.push(failure),
    ...options.eventBridge,
  });
  const sns = new SnsService({
    region: REGION,
    dispatcher,
    retry: { minDelayMs: 1, maxDelayMs: 4 },
    onDeliveryFailure: (failure) => snsFailures.push(failure),
    ...options.sns,
  });
  dispatcher.register('sns', sns.deliveryHandler()).register('events', eventBridge.deliveryHandler());
  const endpoint = new AwsEndpoint().register(eventBridge).register(sns);
  const port = await endpoint.listen(0);
  const url = `http://127.0.0.1:${port}`;
  const config = {
    endpoint: url,
    region: REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const events = new EventBridgeClient(config);
  const snsClient = new SNSClient(config);
  // EventBridge feeds SNS (topic targets) and itself (bus targets); SNS feeds neither.
  const idle = async () => {
    await eventBridge.whenIdle();
    await sns.whenIdle();
  };
  return {
    url,
    eventBridge,
    sns,
    targets,
    eventFailures,
    snsFailures,
    events,
    snsClient,
    idle,
    close: async () => {
      events.destroy();
      snsClient.destroy();
      await endpoint.close();
    },
  };
}

export { awsCli, awsCliError, UnexpectedSuccess } from '../../support/aws-cli';
