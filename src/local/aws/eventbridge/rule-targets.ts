import { AwsServiceError } from '../protocol';
import { checkName, isObject, validationError } from '../shared/json-input';
import { parseJsonPath, RESERVED_VARIABLES, InvalidJsonPathError } from './input-transform';
import type { RuleTarget } from './model';

/** EventBridge quota: targets per rule. */
export const MAX_TARGETS_PER_RULE = 5;

const optionalText = (target: Record<string, unknown>, key: string, id: string): string | undefined => {
  const value = target[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validationError(`Parameter ${key} of target ${id} must be a string.`);
  return value;
};

const optionalWhole = (value: unknown, key: string, min: number, max: number): number | undefined => {
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    throw validationError(
      `1 validation error detected: Value '${String(value)}' at '${key}' failed to satisfy constraint: Member must have value between ${min} and ${max}`,
    );
  }
  return number;
};

const checkJsonPath = (path: string, what: string): void => {
  try {
    parseJsonPath(path);
  } catch (error) {
    if (error instanceof InvalidJsonPathError)
      throw validationError(`${what} is not a valid JSON path: ${path}`);
    throw error;
  }
};

/**
 * Validates one target of PutTargets (or of a template's rule) the way EventBridge does, and returns it
 * in the stored shape. Throws ValidationException.
 */
export function normalizeTarget(raw: unknown): RuleTarget {
  if (!isObject(raw)) throw validationError('Each target must be an object.');
  const id = raw.Id;
  if (typeof id !== 'string') {
    throw validationError(
      "1 validation error detected: Value null at 'targets.1.member.id' failed to satisfy constraint: Member must not be null",
    );
  }
  checkName(id, 'targets.1.member.id');
  const arn = raw.Arn;
  if (typeof arn !== 'string' || arn.length === 0) {
    throw validationError(
      "1 validation error detected: Value null at 'targets.1.member.arn' failed to satisfy constraint: Member must not be null",
    );
  }
  const input = optionalText(raw, 'Input', id);
  const inputPath = optionalText(raw, 'InputPath', id);
  const transformer = raw.InputTransformer;
  const given = [input, inputPath, transformer].filter((value) => value !== undefined && value !== null);
  if (given.length > 1) {
    throw validationError(
      `Only one of Input, InputPath, or InputTransformer must be provided for target ${id}.`,
    );
  }
  if (input !== undefined) {
    try {
      JSON.parse(input);
    } catch {
      throw validationError(`Input for target ${id} is not valid JSON text.`);
    }
  }
  if (inputPath !== undefined) checkJsonPath(inputPath, `InputPath of target ${id}`);
  const target: Record<string, unknown> = { ...raw, Id: id, Arn: arn };
  if (transformer !== undefined && transformer !== null) {
    if (!isObject(transformer) || typeof transformer.InputTemplate !== 'string') {
      throw validationError(
        "1 validation error detected: Value null at 'targets.1.member.inputTransformer.inputTemplate' failed to satisfy constraint: Member must not be null",
      );
    }
    const paths = transformer.InputPathsMap ?? {};
    if (!isObject(paths)) throw validationError(`InputPathsMap of target ${id} must be a map.`);
    if (Object.keys(paths).length > 100) {
      throw validationError(`InputPathsMap of target ${id} has more than 100 entries.`);
    }
    for (const [name, path] of Object.entries(paths)) {
      if (RESERVED_VARIABLES.has(name)) {
        throw validationError(`InputTransformer variable ${name} is reserved and cannot be redefined.`);
      }
      if (typeof path !== 'string') throw validationError(`InputPathsMap value of ${name} must be a string.`);
      checkJsonPath(path, `InputPathsMap value of ${name}`);
    }
    target.InputTransformer = {
      InputPathsMap: paths as Record<string, string>,
      InputTemplate: transformer.InputTemplate,
    };
  }
  const retry = raw.RetryPolicy;
  if (retry !== undefined && retry !== null) {
    if (!isObject(retry)) throw validationError(`RetryPolicy of target ${id} must be an object.`);
    const attempts = optionalWhole(retry.MaximumRetryAttempts, 'maximumRetryAttempts', 0, 185);
    const age = optionalWhole(retry.MaximumEventAgeInSeconds, 'maximumEventAgeInSeconds', 60, 86_400);
    target.RetryPolicy = {
      ...(attempts === undefined ? {} : { MaximumRetryAttempts: attempts }),
      ...(age === undefined ? {} : { MaximumEventAgeInSeconds: age }),
    };
  }
  const dlq = raw.DeadLetterConfig;
  if (dlq !== undefined && dlq !== null) {
    if (!isObject(dlq) || (dlq.Arn !== undefined && typeof dlq.Arn !== 'string')) {
      throw validationError(`DeadLetterConfig of target ${id} must name an Arn.`);
    }
    if (typeof dlq.Arn === 'string' && !dlq.Arn.startsWith('arn:aws:sqs:')) {
      throw validationError(`The DeadLetterConfig Arn of target ${id} must be an Amazon SQS queue ARN.`);
    }
  }
  const sqs = raw.SqsParameters;
  if (arn.startsWith('arn:aws:sqs:') && arn.endsWith('.fifo')) {
    if (!isObject(sqs) || typeof sqs.MessageGroupId !== 'string' || sqs.MessageGroupId === '') {
      throw validationError(`Parameter(s) SqsParameters must be specified for target: ${id}.`);
    }
  }
  return target as RuleTarget;
}

export const tooManyTargets = (): AwsServiceError =>
  new AwsServiceError('LimitExceededException', 'The requested resource exceeds the maximum number allowed.');
