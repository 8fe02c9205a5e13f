import { randomUUID } from 'node:crypto';
import { isObject, validationError, type JsonObject } from '../shared/json-input';
import { eventTime, type EventEnvelope } from './model';

/** PutEvents limits (Amazon EventBridge API Reference, PutEvents; User Guide, "Calculating PutEvents event entry size"). */
export const PUT_EVENTS_LIMITS = { maxEntries: 10, maxTotalEntryBytes: 256 * 1024 } as const;

export interface PutEventsEntryInput {
  readonly Source?: unknown;
  readonly DetailType?: unknown;
  readonly Detail?: unknown;
  readonly EventBusName?: unknown;
  readonly Resources?: unknown;
  readonly Time?: unknown;
  readonly TraceHeader?: unknown;
}

export type EntryResult =
  { readonly EventId: string } | { readonly ErrorCode: string; readonly ErrorMessage: string };

/** A valid entry, ready to become an event on a bus. */
export interface AcceptedEntry {
  readonly busName: string | undefined;
  readonly source: string;
  readonly detailType: string;
  readonly detail: JsonObject;
  readonly resources: string[];
  /** Epoch ms, when the entry gave a Time. */
  readonly time?: number;
}

const utf8 = (text: unknown): number => (typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : 0);

/** The documented size of one entry: Time 14 bytes, then the UTF-8 bytes of Source, DetailType, Detail and each resource. */
export function entrySize(entry: PutEventsEntryInput): number {
  let size = entry.Time === undefined || entry.Time === null ? 0 : 14;
  size += utf8(entry.Source) + utf8(entry.DetailType) + utf8(entry.Detail);
  if (Array.isArray(entry.Resources)) for (const resource of entry.Resources) size += utf8(resource);
  return size;
}

/** Whole-request checks: 1..10 entries, total entry size within 256 KB. Throws ValidationException. */
export function checkEntries(entries: unknown): PutEventsEntryInput[] {
  if (!Array.isArray(entries)) {
    throw validationError(
      "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
    );
  }
  if (entries.length < 1 || entries.length > PUT_EVENTS_LIMITS.maxEntries) {
    throw validationError(
      `1 validation error detected: Value '${JSON.stringify(entries).slice(0, 200)}' at 'entries' failed to satisfy constraint: ` +
        (entries.length < 1
          ? 'Member must have length greater than or equal to 1'
          : `Member must have length less than or equal to ${PUT_EVENTS_LIMITS.maxEntries}`),
    );
  }
  const typed = entries.map((entry) => (isObject(entry) ? (entry as PutEventsEntryInput) : {}));
  const total = typed.reduce((sum, entry) => sum + entrySize(entry), 0);
  if (total > PUT_EVENTS_LIMITS.maxTotalEntryBytes) {
    throw validationError('Total size of the entries in the request is over the limit.');
  }
  return typed;
}

const failure = (ErrorCode: string, ErrorMessage: string) => ({ ErrorCode, ErrorMessage });

const required = (name: string) =>
  failure('InvalidArgument', `Parameter ${name} is not valid. Reason: ${name} is a required argument.`);

/** Per-entry checks, in the order EventBridge reports them; an accepted entry or its error. */
export function checkEntry(
  entry: PutEventsEntryInput,
): AcceptedEntry | { ErrorCode: string; ErrorMessage: string } {
  const { Source: source, DetailType: detailType, Detail: detailText } = entry;
  if (typeof source !== 'string' || source === '') return required('Source');
  if (typeof detailType !== 'string' || detailType === '') return required('DetailType');
  if (typeof detailText !== 'string' || detailText === '') return required('Detail');
  let detail: unknown;
  try {
    detail = JSON.parse(detailText);
  } catch {
    return failure('MalformedDetail', 'Detail is malformed.');
  }
  if (!isObject(detail)) return failure('MalformedDetail', 'Detail is malformed.');
  // Events from AWS services are sent by AWS; an account cannot put an `aws.` source.
  if (source.startsWith('aws.'))
    return failure('NotAuthorizedForSourceException', 'Not authorized for the source.');
  const resources = entry.Resources;
  if (resources !== undefined && resources !== null) {
    if (!Array.isArray(resources) || resources.some((resource) => typeof resource !== 'string')) {
      return failure(
        'InvalidArgument',
        'Parameter Resources is not valid. Reason: Resources must be a list of strings.',
      );
    }
  }
  let time: number | undefined;
  if (typeof entry.Time === 'number') time = Math.round(entry.Time * 1000);
  else if (typeof entry.Time === 'string') {
    time = /^\d+(\.\d+)?$/.test(entry.Time) ? Math.round(Number(entry.Time) * 1000) : Date.parse(entry.Time);
    if (Number.isNaN(time)) return failure('InvalidArgument', 'Parameter Time is not valid.');
  }
  const busName =
    typeof entry.EventBusName === 'string' && entry.EventBusName !== '' ? entry.EventBusName : undefined;
  return {
    busName,
    source,
    detailType,
    detail,
    resources: (resources as string[] | undefined) ?? [],
    ...(time === undefined ? {} : { time }),
  };
}

export const isAccepted = (value: AcceptedEntry | { ErrorCode: string }): value is AcceptedEntry =>
  !('ErrorCode' in value);

export function buildEnvelope(
  entry: AcceptedEntry,
  context: { readonly account: string; readonly region: string; readonly now: number },
): EventEnvelope {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': entry.detailType,
    source: entry.source,
    account: context.account,
    time: eventTime(entry.time ?? context.now),
    region: context.region,
    resources: entry.resources,
    detail: entry.detail,
  };
}
