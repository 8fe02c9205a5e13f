import type { CfnTemplate } from '../../template';
import { UnknownTargetError, type Delivery, type TargetHandler } from '../../targets';
import {
  AwsServiceError,
  jsonError,
  jsonResponse,
  type AwsRequest,
  type AwsResponse,
  type LocalAwsService,
} from '../protocol';
import { isObject, parseJsonBody, type JsonObject } from '../shared/json-input';
import { EventBridgeEngine, type EventBridgeServiceOptions } from './engine';
import { busNameOf, type ArchivedEvent, type EventEnvelope } from './model';
import { createArchive, OPERATIONS, putEvents, putRule, putTargets } from './operations';
import { buildEnvelope, type EntryResult, type PutEventsEntryInput } from './put-events';
import { readEventBridgeTemplate } from './template';

export { DEFAULT_RETRY_POLICY, type EventBridgeServiceOptions, type EventDeliveryFailure } from './engine';

const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** One event to put as an AWS service would (any `source`, `aws.` included): for tests and local integrations. */
export interface ServiceEventInput {
  readonly source: string;
  readonly detailType: string;
  readonly detail: JsonObject;
  readonly resources?: string[];
  /** Epoch ms; now by default. */
  readonly time?: number;
  readonly eventBusName?: string;
}

/**
 * Amazon EventBridge, in memory, over the AWS JSON 1.1 protocol (`X-Amz-Target: AWSEvents.<Op>`): buses,
 * rules with the full event-pattern language, targets reached through the {@link TargetDispatcher} with
 * Input/InputPath/InputTransformer, RetryPolicy and DeadLetterConfig, and archives with replay.
 *
 * This class is the wire (parse, dispatch through OPERATIONS, serialise) and the in-process API; the
 * state and delivery are in engine.ts, each operation in operations.ts.
 */
export class EventBridgeService implements LocalAwsService {
  readonly name = 'events';
  readonly jsonTargetPrefix = 'AWSEvents';
  private readonly engine: EventBridgeEngine;

  constructor(options: EventBridgeServiceOptions) {
    this.engine = new EventBridgeEngine(options);
  }

  get region(): string {
    return this.engine.region;
  }

  get accountId(): string {
    return this.engine.accountId;
  }

  async handle(request: AwsRequest): Promise<AwsResponse> {
    try {
      const operation = Object.hasOwn(OPERATIONS, request.operation)
        ? OPERATIONS[request.operation]
        : undefined;
      if (!operation) {
        throw new AwsServiceError(
          'UnknownOperationException',
          `Operation ${request.operation || '(none)'} is not supported by the local EventBridge.`,
        );
      }
      return jsonResponse(operation(this.engine, parseJsonBody(request.body)) ?? {}, CONTENT_TYPE);
    } catch (error) {
      if (error instanceof AwsServiceError) return jsonError(error, CONTENT_TYPE);
      throw error;
    }
  }

  /** Resolves when no delivery, retry or replay is pending. */
  whenIdle(): Promise<void> {
    return this.engine.pending.whenIdle();
  }

  /** Stops the schedule rules, cancels pending retries and waits for in-flight deliveries. */
  async close(): Promise<void> {
    this.engine.scheduler.stop();
    await this.engine.pending.close();
  }

  /** Starts firing schedule rules, when the service was made with `deferSchedules`. */
  startSchedules(): void {
    this.engine.startSchedules();
  }

  // ---- in-process API --------------------------------------------------------------------------

  /**
   * Creates the buses, rules (with targets) and archives of a compiled template. Loading again updates
   * rules and targets and keeps existing buses and archives.
   */
  loadTemplate(template: CfnTemplate): void {
    const engine = this.engine;
    const read = readEventBridgeTemplate(template, engine.region);
    for (const bus of read.buses) {
      if (!engine.buses.has(bus.name)) engine.createBus(bus.name, bus.description);
    }
    for (const rule of read.rules) {
      putRule(engine, {
        Name: rule.name,
        EventBusName: rule.busName,
        EventPattern: rule.eventPattern,
        ScheduleExpression: rule.scheduleExpression,
        State: rule.state,
        Description: rule.description,
        RoleArn: rule.roleArn,
      });
      if (rule.targets.length > 0)
        putTargets(engine, { Rule: rule.name, EventBusName: rule.busName, Targets: rule.targets });
    }
    for (const archive of read.archives) {
      if (engine.archives.has(archive.name)) continue;
      createArchive(engine, {
        ArchiveName: archive.name,
        EventSourceArn: engine.arns.bus(archive.busName),
        EventPattern: archive.eventPattern,
        Description: archive.description,
        RetentionDays: archive.retentionDays,
      });
    }
  }

  /** PutEvents, in process (e.g. for the Step Functions `events:putEvents` integration). */
  putEvents(entries: readonly PutEventsEntryInput[]): { FailedEntryCount: number; Entries: EntryResult[] } {
    return putEvents(this.engine, { Entries: [...entries] });
  }

  /** Puts an event as an AWS service would: `aws.*` sources allowed, no PutEvents limits. Returns the event. */
  emitServiceEvent(input: ServiceEventInput): EventEnvelope {
    const bus = this.engine.busByName(busNameOf(input.eventBusName));
    const now = this.engine.clock();
    const event = buildEnvelope(
      {
        busName: bus.name,
        source: input.source,
        detailType: input.detailType,
        detail: input.detail,
        resources: input.resources ?? [],
        time: input.time,
      },
      { account: this.engine.accountId, region: this.engine.region, now },
    );
    this.engine.ingest(bus, event, now);
    return event;
  }

  /** The events an archive recorded so far, oldest first. */
  archivedEvents(archiveName: string): readonly ArchivedEvent[] {
    return [...this.engine.archiveNamed(archiveName).events];
  }

  /**
   * A {@link TargetHandler} for the dispatcher's `events` service: a rule whose target is another event bus
   * puts the event on that bus, as EventBridge does for bus-to-bus targets.
   */
  deliveryHandler(): TargetHandler {
    return async (arn: string, delivery: Delivery) => {
      const bus = this.engine.buses.get(busNameOf(arn));
      if (!bus) throw new UnknownTargetError(`No event bus ${arn}`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(delivery.body);
      } catch {
        throw new AwsServiceError('InvalidArgument', 'An event bus target needs an event as its input.');
      }
      if (
        !isObject(parsed) ||
        typeof parsed.source !== 'string' ||
        typeof parsed['detail-type'] !== 'string'
      ) {
        throw new AwsServiceError('InvalidArgument', 'An event bus target needs an event as its input.');
      }
      const now = this.engine.clock();
      const event: EventEnvelope = {
        ...(parsed as EventEnvelope),
        detail: isObject(parsed.detail) ? parsed.detail : {},
        resources: Array.isArray(parsed.resources) ? (parsed.resources as string[]) : [],
      };
      this.engine.ingest(bus, event, now);
    };
  }
}
