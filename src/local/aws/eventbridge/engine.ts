import { randomUUID } from 'node:crypto';
import type { DeliveryFaults } from '../../faults';
import { matchesEventPattern } from '../../matching/event-pattern';
import { LOCAL_ACCOUNT_ID } from '../../template-arns';
import { UnknownTargetError, type Delivery, type TargetDispatcher } from '../../targets';
import { AwsServiceError } from '../protocol';
import {
  errorMessageOf,
  isRetriableTargetError,
  PendingWork,
  retryDelayMs,
  withRetries,
  type ExhaustedCondition,
  type RetryDelay,
} from '../shared/pending';
import { applyInputTransformer, evaluateJsonPath } from './input-transform';
import { RuleScheduler } from './scheduler';
import {
  EventBridgeArns,
  eventTime,
  type Archive,
  type EventBus,
  type EventEnvelope,
  type Replay,
  type Rule,
  type RuleTarget,
} from './model';

/** Documented RetryPolicy defaults: 185 retries within 24 hours. */
export const DEFAULT_RETRY_POLICY = { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 } as const;

/** An event EventBridge could not deliver to a target and could not (or was not told to) dead-letter. */
export interface EventDeliveryFailure {
  readonly ruleArn: string;
  readonly ruleName: string;
  readonly eventBusName: string;
  readonly targetId: string;
  readonly targetArn: string;
  readonly event: EventEnvelope;
  /** What the target would have received (after Input/InputPath/InputTransformer), when it could be built. */
  readonly input?: string;
  /** The DLQ-style code (`NO_RESOURCE`, `THROTTLING`, `SDK_CLIENT_ERROR`, ...) and the target's message. */
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly retryAttempts: number;
  readonly exhaustedRetryCondition?: ExhaustedCondition;
  /** Set when a dead-letter queue was configured but sending to it failed as well. */
  readonly deadLetterError?: string;
}

export interface EventBridgeServiceOptions {
  readonly region: string;
  readonly dispatcher: TargetDispatcher;
  /** Default `000000000000` (LOCAL_ACCOUNT_ID). */
  readonly accountId?: string;
  /** Milliseconds since the epoch (event `time`, event age for RetryPolicy); Date.now by default. */
  readonly clock?: () => number;
  /** Called for each event that exhausted its retries with no DLQ (or whose DLQ failed). Logs to stderr by default. */
  readonly onDeliveryFailure?: (failure: EventDeliveryFailure) => void;
  /** Backoff between retries, real time. Default 100 ms doubling up to 5 s, with jitter. */
  readonly retryDelay?: RetryDelay;
  /** Injected faults: deliveries to targets delayed or duplicated. */
  readonly faults?: DeliveryFaults;
  /**
   * Schedule rules run this many times faster than real time (default 1: `rate(1 minute)` fires every
   * minute). Test stacks set it so a minute-long schedule ticks every second.
   */
  readonly scheduleTimeScale?: number;
  /** When true, schedule rules fire only once `startSchedules()` is called (the stack: when every target is wired). */
  readonly deferSchedules?: boolean;
}

const logFailure = (failure: EventDeliveryFailure): void => {
  process.stderr.write(
    `orderflow events: event ${failure.event.id} from rule ${failure.ruleName} to ${failure.targetArn} failed for good ` +
      `after ${failure.retryAttempts} retries: ${failure.errorCode} ${failure.errorMessage}\n`,
  );
};

export const notFound = (message: string) => new AwsServiceError('ResourceNotFoundException', message);

function targetErrorCode(error: unknown): string {
  if (error instanceof UnknownTargetError) return 'NO_RESOURCE';
  if (error instanceof AwsServiceError) {
    if (/NonExistent|NotFound|DoesNotExist/i.test(error.code)) return 'NO_RESOURCE';
    if (/Throttl|TooManyRequests/i.test(error.code) || error.status === 429) return 'THROTTLING';
    return error.status < 500 ? 'INVALID_PARAMETER' : 'INTERNAL_ERROR';
  }
  return 'SDK_CLIENT_ERROR';
}

/**
 * The state and semantics of the local EventBridge, with no wire concerns: buses with their rules and
 * targets, archives and replays; an event that reaches a bus is archived and delivered to the targets of
 * every enabled rule it matches, with RetryPolicy and DeadLetterConfig. The operations (operations.ts)
 * read and change this state; the service (service.ts) speaks the protocol.
 */
export class EventBridgeEngine {
  readonly buses = new Map<string, EventBus>();
  readonly archives = new Map<string, Archive>();
  readonly replays = new Map<string, Replay>();
  readonly arns: EventBridgeArns;
  readonly clock: () => number;
  readonly pending: PendingWork;
  readonly region: string;
  readonly accountId: string;
  private readonly dispatcher: TargetDispatcher;
  private readonly onDeliveryFailure: (failure: EventDeliveryFailure) => void;
  private readonly retryDelay: RetryDelay;
  private readonly faults: DeliveryFaults | undefined;
  readonly scheduler: RuleScheduler;

  constructor(options: EventBridgeServiceOptions) {
    this.region = options.region;
    this.accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
    this.arns = new EventBridgeArns(this.region, this.accountId);
    this.clock = options.clock ?? Date.now;
    this.dispatcher = options.dispatcher;
    this.onDeliveryFailure = options.onDeliveryFailure ?? logFailure;
    this.retryDelay = options.retryDelay ?? { baseMs: 100, maxMs: 5_000 };
    this.faults = options.faults;
    this.pending = new PendingWork((error) =>
      process.stderr.write(`orderflow events: delivery crashed: ${errorMessageOf(error)}\n`),
    );
    this.createBus('default');
    this.scheduler = new RuleScheduler({
      clock: this.clock,
      timeScale: options.scheduleTimeScale ?? 1,
      fire: (rule, dueAt) => this.fireScheduledRule(rule, dueAt),
      isLive: (rule) =>
        this.buses.get(rule.busName)?.rules.get(rule.name) === rule && rule.state !== 'DISABLED',
    });
    if (options.deferSchedules !== true) this.startSchedules();
  }

  /** Starts firing the schedule rules, those already put and those put from now on. */
  startSchedules(): void {
    this.scheduler.start([...this.buses.values()].flatMap((bus) => [...bus.rules.values()]));
  }

  /**
   * One tick of a schedule rule: the event EventBridge sends for it (`aws.events`, `Scheduled Event`, the
   * rule's ARN as its resource, `time` the tick's due time) goes straight to the rule's targets; it is not
   * put on the bus, so no other rule or archive sees it.
   */
  fireScheduledRule(rule: Rule, dueAt: number): EventEnvelope {
    const event: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.accountId,
      time: eventTime(dueAt),
      region: this.region,
      resources: [rule.arn],
      detail: {},
    };
    const receivedAt = this.clock();
    for (const target of rule.targets.values()) {
      this.pending.run(() => this.deliver(rule, target, event, receivedAt));
    }
    return event;
  }

  /** An archive by name, with events past its retention dropped; ResourceNotFoundException otherwise. */
  archiveNamed(name: string): Archive {
    const archive = this.archives.get(name);
    if (!archive) throw notFound(`Archive ${name} does not exist.`);
    this.expire(archive);
    return archive;
  }

  /** Puts the archive's events of the replay's time window back on their bus, marked with the replay's name. */
  runReplay(replay: Replay, archive: Archive): void {
    replay.state = 'RUNNING';
    const bus = this.buses.get(archive.busName);
    if (!bus) {
      replay.state = 'FAILED';
      return;
    }
    const filter = replay.destination.FilterArns;
    for (const entry of archive.events) {
      if (entry.receivedAt < replay.eventStartTime || entry.receivedAt >= replay.eventEndTime) continue;
      const event: EventEnvelope = { ...entry.event, 'replay-name': replay.name };
      this.ingest(bus, event, this.clock(), filter ? (rule) => filter.includes(rule.arn) : undefined);
      replay.lastReplayedEventTime = entry.receivedAt;
    }
    replay.state = 'COMPLETED';
    replay.endTime = this.clock();
  }

  createBus(name: string, description?: string): EventBus {
    const bus: EventBus = {
      name,
      arn: this.arns.bus(name),
      description,
      creationTime: this.clock(),
      rules: new Map(),
    };
    this.buses.set(name, bus);
    return bus;
  }

  busByName(name: string): EventBus {
    const bus = this.buses.get(name);
    if (!bus) throw notFound(`Event bus ${name} does not exist.`);
    return bus;
  }

  expire(archive: Archive): void {
    if (archive.retentionDays <= 0) return;
    const oldest = this.clock() - archive.retentionDays * 86_400_000;
    const keep = archive.events.filter((entry) => entry.receivedAt >= oldest);
    archive.events.splice(0, archive.events.length, ...keep);
  }

  /** Archives the event, then schedules one delivery per target of every enabled rule it matches. */
  ingest(
    bus: EventBus,
    event: EventEnvelope,
    receivedAt: number,
    ruleFilter?: (rule: Rule) => boolean,
  ): void {
    if (event['replay-name'] === undefined) {
      for (const archive of this.archives.values()) {
        if (archive.busName !== bus.name) continue;
        if (archive.pattern && !matchesEventPattern(archive.pattern, event)) continue;
        archive.events.push({ event, receivedAt });
      }
    }
    for (const rule of bus.rules.values()) {
      if (rule.state === 'DISABLED' || !rule.pattern) continue;
      if (ruleFilter && !ruleFilter(rule)) continue;
      if (!matchesEventPattern(rule.pattern, event)) continue;
      for (const target of rule.targets.values()) {
        this.pending.run(() => this.deliver(rule, target, event, receivedAt));
      }
    }
  }

  private inputFor(rule: Rule, target: RuleTarget, event: EventEnvelope, receivedAt: number): string {
    if (target.Input !== undefined) return target.Input;
    if (target.InputPath !== undefined) {
      const selected = evaluateJsonPath(event, target.InputPath);
      return selected === undefined ? 'null' : JSON.stringify(selected);
    }
    if (target.InputTransformer !== undefined) {
      return applyInputTransformer(target.InputTransformer, event, {
        ruleArn: rule.arn,
        ruleName: rule.name,
        ingestionTime: new Date(receivedAt).toISOString(),
      });
    }
    return JSON.stringify(event);
  }

  private async deliver(
    rule: Rule,
    target: RuleTarget,
    event: EventEnvelope,
    receivedAt: number,
  ): Promise<void> {
    const failure = {
      ruleArn: rule.arn,
      ruleName: rule.name,
      eventBusName: rule.busName,
      targetId: target.Id,
      targetArn: target.Arn,
      event,
    };
    let body: string;
    try {
      body = this.inputFor(rule, target, event, receivedAt);
    } catch (error) {
      await this.deadLetter(target, {
        ...failure,
        errorCode: 'INVALID_JSON',
        errorMessage: errorMessageOf(error),
        retryAttempts: 0,
      });
      return;
    }
    const fifo = target.Arn.endsWith('.fifo');
    const delivery: Delivery = {
      body,
      ...(fifo && target.SqsParameters?.MessageGroupId !== undefined
        ? { messageGroupId: target.SqsParameters.MessageGroupId }
        : {}),
      ...(fifo ? { messageDeduplicationId: event.id } : {}),
    };
    const policy = { ...DEFAULT_RETRY_POLICY, ...target.RetryPolicy };
    const consumer = target.Arn.split(':').pop() ?? target.Arn;
    const delay = this.faults?.delayMs('delay-eventbridge-event', consumer) ?? 0;
    if (delay > 0 && !(await this.pending.sleep(delay))) return;
    const send = () =>
      withRetries(
        this.pending,
        {
          maxRetries: policy.MaximumRetryAttempts,
          deadline: receivedAt + policy.MaximumEventAgeInSeconds * 1000,
          clock: this.clock,
          delay: (retry) => retryDelayMs(this.retryDelay, retry),
          retriable: isRetriableTargetError,
        },
        () => this.dispatcher.deliver(target.Arn, delivery),
      );
    let outcome = await send();
    // An injected duplicate: EventBridge delivers at least once, so the target may see the event twice.
    if (outcome.delivered && this.faults?.duplicate('duplicate-eventbridge-event', consumer)) {
      outcome = await send();
    }
    if (outcome.delivered) return;
    if (this.pending.isClosed && outcome.exhausted === undefined && isRetriableTargetError(outcome.error))
      return;
    await this.deadLetter(target, {
      ...failure,
      input: body,
      errorCode: targetErrorCode(outcome.error),
      errorMessage: errorMessageOf(outcome.error),
      retryAttempts: outcome.retries,
      exhaustedRetryCondition: outcome.exhausted,
    });
  }

  /** Sends the original event to the target's DLQ with AWS's attributes, or reports the failure. */
  private async deadLetter(target: RuleTarget, failure: EventDeliveryFailure): Promise<void> {
    const dlq = target.DeadLetterConfig?.Arn;
    if (dlq === undefined) {
      this.onDeliveryFailure(failure);
      return;
    }
    const text = (value: string) => ({ DataType: 'String', StringValue: value });
    try {
      await this.dispatcher.deliver(dlq, {
        body: JSON.stringify(failure.event),
        messageAttributes: {
          RULE_ARN: text(failure.ruleArn),
          TARGET_ARN: text(failure.targetArn),
          ERROR_CODE: text(failure.errorCode),
          ERROR_MESSAGE: text(failure.errorMessage.slice(0, 1024)),
          ...(failure.exhaustedRetryCondition
            ? { EXHAUSTED_RETRY_CONDITION: text(failure.exhaustedRetryCondition) }
            : {}),
          RETRY_ATTEMPTS: { DataType: 'Number', StringValue: String(failure.retryAttempts) },
        },
      });
    } catch (error) {
      this.onDeliveryFailure({ ...failure, deadLetterError: errorMessageOf(error) });
    }
  }
}
