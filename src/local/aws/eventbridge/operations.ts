import {
  matchesEventPattern,
  validateEventPattern,
  InvalidEventPatternError,
} from '../../matching/event-pattern';
import { AwsServiceError } from '../protocol';
import {
  checkName,
  isObject,
  optionalArray,
  optionalInteger,
  optionalString,
  paginate,
  requiredString,
  validationError,
  type JsonObject,
} from '../shared/json-input';
import { errorMessageOf } from '../shared/pending';
import { notFound, type EventBridgeEngine } from './engine';
import { busNameOf, type Archive, type EventBus, type Replay, type Rule, type RuleState } from './model';
import { InvalidScheduleExpressionError, parseScheduleExpression } from './schedule-expression';
import { buildEnvelope, checkEntries, checkEntry, isAccepted, type EntryResult } from './put-events';
import { MAX_TARGETS_PER_RULE, normalizeTarget, tooManyTargets } from './rule-targets';

/** One EventBridge operation: the request's JSON body in, the answer's JSON body out (or an AwsServiceError). */
export type Operation = (engine: EventBridgeEngine, input: JsonObject) => unknown;

const RULE_STATES: ReadonlySet<string> = new Set([
  'ENABLED',
  'DISABLED',
  'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
]);

/** String fields TestEventPattern requires of the event (and `resources`, a list). */
const REQUIRED_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'] as const;

const epochSeconds = (ms: number): number => ms / 1000;

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

export const putEvents = (
  engine: EventBridgeEngine,
  input: JsonObject,
): { FailedEntryCount: number; Entries: EntryResult[] } => {
  const entries = checkEntries(input.Entries);
  const now = engine.clock();
  const results: EntryResult[] = [];
  for (const raw of entries) {
    const checked = checkEntry(raw);
    if (!isAccepted(checked)) {
      results.push(checked);
      continue;
    }
    const bus = engine.buses.get(busNameOf(checked.busName));
    if (!bus) {
      results.push({
        ErrorCode: 'ResourceNotFoundException',
        ErrorMessage: `Event bus ${busNameOf(checked.busName)} does not exist.`,
      });
      continue;
    }
    const event = buildEnvelope(checked, { account: engine.accountId, region: engine.region, now });
    engine.ingest(bus, event, now);
    results.push({ EventId: event.id });
  }
  return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
};

export const putRule = (engine: EventBridgeEngine, input: JsonObject): { RuleArn: string } => {
  const name = requiredString(input, 'Name');
  checkName(name, 'name');
  const bus = engine.busByName(busNameOf(optionalString(input, 'EventBusName')));
  const eventPattern = optionalString(input, 'EventPattern');
  const scheduleExpression = optionalString(input, 'ScheduleExpression');
  if (eventPattern === undefined && scheduleExpression === undefined) {
    throw validationError('Parameter(s) EventPattern or ScheduleExpression must be specified.');
  }
  if (scheduleExpression !== undefined && bus.name !== 'default') {
    throw validationError('ScheduleExpression is supported only on the default event bus.');
  }
  if (scheduleExpression !== undefined) checkScheduleExpression(scheduleExpression);
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
    arn: engine.arns.rule(bus.name, name),
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
  engine.scheduler.sync(rule);
  return { RuleArn: rule.arn };
};

/** PutRule's answer for any expression that is not a valid rate(...) or cron(...). */
function checkScheduleExpression(expression: string): void {
  try {
    parseScheduleExpression(expression);
  } catch (error) {
    if (error instanceof InvalidScheduleExpressionError) {
      throw validationError('Parameter ScheduleExpression is not valid.');
    }
    throw error;
  }
}

const ruleOf = (engine: EventBridgeEngine, input: JsonObject, key: 'Name' | 'Rule'): Rule => {
  const name = requiredString(input, key);
  const bus = engine.busByName(busNameOf(optionalString(input, 'EventBusName')));
  const rule = bus.rules.get(name);
  if (!rule) throw notFound(`Rule ${name} does not exist on EventBus ${bus.name}.`);
  return rule;
};

const ruleView = (rule: Rule) => {
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
};

const describeRule = (engine: EventBridgeEngine, input: JsonObject) => {
  return { ...ruleView(ruleOf(engine, input, 'Name')), CreatedBy: engine.accountId };
};

const deleteRule = (engine: EventBridgeEngine, input: JsonObject): void => {
  const name = requiredString(input, 'Name');
  const bus = engine.busByName(busNameOf(optionalString(input, 'EventBusName')));
  const rule = bus.rules.get(name);
  if (!rule) return;
  if (rule.targets.size > 0) throw validationError("Rule can't be deleted since it has targets.");
  bus.rules.delete(name);
  engine.scheduler.forget(rule);
};

const setRuleState = (engine: EventBridgeEngine, input: JsonObject, state: RuleState): void => {
  const rule = ruleOf(engine, input, 'Name');
  rule.state = state;
  engine.scheduler.sync(rule);
};

const listRules = (engine: EventBridgeEngine, input: JsonObject) => {
  const bus = engine.busByName(busNameOf(optionalString(input, 'EventBusName')));
  const prefix = optionalString(input, 'NamePrefix') ?? '';
  const rules = [...bus.rules.values()]
    .filter((rule) => rule.name.startsWith(prefix))
    .sort((a, b) => a.name.localeCompare(b.name));
  const { page, nextToken } = paginate(
    rules,
    optionalString(input, 'NextToken'),
    optionalInteger(input, 'Limit'),
  );
  return { Rules: page.map((rule) => ruleView(rule)), NextToken: nextToken };
};

export const putTargets = (engine: EventBridgeEngine, input: JsonObject) => {
  const rule = ruleOf(engine, input, 'Rule');
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
};

const removeTargets = (engine: EventBridgeEngine, input: JsonObject) => {
  const rule = ruleOf(engine, input, 'Rule');
  const ids = optionalArray(input, 'Ids') ?? [];
  if (ids.length < 1 || ids.length > 100) {
    throw validationError(
      "1 validation error detected: Value at 'ids' failed to satisfy constraint: Member must have length between 1 and 100",
    );
  }
  for (const id of ids) if (typeof id === 'string') rule.targets.delete(id);
  return { FailedEntryCount: 0, FailedEntries: [] };
};

const listTargetsByRule = (engine: EventBridgeEngine, input: JsonObject) => {
  const rule = ruleOf(engine, input, 'Rule');
  const { page, nextToken } = paginate(
    [...rule.targets.values()],
    optionalString(input, 'NextToken'),
    optionalInteger(input, 'Limit'),
  );
  return { Targets: page, NextToken: nextToken };
};

const testEventPattern = (engine: EventBridgeEngine, input: JsonObject): { Result: boolean } => {
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
};

const createEventBus = (engine: EventBridgeEngine, input: JsonObject): { EventBusArn: string } => {
  const name = requiredString(input, 'Name');
  if (!/^[/.\-_A-Za-z0-9]{1,256}$/.test(name) || name === 'default') {
    throw validationError(`Event bus name ${name} is not valid.`);
  }
  if (engine.buses.has(name)) {
    throw new AwsServiceError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`);
  }
  return { EventBusArn: engine.createBus(name, optionalString(input, 'Description')).arn };
};

const deleteEventBus = (engine: EventBridgeEngine, input: JsonObject): void => {
  const name = requiredString(input, 'Name');
  if (name === 'default') throw validationError('Cannot delete event bus default.');
  engine.buses.delete(name);
};

const busView = (bus: EventBus) => {
  return {
    Name: bus.name,
    Arn: bus.arn,
    Description: bus.description,
    CreationTime: epochSeconds(bus.creationTime),
    LastModifiedTime: epochSeconds(bus.creationTime),
  };
};

const describeEventBus = (engine: EventBridgeEngine, input: JsonObject) => {
  return busView(engine.busByName(busNameOf(optionalString(input, 'Name'))));
};

const listEventBuses = (engine: EventBridgeEngine, input: JsonObject) => {
  const prefix = optionalString(input, 'NamePrefix') ?? '';
  const buses = [...engine.buses.values()].filter((bus) => bus.name.startsWith(prefix));
  const { page, nextToken } = paginate(
    buses,
    optionalString(input, 'NextToken'),
    optionalInteger(input, 'Limit'),
  );
  return { EventBuses: page.map((bus) => busView(bus)), NextToken: nextToken };
};

export const createArchive = (engine: EventBridgeEngine, input: JsonObject) => {
  const name = requiredString(input, 'ArchiveName');
  checkName(name, 'archiveName', 48);
  if (engine.archives.has(name)) {
    throw new AwsServiceError('ResourceAlreadyExistsException', `Archive ${name} already exists.`);
  }
  const sourceArn = requiredString(input, 'EventSourceArn');
  const bus = engine.busByName(busNameOf(sourceArn));
  const eventPattern = optionalString(input, 'EventPattern');
  const archive: Archive = {
    name,
    arn: engine.arns.archive(name),
    sourceArn: bus.arn,
    busName: bus.name,
    eventPattern,
    pattern: eventPattern === undefined ? undefined : parsePattern(eventPattern),
    description: optionalString(input, 'Description'),
    retentionDays: optionalInteger(input, 'RetentionDays') ?? 0,
    creationTime: engine.clock(),
    events: [],
  };
  engine.archives.set(name, archive);
  return { ArchiveArn: archive.arn, State: 'ENABLED', CreationTime: epochSeconds(archive.creationTime) };
};

const archiveOf = (engine: EventBridgeEngine, input: JsonObject): Archive =>
  engine.archiveNamed(requiredString(input, 'ArchiveName'));

const archiveView = (archive: Archive) => {
  return {
    ArchiveName: archive.name,
    EventSourceArn: archive.sourceArn,
    State: 'ENABLED',
    RetentionDays: archive.retentionDays,
    SizeBytes: archive.events.reduce((sum, entry) => sum + Buffer.byteLength(JSON.stringify(entry.event)), 0),
    EventCount: archive.events.length,
    CreationTime: epochSeconds(archive.creationTime),
  };
};

const describeArchive = (engine: EventBridgeEngine, input: JsonObject) => {
  const archive = archiveOf(engine, input);
  return {
    ...archiveView(archive),
    ArchiveArn: archive.arn,
    Description: archive.description,
    EventPattern: archive.eventPattern,
  };
};

const deleteArchive = (engine: EventBridgeEngine, input: JsonObject): void => {
  engine.archives.delete(archiveOf(engine, input).name);
};

const listArchives = (engine: EventBridgeEngine, input: JsonObject) => {
  const prefix = optionalString(input, 'NamePrefix') ?? '';
  const source = optionalString(input, 'EventSourceArn');
  const archives = [...engine.archives.values()].filter(
    (archive) => archive.name.startsWith(prefix) && (source === undefined || archive.sourceArn === source),
  );
  archives.forEach((archive) => engine.expire(archive));
  const { page, nextToken } = paginate(
    archives,
    optionalString(input, 'NextToken'),
    optionalInteger(input, 'Limit'),
  );
  return { Archives: page.map((archive) => archiveView(archive)), NextToken: nextToken };
};

const startReplay = (engine: EventBridgeEngine, input: JsonObject) => {
  const name = requiredString(input, 'ReplayName');
  checkName(name, 'replayName');
  if (engine.replays.has(name)) {
    throw new AwsServiceError('ResourceAlreadyExistsException', `Replay ${name} already exists.`);
  }
  const sourceArn = requiredString(input, 'EventSourceArn');
  const archive = [...engine.archives.values()].find((candidate) => candidate.arn === sourceArn);
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
    arn: engine.arns.replay(name),
    archiveArn: archive.arn,
    description: optionalString(input, 'Description'),
    destination: { Arn: destination.Arn, ...(filterArns ? { FilterArns: filterArns } : {}) },
    eventStartTime: start * 1000,
    eventEndTime: end * 1000,
    startTime: engine.clock(),
    state: 'STARTING',
  };
  engine.replays.set(name, replay);
  engine.pending.run(async () => engine.runReplay(replay, archive));
  return {
    ReplayArn: replay.arn,
    State: replay.state,
    StateReason: 'Replay started',
    ReplayStartTime: epochSeconds(replay.startTime),
  };
};

const describeReplay = (engine: EventBridgeEngine, input: JsonObject) => {
  const name = requiredString(input, 'ReplayName');
  const replay = engine.replays.get(name);
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
};
/** Every operation the local EventBridge answers, by its wire name: add an operation here. */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  CreateArchive: createArchive,
  CreateEventBus: createEventBus,
  DeleteArchive: deleteArchive,
  DeleteEventBus: deleteEventBus,
  DeleteRule: deleteRule,
  DescribeArchive: describeArchive,
  DescribeEventBus: describeEventBus,
  DescribeReplay: describeReplay,
  DescribeRule: describeRule,
  DisableRule: (engine, input) => setRuleState(engine, input, 'DISABLED'),
  EnableRule: (engine, input) => setRuleState(engine, input, 'ENABLED'),
  ListArchives: listArchives,
  ListEventBuses: listEventBuses,
  ListRules: listRules,
  ListTargetsByRule: listTargetsByRule,
  PutEvents: putEvents,
  PutRule: putRule,
  PutTargets: putTargets,
  RemoveTargets: removeTargets,
  StartReplay: startReplay,
  TestEventPattern: testEventPattern,
};
