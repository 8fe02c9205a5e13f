import type { DeliveryFaults } from '../../faults';
import { LOCAL_ACCOUNT_ID } from '../../template-arns';
import type { CfnTemplate } from '../../template';
import { UnknownTargetError, type Delivery, type TargetDispatcher, type TargetHandler } from '../../targets';
import {
  matchesEventPattern,
  validateEventPattern,
  InvalidEventPatternError,
} from '../../matching/event-pattern';
import {
  AwsServiceError,
  jsonError,
  jsonResponse,
  type AwsRequest,
  type AwsResponse,
  type LocalAwsService,
} from '../protocol';
import {
  checkName,
  isObject,
  optionalArray,
  optionalInteger,
  optionalString,
  paginate,
  parseJsonBody,
  requiredString,
  validationError,
  type JsonObject,
} from '../shared/json-input';
import { applyInputTransformer, evaluateJsonPath } from './input-transform';
import {
  busNameOf,
  EventBridgeArns,
  type Archive,
  type ArchivedEvent,
  type EventBus,
  type EventEnvelope,
  type Replay,
  type Rule,
  type RuleState,
  type RuleTarget,
} from './model';
import {
  errorMessageOf,
  isRetriableTargetError,
  PendingWork,
  retryDelayMs,
  withRetries,
  type ExhaustedCondition,
  type RetryDelay,
} from '../shared/pending';
import {
  buildEnvelope,
  checkEntries,
  checkEntry,
  isAccepted,
  type EntryResult,
  type PutEventsEntryInput,
} from './put-events';
import { MAX_TARGETS_PER_RULE, normalizeTarget, tooManyTargets } from './rule-targets';
import { readEventBridgeTemplate } from './template';

const CONTENT_TYPE = 'application/x-amz-json-1.1';

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
}

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

const logFailure = (failure: EventDeliveryFailure): void => {
  process.stderr.write(
    `orderflow events: event ${failure.event.id} from rule ${failure.ruleName} to ${failure.targetArn} failed for good ` +
      `after ${failure.retryAttempts} retries: ${failure.errorCode} ${failure.errorMessage}\n`,
  );
};

const RULE_STATES: ReadonlySet<string> = new Set([
  'ENABLED',
  'DISABLED',
  'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
]);

/** String fields TestEventPattern requires of the event (and `resources`, a list). */
const REQUIRED_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'] as const;

const notFound = (message: string) => new AwsServiceError('ResourceNotFoundException', message);

function targetErrorCode(error: unknown): string {
  if (error instanceof UnknownTargetError) return 'NO_RESOURCE';
  if (error instanceof AwsServiceError) {
    if (/NonExistent|NotFound|DoesNotExist/i.test(error.code)) return 'NO_RESOURCE';
    if (/Throttl|TooManyRequests/i.test(error.code) || error.status === 429) return 'THROTTLING';
    return error.status < 500 ? 'INVALID_PARAMETER' : 'INTERNAL_ERROR';
  }
  return 'SDK_CLIENT_ERROR';
}

const epochSeconds = (ms: number): number => ms / 1000;

/**
 * Amazon EventBridge, in memory, over the AWS JSON 1.1 protocol (`X-Amz-Target: AWSEvents.<Op>`): buses,
 * rules with the full event-pattern language, targets reached through the {@link TargetDispatcher} with
 * Input/InputPath/InputTransformer, RetryPolicy and DeadLetterConfig, and archives with replay.
 */
export class EventBridgeService implements LocalAwsService {
  readonly name = 'events';
  readonly jsonTargetPrefix = 'AWSEvents';

  private readonly buses = new Map<string, EventBus>();
  private readonly archives = new Map<string, Archive>();
  private readonly replays = new Map<string, Replay>();
  private readonly arns: EventBridgeArns;
  private readonly clock: () => number;
  private readonly dispatcher: TargetDispatcher;
  private readonly onDeliveryFailure: (failure: EventDeliveryFailure) => void;
  private readonly retryDelay: RetryDelay;
  private readonly pending: PendingWork;
  private readonly faults: DeliveryFaults | undefined;
  readonly region: string;
  readonly accountId: string;

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
  }

  // ---- LocalAwsService -------------------------------------------------------------------------

  async handle(request: AwsRequest): Promise<AwsResponse> {
    try {
      const operation = this.operations[request.operation];
      if (!operation) {
        throw new AwsServiceError(
          'UnknownOperationException',
          `Operation ${request.operation || '(none)'} is not supported by the local EventBridge.`,
        );
      }
      return jsonResponse(operation(parseJsonBody(request.body)) ?? {}, CONTENT_TYPE);
    } catch (error) {
      if (error instanceof AwsServiceError) return jsonError(error, CONTENT_TYPE);
      throw error;
    }
  }

  /** Resolves when no delivery, retry or replay is pending. */
  whenIdle(): Promise<void> {
    return this.pending.whenIdle();
  }

  /** Cancels pending retries and waits for in-flight deliveries. */
  async close(): Promise<void> {
    await this.pending.close();
  }

  // ---- in-process API --------------------------------------------------------------------------

  /**
   * Creates the buses, rules (with targets) and archives of a compiled template. Loading again updates
   * rules and targets and keeps existing buses and archives.
   */
  loadTemplate(template: CfnTemplate): void {
    const read = readEventBridgeTemplate(template, this.region);
    for (const bus of read.buses) {
      if (!this.buses.has(bus.name)) this.createBus(bus.name, bus.description);
    }
    for (const rule of read.rules) {
      this.putRule({
        Name: rule.name,
        EventBusName: rule.busName,
        EventPattern: rule.eventPattern,
        ScheduleExpression: rule.scheduleExpression,
        State: rule.state,
        Description: rule.description,
        RoleArn: rule.roleArn,
      });
      if (rule.targets.length > 0)
        this.putTargets({ Rule: rule.name, EventBusName: rule.busName, Targets: rule.targets });
    }
    for (const archive of read.archives) {
      if (this.archives.has(archive.name)) continue;
      this.createArchive({
        ArchiveName: archive.name,
        EventSourceArn: this.arns.bus(archive.busName),
        EventPattern: archive.eventPattern,
        Description: archive.description,
        RetentionDays: archive.retentionDays,
      });
    }
  }

  /** PutEvents, in process (e.g. for the Step Functions `events:putEvents` integration). */
  putEvents(entries: readonly PutEventsEntryInput[]): { FailedEntryCount: number; Entries: EntryResult[] } {
    return this.putEventsOperation({ Entries: [...entries] });
  }

  /** Puts an event as an AWS service would: `aws.*` sources allowed, no PutEvents limits. Returns the event. */
  emitServiceEvent(input: ServiceEventInput): EventEnvelope {
    const bus = this.busByName(busNameOf(input.eventBusName));
    const now = this.clock();
    const event = buildEnvelope(
      {
        busName: bus.name,
        source: input.source,
        detailType: input.detailType,
        detail: input.detail,
        resources: input.resources ?? [],
        time: input.time,
      },
      { account: this.accountId, region: this.region, now },
    );
    this.ingest(bus, event, now);
    return event;
  }

  /** The events an archive recorded so far, oldest first. */
  archivedEvents(archiveName: string): readonly ArchivedEvent[] {
    const archive = this.archives.get(archiveName);
    if (!archive) throw notFound(`Archive ${archiveName} does not exist.`);
    this.expire(archive);
    return [...archive.events];
  }

  /**
   * A {@link TargetHandler} for the dispatcher's `events` service: a rule whose target is another event bus
   * puts the event on that bus, as EventBridge does for bus-to-bus targets.
   */
  deliveryHandler(): TargetHandler {
    return async (arn: string, delivery: Delivery) => {
      const bus = this.buses.get(busNameOf(arn));
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
      const now = this.clock();
      const event: EventEnvelope = {
        ...(parsed as EventEnvelope),
        detail: isObject(parsed.detail) ? parsed.detail : {},
        resources: Array.isArray(parsed.resources) ? (parsed.resources as string[]) : [],
      };
      this.ingest(bus, event, now);
    };
  }

  // ---- operations ------------------------------------------------------------------------------

  private readonly operations: Record<string, (input: JsonObject) => unknown> = {
    PutEvents: (input) => this.putEventsOperation(input),
    PutRule: (input) => this.putRule(input),
    DescribeRule: (input) => this.describeRule(input),
    DeleteRule: (input) => this.deleteRule(input),
    EnableRule: (input) => this.setRuleState(input, 'ENABLED'),
    DisableRule: (input) => this.setRuleState(input, 'DISABLED'),
    ListRules: (input) => this.listRules(input),
    PutTargets: (input) => this.putTargets(input),
    RemoveTargets: (input) => this.removeTargets(input),
    ListTargetsByRule: (input) => this.listTargetsByRule(input),
    TestEventPattern: (input) => this.testEventPattern(input),
    CreateEventBus: (input) => this.createEventBus(input),
    DeleteEventBus: (input) => this.deleteEventBus(input),
    DescribeEventBus: (input) => this.describeEventBus(input),
    ListEventBuses: (input) => this.listEventBuses(input),
    CreateArchive: (input) => this.createArchive(input),
    DescribeArchive: (input) => this.describeArchive(input),
    DeleteArchive: (input) => this.deleteArchive(input),
    ListArchives: (input) => this.listArchives(input),
    StartReplay: (input) => this.startReplay(input),
    DescribeReplay: (input) => this.describeReplay(input),
  };

  private putEventsOperation(input: JsonObject): { FailedEntryCount: number; Entries: EntryResult[] } {
    const entries = checkEntries(input.Entries);
    const now = this.clock();
    const results: EntryResult[] = [];
    for (const raw of entries) {
      const checked = checkEntry(raw);
      if (!isAccepted(checked)) {
        results.push(checked);
        continue;
      }
      const bus = this.buses.get(busNameOf(checked.busName));
      if (!bus) {
        results.push({
          ErrorCode: 'ResourceNotFoundException',
          ErrorMessage: `Event bus ${busNameOf(checked.busName)} does not exist.`,
        });
        continue;
      }
      const event = buildEnvelope(checked, { account: this.accountId, region: this.region, now });
      this.ingest(bus, event, now);
      results.push({ EventId: event.id });
    }
    return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
  }

  private putRule(input: JsonObject): { RuleArn: string } {
    const name = requiredString(input, 'Name');
    checkName(name, 'name');
    const bus = this.busByName(busNameOf(optionalString(input, 'EventBusName')));
    const eventPattern = optionalString(input, 'EventPattern');
    const scheduleExpression = optionalString(input, 'ScheduleExpression');
    if (eventPattern === undefined && scheduleExpression === undefined) {
      throw validationError('Parameter(s) EventPattern or ScheduleExpression must be specified.');
    }
    if (scheduleExpression !== undefined && bus.name !== 'default') {
      throw validationError('ScheduleExpression is supported only on the default event bus.');
    }
    const pattern = eventPattern === undefined ? undefined : parsePattern(eventPattern);
    const state = optionalString(input, 'State') ?? 'ENABLED';
    if (!RULE_STATES.has(state)) {
      throw validationError(
        `1 validation error detected: Value '${state}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]`,
      );
    }
    const existing = bus.rules.get(name);
    const rule: Rule = existing ?? {
      name,
      arn: this.arns.rule(bus.name, name),
      busName: bus.name,
      state: 'ENABLED',
      targets: new Map(),
    };
    rule.eventPattern = eventPattern;
    rule.pattern = pattern;
    rule.scheduleExpression = scheduleExpression;
    rule.state = state as RuleState;
    rule.description = optionalString(input, 'Description');
    rule.roleArn = optionalString(input, 'RoleArn');
    bus.rules.set(name, rule);
    return { RuleArn: rule.arn };
  }

  private ruleOf(input: JsonObject, key: 'Name' | 'Rule'): Rule {
    const name = requiredString(input, key);
    const bus = this.busByName(busNameOf(optionalString(input, 'EventBusName')));
    const rule = bus.rules.get(name);
    if (!rule) throw notFound(`Rule ${name} does not exist on EventBus ${bus.name}.`);
    return rule;
  }

  private ruleView(rule: Rule) {
    return {
      Name: rule.name,
      Arn: rule.arn,
      EventPattern: rule.eventPattern,
      ScheduleExpression: rule.scheduleExpression,
      State: rule.state,
      Description: rule.description,
      RoleArn: rule.roleArn,
      ManagedBy: rule.managedBy,
      EventBusName: rule.busName,
    };
  }

  private describeRule(input: JsonObject) {
    return { ...this.ruleView(this.ruleOf(input, 'Name')), CreatedBy: this.accountId };
  }

  private deleteRule(input: JsonObject): void {
    const name = requiredString(input, 'Name');
    const bus = this.busByName(busNameOf(optionalString(input, 'EventBusName')));
    const rule = bus.rules.get(name);
    if (!rule) return;
    if (rule.targets.size > 0) throw validationError("Rule can't be deleted since it has targets.");
    bus.rules.delete(name);
  }

  private setRuleState(input: JsonObject, state: RuleState): void {
    this.ruleOf(input, 'Name').state = state;
  }

  private listRules(input: JsonObject) {
    const bus = this.busByName(busNameOf(optionalString(input, 'EventBusName')));
    const prefix = optionalString(input, 'NamePrefix') ?? '';
    const rules = [...bus.rules.values()]
      .filter((rule) => rule.name.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name));
    const { page, nextToken } = paginate(
      rules,
      optionalString(input, 'NextToken'),
      optionalInteger(input, 'Limit'),
    );
    return { Rules: page.map((rule) => this.ruleView(rule)), NextToken: nextToken };
  }

  private putTargets(input: JsonObject) {
    const rule = this.ruleOf(input, 'Rule');
    const raw = optionalArray(input, 'Targets') ?? [];
    if (raw.length < 1 || raw.length > 10) {
      throw validationError(
        `1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length ${raw.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 10'}`,
      );
    }
    const targets = raw.map((target) => normalizeTarget(target));
    const ids = new Set([...rule.targets.keys(), ...targets.map((target) => target.Id)]);
    if (ids.size > MAX_TARGETS_PER_RULE) throw tooManyTargets();
    for (const target of targets) rule.targets.set(target.Id, target);
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  private removeTargets(input: JsonObject) {
    const rule = this.ruleOf(input, 'Rule');
    const ids = optionalArray(input, 'Ids') ?? [];
    if (ids.length < 1 || ids.length > 100) {
      throw validationError(
        "1 validation error detected: Value at 'ids' failed to satisfy constraint: Member must have length between 1 and 100",
      );
    }
    for (const id of ids) if (typeof id === 'string') rule.targets.delete(id);
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  private listTargetsByRule(input: JsonObject) {
    const rule = this.ruleOf(input, 'Rule');
    const { page, nextToken } = paginate(
      [...rule.targets.values()],
      optionalString(input, 'NextToken'),
      optionalInteger(input, 'Limit'),
    );
    return { Targets: page, NextToken: nextToken };
  }

  private testEventPattern(input: JsonObject): { Result: boolean } {
    const pattern = parsePattern(requiredString(input, 'EventPattern'));
    const eventText = requiredString(input, 'Event');
    let event: unknown;
    try {
      event = JSON.parse(eventText);
    } catch {
      throw validationError('Parameter Event is not valid.');
    }
    if (!isObject(event)) throw validationError('Parameter Event is not valid.');
    const missing: string[] = REQUIRED_EVENT_FIELDS.filter((field) => typeof event[field] !== 'string');
    if (!Array.isArray(event.resources)) missing.push('resources');
    if (missing.length > 0) {
      throw validationError(`Parameter Event is not valid. Reason: missing ${missing.join(', ')}.`);
    }
    return { Result: matchesEventPattern(pattern, event) };
  }

  private createEventBus(input: JsonObject): { EventBusArn: string } {
    const name = requiredString(input, 'Name');
    if (!/^[/.\-_A-Za-z0-9]{1,256}$/.test(name) || name === 'default') {
      throw validationError(`Event bus name ${name} is not valid.`);
    }
    if (this.buses.has(name)) {
      throw new AwsServiceError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`);
    }
    return { EventBusArn: this.createBus(name, optionalString(input, 'Description')).arn };
  }

  private deleteEventBus(input: JsonObject): void {
    const name = requiredString(input, 'Name');
    if (name === 'default') throw validationError('Cannot delete event bus default.');
    this.buses.delete(name);
  }

  private busView(bus: EventBus) {
    return {
      Name: bus.name,
      Arn: bus.arn,
      Description: bus.description,
      CreationTime: epochSeconds(bus.creationTime),
      LastModifiedTime: epochSeconds(bus.creationTime),
    };
  }

  private describeEventBus(input: JsonObject) {
    return this.busView(this.busByName(busNameOf(optionalString(input, 'Name'))));
  }

  private listEventBuses(input: JsonObject) {
    const prefix = optionalString(input, 'NamePrefix') ?? '';
    const buses = [...this.buses.values()].filter((bus) => bus.name.startsWith(prefix));
    const { page, nextToken } = paginate(
      buses,
      optionalString(input, 'NextToken'),
      optionalInteger(input, 'Limit'),
    );
    return { EventBuses: page.map((bus) => this.busView(bus)), NextToken: nextToken };
  }

  private createArchive(input: JsonObject) {
    const name = requiredString(input, 'ArchiveName');
    checkName(name, 'archiveName', 48);
    if (this.archives.has(name)) {
      throw new AwsServiceError('ResourceAlreadyExistsException', `Archive ${name} already exists.`);
    }
    const sourceArn = requiredString(input, 'EventSourceArn');
    const bus = this.busByName(busNameOf(sourceArn));
    const eventPattern = optionalString(input, 'EventPattern');
    const archive: Archive = {
      name,
      arn: this.arns.archive(name),
      sourceArn: bus.arn,
      busName: bus.name,
      eventPattern,
      pattern: eventPattern === undefined ? undefined : parsePattern(eventPattern),
      description: optionalString(input, 'Description'),
      retentionDays: optionalInteger(input, 'RetentionDays') ?? 0,
      creationTime: this.clock(),
      events: [],
    };
    this.archives.set(name, archive);
    return { ArchiveArn: archive.arn, State: 'ENABLED', CreationTime: epochSeconds(archive.creationTime) };
  }

  private archiveOf(input: JsonObject): Archive {
    const name = requiredString(input, 'ArchiveName');
    const archive = this.archives.get(name);
    if (!archive) throw notFound(`Archive ${name} does not exist.`);
    this.expire(archive);
    return archive;
  }

  private archiveView(archive: Archive) {
    return {
      ArchiveName: archive.name,
      EventSourceArn: archive.sourceArn,
      State: 'ENABLED',
      RetentionDays: archive.retentionDays,
      SizeBytes: archive.events.reduce(
        (sum, entry) => sum + Buffer.byteLength(JSON.stringify(entry.event)),
        0,
      ),
      EventCount: archive.events.length,
      CreationTime: epochSeconds(archive.creationTime),
    };
  }

  private describeArchive(input: JsonObject) {
    const archive = this.archiveOf(input);
    return {
      ...this.archiveView(archive),
      ArchiveArn: archive.arn,
      Description: archive.description,
      EventPattern: archive.eventPattern,
    };
  }

  private deleteArchive(input: JsonObject): void {
    this.archives.delete(this.archiveOf(input).name);
  }

  private listArchives(input: JsonObject) {
    const prefix = optionalString(input, 'NamePrefix') ?? '';
    const source = optionalString(input, 'EventSourceArn');
    const archives = [...this.archives.values()].filter(
      (archive) => archive.name.startsWith(prefix) && (source === undefined || archive.sourceArn === source),
    );
    archives.forEach((archive) => this.expire(archive));
    const { page, nextToken } = paginate(
      archives,
      optionalString(input, 'NextToken'),
      optionalInteger(input, 'Limit'),
    );
    return { Archives: page.map((archive) => this.archiveView(archive)), NextToken: nextToken };
  }

  private startReplay(input: JsonObject) {
    const name = requiredString(input, 'ReplayName');
    checkName(name, 'replayName');
    if (this.replays.has(name)) {
      throw new AwsServiceError('ResourceAlreadyExistsException', `Replay ${name} already exists.`);
    }
    const sourceArn = requiredString(input, 'EventSourceArn');
    const archive = [...this.archives.values()].find((candidate) => candidate.arn === sourceArn);
    if (!archive) throw notFound(`Archive ${sourceArn} does not exist.`);
    const destination = input.Destination;
    if (!isObject(destination) || typeof destination.Arn !== 'string') {
      throw validationError(
        "1 validation error detected: Value null at 'destination' failed to satisfy constraint: Member must not be null",
      );
    }
    if (busNameOf(destination.Arn) !== archive.busName) {
      throw validationError(
        'Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.',
      );
    }
    const filterArns = Array.isArray(destination.FilterArns)
      ? destination.FilterArns.filter((arn): arn is string => typeof arn === 'string')
      : undefined;
    const start = input.EventStartTime;
    const end = input.EventEndTime;
    if (typeof start !== 'number' || typeof end !== 'number') {
      throw validationError('Parameters EventStartTime and EventEndTime must be specified.');
    }
    if (start >= end)
      throw validationError(
        'Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.',
      );
    const replay: Replay = {
      name,
      arn: this.arns.replay(name),
      archiveArn: archive.arn,
      description: optionalString(input, 'Description'),
      destination: { Arn: destination.Arn, ...(filterArns ? { FilterArns: filterArns } : {}) },
      eventStartTime: start * 1000,
      eventEndTime: end * 1000,
      startTime: this.clock(),
      state: 'STARTING',
    };
    this.replays.set(name, replay);
    this.pending.run(async () => this.runReplay(replay, archive));
    return {
      ReplayArn: replay.arn,
      State: replay.state,
      StateReason: 'Replay started',
      ReplayStartTime: epochSeconds(replay.startTime),
    };
  }

  private runReplay(replay: Replay, archive: Archive): void {
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

  private describeReplay(input: JsonObject) {
    const name = requiredString(input, 'ReplayName');
    const replay = this.replays.get(name);
    if (!replay) throw notFound(`Replay ${name} does not exist.`);
    return {
      ReplayName: replay.name,
      ReplayArn: replay.arn,
      Description: replay.description,
      State: replay.state,
      EventSourceArn: replay.archiveArn,
      Destination: replay.destination,
      EventStartTime: epochSeconds(replay.eventStartTime),
      EventEndTime: epochSeconds(replay.eventEndTime),
      EventLastReplayedTime:
        replay.lastReplayedEventTime === undefined ? undefined : epochSeconds(replay.lastReplayedEventTime),
      ReplayStartTime: epochSeconds(replay.startTime),
      ReplayEndTime: replay.endTime === undefined ? undefined : epochSeconds(replay.endTime),
    };
  }

  // ---- buses, matching and delivery ------------------------------------------------------------

  private createBus(name: string, description?: string): EventBus {
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

  private busByName(name: string): EventBus {
    const bus = this.buses.get(name);
    if (!bus) throw notFound(`Event bus ${name} does not exist.`);
    return bus;
  }

  private expire(archive: Archive): void {
    if (archive.retentionDays <= 0) return;
    const oldest = this.clock() - archive.retentionDays * 86_400_000;
    const keep = archive.events.filter((entry) => entry.receivedAt >= oldest);
    archive.events.splice(0, archive.events.length, ...keep);
  }

  /** Archives the event, then schedules one delivery per target of every enabled rule it matches. */
  private ingest(
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

/** Parses and validates an event pattern given as JSON text. */
function parsePattern(text: string): JsonObject {
  let pattern: unknown;
  try {
    pattern = JSON.parse(text);
  } catch (error) {
    throw new InvalidEventPatternError(`Filter is not valid JSON: ${errorMessageOf(error)}`);
  }
  validateEventPattern(pattern);
  return pattern as JsonObject;
}
