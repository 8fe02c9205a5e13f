import { AwsServiceError, parseJsonObject } from '../protocol';

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const validationError = (message: string): AwsServiceError =>
  new AwsServiceError('ValidationException', message);

/** The JSON request body; an empty body is `{}`. */
export const parseJsonBody = (body: Buffer): JsonObject =>
  parseJsonObject(body, {
    notJson: () => new AwsServiceError('SerializationException', 'The request body is not valid JSON'),
    notObject: () => new AwsServiceError('SerializationException', 'The request body is not a JSON object'),
  });

export function optionalString(input: JsonObject, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new AwsServiceError('SerializationException', `${key} must be a string`);
  }
  return value;
}

export function requiredString(input: JsonObject, key: string, wireName = lowerFirst(key)): string {
  const value = optionalString(input, key);
  if (value === undefined) {
    throw validationError(
      `1 validation error detected: Value null at '${wireName}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

export function optionalInteger(input: JsonObject, key: string): number | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new AwsServiceError('SerializationException', `${key} must be an integer`);
  }
  return value;
}

export function optionalArray(input: JsonObject, key: string): unknown[] | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new AwsServiceError('SerializationException', `${key} must be a list`);
  return value;
}

export const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1);

const NAME_PATTERN = /^[.\-_A-Za-z0-9]+$/;

/** Rule and target names: `[\.\-_A-Za-z0-9]+`, 1..64 characters. */
export function checkName(value: string, wireName: string, maxLength = 64): void {
  if (value.length < 1 || value.length > maxLength) {
    throw validationError(
      `1 validation error detected: Value '${value}' at '${wireName}' failed to satisfy constraint: Member must have length less than or equal to ${maxLength}`,
    );
  }
  if (!NAME_PATTERN.test(value)) {
    throw validationError(
      `1 validation error detected: Value '${value}' at '${wireName}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`,
    );
  }
}

/** Offset pagination shared by the List operations. */
export function paginate<T>(
  items: readonly T[],
  nextToken: string | undefined,
  limit: number | undefined,
  defaultLimit = 100,
): { page: T[]; nextToken?: string } {
  const start = nextToken === undefined ? 0 : Number.parseInt(nextToken, 10);
  if (!Number.isInteger(start) || start < 0 || start > items.length) {
    throw validationError('The NextToken provided is not valid.');
  }
  const size = limit === undefined ? defaultLimit : limit;
  if (size < 1 || size > 100) {
    throw validationError(
      `1 validation error detected: Value '${size}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100`,
    );
  }
  const page = items.slice(start, start + size);
  return start + size < items.length ? { page, nextToken: String(start + size) } : { page };
}
