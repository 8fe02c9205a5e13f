import type { FieldIssue } from './errors';

/*
 * Small checks for hand-written validation of untrusted input. Each check records every rule the
 * value breaks (so a client can fix everything in one round trip) and returns the value only when it
 * passed, so callers build the parsed result from checked parts.
 *
 * `null` counts as missing: JSON clients commonly send `null` for "no value".
 */

export type Issues = FieldIssue[];

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const isMissing = (value: unknown): value is null | undefined => value === undefined || value === null;

/** Length in Unicode code points, so an emoji counts as one character as a person would count it. */
export const characterCount = (s: string): number => Array.from(s).length;

export const addIssue = (issues: Issues, path: string, rule: string, message: string): void => {
  issues.push({ path, rule, message });
};

export interface StringRules {
  readonly minLength: number;
  readonly maxLength: number;
  readonly pattern?: RegExp;
  /** Explains the pattern in words; the regex itself means little to a client. */
  readonly patternMessage?: string;
}

/**
 * Characters no text field accepts: C0 and C1 controls (NUL, tab, newline, DEL...), the line and paragraph
 * separators, the bidirectional formatting characters (LRM/RLM/ALM, embeddings, overrides, isolates), and
 * unpaired UTF-16 surrogates. Each can make stored text render differently from what it is (an address
 * that reads backwards, a log line split in two) or break a downstream encoder.
 */
export const UNSAFE_CHARACTERS = /[\p{Cc}\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\p{Cs}/u;

export const checkString = (
  issues: Issues,
  path: string,
  value: unknown,
  rules: StringRules,
): string | undefined => {
  if (isMissing(value)) {
    addIssue(issues, path, 'required', 'is required');
    return undefined;
  }
  if (typeof value !== 'string') {
    addIssue(issues, path, 'type', 'must be a string');
    return undefined;
  }
  const before = issues.length;
  const length = characterCount(value);
  if (length < rules.minLength) {
    addIssue(
      issues,
      path,
      'minLength',
      rules.minLength === 1 ? 'must not be empty' : `must be at least ${rules.minLength} characters`,
    );
  }
  if (length > rules.maxLength) {
    addIssue(issues, path, 'maxLength', `must be at most ${rules.maxLength} characters`);
  }
  if (UNSAFE_CHARACTERS.test(value)) {
    addIssue(
      issues,
      path,
      'unsafeCharacters',
      'must not contain control characters, bidirectional formatting characters or unpaired surrogates',
    );
  } else if (rules.pattern && length > 0 && !rules.pattern.test(value)) {
    // An empty string trivially fails any pattern; minLength already says what is wrong. A pattern
    // failure caused by an unsafe character is not reported twice.
    addIssue(issues, path, 'pattern', rules.patternMessage ?? `must match ${rules.pattern.source}`);
  }
  return issues.length === before ? value : undefined;
};

export interface IntegerRules {
  readonly min: number;
  readonly max: number;
  /** Rule id reported below `min`: `positive` reads better than `min` when the bound is 1 for amounts. */
  readonly minRule?: 'min' | 'positive';
}

export const checkInteger = (
  issues: Issues,
  path: string,
  value: unknown,
  rules: IntegerRules,
): number | undefined => {
  if (isMissing(value)) {
    addIssue(issues, path, 'required', 'is required');
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    addIssue(issues, path, 'type', 'must be a finite number');
    return undefined;
  }
  const before = issues.length;
  if (!Number.isInteger(value)) addIssue(issues, path, 'integer', 'must be a whole number');
  if (value < rules.min) {
    const rule = rules.minRule ?? 'min';
    addIssue(
      issues,
      path,
      rule,
      rule === 'positive' ? 'must be greater than 0' : `must be at least ${rules.min}`,
    );
  }
  if (value > rules.max) addIssue(issues, path, 'max', `must be at most ${rules.max}`);
  return issues.length === before ? value : undefined;
};

/** Reports every key of `value` that is not in `allowed`, so misspelt optional fields are not silently dropped. */
export const checkNoUnknownFields = (
  issues: Issues,
  pathPrefix: string,
  value: Record<string, unknown>,
  allowed: readonly string[],
): void => {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      addIssue(
        issues,
        pathPrefix === '' ? key : `${pathPrefix}.${key}`,
        'unknownField',
        'is not a known field',
      );
    }
  }
};
