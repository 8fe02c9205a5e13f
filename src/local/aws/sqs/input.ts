import { parseJsonObject } from '../protocol';
import { SqsError, invalidParameter, missingParameter } from './errors';

/** A decoded JSON 1.0 request body. */
export type JsonObject = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const parseJsonBody = (body: Buffer): JsonObject =>
  parseJsonObject(body, {
    notJson: () => new SqsError('SerializationException', 'The request body is not valid JSON.'),
    notObject: () => new SqsError('SerializationException', 'The request body must be a JSON object.'),
  });

export const optionalString = (input: JsonObject, name: string): string | undefined => {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(name, value, 'Must be a string.');
  return value;
};

export const requiredString = (input: JsonObject, name: string): string => {
  const value = optionalString(input, name);
  if (value === undefined || value === '') throw missingParameter(name);
  return value;
};

/** An integer parameter within [min, max]; numeric strings are accepted as the CLI's shorthand can send them. */
export const optionalInteger = (
  input: JsonObject,
  name: string,
  min: number,
  max: number,
  reason = `Must be between ${min} and ${max}, if provided.`,
): number | undefined => {
  const raw = input[name];
  if (raw === undefined || raw === null) return undefined;
  const value = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidParameter(name, raw, reason);
  if (value < min || value > max) throw invalidParameter(name, value, reason);
  return value;
};

export const optionalStringList = (input: JsonObject, name: string): string[] | undefined => {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw invalidParameter(name, value, 'Must be a list of strings.');
  }
  return value as string[];
};

/** A string map such as queue attributes or tags; scalar values are stringified as AWS does. */
export const optionalStringMap = (input: JsonObject, name: string): Record<string, string> | undefined => {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidParameter(name, value, 'Must be a map of strings.');
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string') result[key] = item;
    else if (typeof item === 'number' || typeof item === 'boolean') result[key] = String(item);
    else throw invalidParameter(`${name}.${key}`, item, 'Must be a string.');
  }
  return result;
};

/** The `Entries` of a batch request: present, 1..10 objects, each with a valid and distinct `Id`. */
export const batchEntries = (input: JsonObject): JsonObject[] => {
  const value = input.Entries;
  if (value === undefined || value === null) throw missingParameter('Entries');
  if (!Array.isArray(value)) throw invalidParameter('Entries', value, 'Must be a list.');
  if (value.length === 0) {
    throw new SqsError(
      'EmptyBatchRequest',
      'There should be at least one SendMessageBatchRequestEntry in the request.',
    );
  }
  if (value.length > 10) {
    throw new SqsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are 10. You have sent ${value.length}.`,
    );
  }
  const seen = new Set<string>();
  const entries: JsonObject[] = [];
  for (const entry of value as unknown[]) {
    if (!isObject(entry)) throw invalidParameter('Entries', entry, 'Each entry must be a structure.');
    const id = entry.Id;
    if (typeof id !== 'string' || id === '') throw missingParameter('Id');
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(id)) {
      throw new SqsError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    }
    if (seen.has(id)) throw new SqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
    seen.add(id);
    entries.push(entry);
  }
  return entries;
};
