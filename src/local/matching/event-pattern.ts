/**
 * EventBridge event patterns: validation (PutRule, TestEventPattern) and matching (rules, TestEventPattern).
 *
 * The whole documented language is supported: exact strings, numbers, booleans and null; `prefix` and `suffix`
 * (plain or `{"equals-ignore-case": ...}`); `equals-ignore-case`; `wildcard`; `anything-but` with a value, a
 * list of strings or of numbers, or `{prefix | suffix | equals-ignore-case | wildcard}` (a string or a list of
 * strings); `numeric`; `exists`; `cidr` (IPv4 and IPv6); and `$or` at any level. See ./engine.ts for the
 * matching rules shared with SNS.
 */

import { AwsServiceError } from '../aws/protocol';
import {
  checkPattern,
  isJsonObject,
  matchesPattern,
  PatternSyntaxError,
  type PatternDialect,
} from './engine';

/** EventBridge's `InvalidEventPatternException`, carrying Event Ruler's reason text. */
export class InvalidEventPatternError extends AwsServiceError {
  constructor(readonly reason: string) {
    super('InvalidEventPatternException', `Event pattern is not valid. Reason: ${reason}`);
  }
}

const EVENTBRIDGE: PatternDialect = {
  operators: new Set([
    'prefix',
    'suffix',
    'equals-ignore-case',
    'wildcard',
    'anything-but',
    'numeric',
    'exists',
    'cidr',
  ]),
  anythingBut: new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard']),
  anythingButLists: true,
  affixIgnoreCase: true,
  // Event Ruler's ComparableNumber range; numbers outside it cannot be compared.
  numericLimit: 5e9,
  emptyRootAllowed: false,
};

/** Throws {@link InvalidEventPatternError} unless `pattern` (parsed JSON) is a valid event pattern. */
export function validateEventPattern(pattern: unknown): void {
  try {
    checkPattern(pattern, EVENTBRIDGE);
  } catch (error) {
    if (error instanceof PatternSyntaxError) throw new InvalidEventPatternError(error.reason);
    throw error;
  }
}

/**
 * True when `event` (the full envelope: version, id, detail-type, source, account, time, region, resources,
 * detail) matches `pattern`. The pattern should have passed {@link validateEventPattern}; a malformed one
 * does not throw here, it just fails to match.
 */
export function matchesEventPattern(pattern: object, event: object): boolean {
  if (!isJsonObject(pattern) || !isJsonObject(event)) return false;
  return matchesPattern(pattern, event, { nullIsAbsent: false });
}
