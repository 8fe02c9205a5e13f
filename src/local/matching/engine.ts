/**
 * The matching core shared by EventBridge event patterns and SNS subscription filter policies. Both services
 * use the same engine (AWS's open-source Event Ruler) and the same JSON language; they differ only in which
 * operators they accept and in a few limits, which a {@link PatternDialect} states. The error reasons below use
 * Event Ruler's wording, which is what both services put after their own prefix.
 *
 * Semantics, in short:
 * - every key of a pattern object must match (AND); a leaf array matches when any of its conditions does (OR);
 * - `"$or": [{...}, {...}]` at any level matches when any of its sub-patterns does;
 * - an array in the document matches a leaf condition when any element does, and a nested pattern object
 *   when any one element satisfies the whole object (array-consistent matching);
 * - a leaf condition sees only scalar values: a key holding an object, an empty array or nothing is absent;
 * - every condition but `exists` needs at least one value, so `anything-but` never matches an absent key;
 * - strings, numbers, booleans and null never equal one another (`"5"` is not `5`).
 */

import { ipInRange, parseCidr } from './ip';

/** A problem with a pattern's syntax, reported as the reason text; each service wraps it in its own error. */
export class PatternSyntaxError extends Error {
  override readonly name = 'PatternSyntaxError';
  constructor(readonly reason: string) {
    super(reason);
  }
}

export type Operator =
  'prefix' | 'suffix' | 'equals-ignore-case' | 'wildcard' | 'anything-but' | 'numeric' | 'exists' | 'cidr';

export type AnythingButOperator = 'prefix' | 'suffix' | 'equals-ignore-case' | 'wildcard';

/** What one service accepts of the shared language. */
export interface PatternDialect {
  /** Match-expression operators allowed in a leaf array. */
  readonly operators: ReadonlySet<Operator>;
  /** Operators allowed in `{"anything-but": {op: ...}}`. */
  readonly anythingBut: ReadonlySet<AnythingButOperator>;
  /** Whether those `anything-but` operators also take a list of strings. */
  readonly anythingButLists: boolean;
  /** Whether `prefix` and `suffix` take `{"equals-ignore-case": "..."}`. */
  readonly affixIgnoreCase: boolean;
  /** Operands of `numeric` must lie in [-limit, limit]. */
  readonly numericLimit: number;
  /** Whether `{}` is an acceptable whole pattern (it then matches everything). */
  readonly emptyRootAllowed: boolean;
}

export interface MatchOptions {
  /** SNS documents `exists: true` as needing a non-null value; EventBridge counts `null` as a value. */
  readonly nullIsAbsent: boolean;
}

export const OR_KEY = '$or';

/** Field names that cannot be used inside `$or` (Event Ruler's reserved words). */
const RESERVED_IN_OR: ReadonlySet<string> = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  'html',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

const NUMERIC_OPERATORS: ReadonlySet<string> = new Set(['=', '<', '<=', '>', '>=']);

export type JsonObject = Record<string, unknown>;

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

// ---------------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------------

function fail(reason: string): never {
  throw new PatternSyntaxError(reason);
}

/** How a JSON token reads in a reason, as Event Ruler prints it. */
const tokenText = (value: unknown): string => {
  if (value === undefined) return ']';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return '[';
  if (isJsonObject(value)) return '{';
  return JSON.stringify(value);
};

/** Throws {@link PatternSyntaxError} unless `pattern` is a well-formed pattern of the dialect. */
export function checkPattern(pattern: unknown, dialect: PatternDialect): void {
  if (!isJsonObject(pattern)) fail('Filter is not an object');
  const root = pattern as JsonObject;
  if (Object.keys(root).length === 0 && dialect.emptyRootAllowed) return;
  checkObject(root, dialect, false);
}

function checkObject(pattern: JsonObject, dialect: PatternDialect, insideOr: boolean): void {
  const keys = Object.keys(pattern);
  if (keys.length === 0) fail('Empty objects are not allowed');
  for (const key of keys) {
    const value = pattern[key];
    if (key === OR_KEY) {
      checkOr(value, dialect);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      fail(`${key} is Ruler reserved fieldName which cannot be used inside ${OR_KEY}.`);
    }
    if (Array.isArray(value)) checkLeaf(value, dialect);
    else if (isJsonObject(value)) checkObject(value, dialect, insideOr);
    else fail(`"${key}" must be an object or an array`);
  }
}

function checkOr(value: unknown, dialect: PatternDialect): void {
  if (!Array.isArray(value)) fail(`It must be an Array followed with ${OR_KEY}.`);
  const branches = value as unknown[];
  for (const branch of branches) {
    if (!isJsonObject(branch)) fail(`Only JSON object is allowed in array of ${OR_KEY} relationship.`);
  }
  if (branches.length < 2) fail(`There must have at least 2 Objects in ${OR_KEY} relationship.`);
  for (const branch of branches) checkObject(branch as JsonObject, dialect, true);
}

function checkLeaf(values: readonly unknown[], dialect: PatternDialect): void {
  if (values.length === 0) fail('Empty arrays are not allowed');
  for (const value of values) {
    if (value === null || typeof value === 'string' || typeof value === 'boolean' || isFiniteNumber(value)) {
      continue;
    }
    if (isJsonObject(value)) checkMatchExpression(value, dialect);
    else fail('Match value must be String, number, true, false, or null');
  }
}

function checkMatchExpression(expression: JsonObject, dialect: PatternDialect): void {
  const keys = Object.keys(expression);
  const operator = keys[0];
  if (operator === undefined) return fail('Match expression name not found');
  if (keys.length > 1) fail('Only one key allowed in match expression');
  if (!(dialect.operators as ReadonlySet<string>).has(operator)) fail(`Unrecognized match type ${operator}`);
  const argument = expression[operator];
  switch (operator as Operator) {
    case 'prefix':
    case 'suffix':
      checkAffix(operator, argument, dialect);
      return;
    case 'equals-ignore-case':
      if (typeof argument !== 'string') fail('equals-ignore-case match pattern must be a string');
      return;
    case 'wildcard':
      if (typeof argument !== 'string') fail('wildcard match pattern must be a string');
      checkWildcard(argument as string);
      return;
    case 'anything-but':
      checkAnythingBut(argument, dialect);
      return;
    case 'numeric':
      checkNumeric(argument, dialect);
      return;
    case 'exists':
      if (typeof argument !== 'boolean') fail('exists match pattern must be either true or false.');
      return;
    case 'cidr': {
      // Event Ruler reports a non-string CIDR with the prefix message; kept for parity.
      if (typeof argument !== 'string') return fail('prefix match pattern must be a string');
      const parsed = parseCidr(argument);
      if (!parsed.ok) fail(parsed.problem);
      return;
    }
  }
}

function checkAffix(operator: string, argument: unknown, dialect: PatternDialect): void {
  if (typeof argument === 'string') return;
  if (isJsonObject(argument) && dialect.affixIgnoreCase) {
    const keys = Object.keys(argument);
    const inner = keys[0];
    const label = operator === 'prefix' ? 'Prefix' : 'Suffix';
    if (inner === undefined) fail(`${label} expression name not found`);
    if (inner !== 'equals-ignore-case') fail(`Unsupported ${operator} pattern: ${String(inner)}`);
    if (typeof argument[inner as string] !== 'string')
      fail('equals-ignore-case match pattern must be a string');
    if (keys.length > 1) fail('Only one key allowed in match expression');
    return;
  }
  fail(`${operator} match pattern must be a string`);
}

function checkWildcard(pattern: string): void {
  const compiled = compileWildcard(pattern);
  if (!compiled.ok) fail(compiled.problem);
}

function checkAnythingBut(argument: unknown, dialect: PatternDialect): void {
  if (typeof argument === 'string' || isFiniteNumber(argument)) return;
  if (Array.isArray(argument)) {
    let strings = 0;
    let numbers = 0;
    for (const item of argument) {
      if (typeof item === 'string') strings++;
      else if (isFiniteNumber(item)) numbers++;
      else fail('Inside anything but list, start|null|boolean is not supported.');
    }
    if (strings > 0 === numbers > 0) {
      fail('Inside anything but list, either all values are number or string, mixed type is not supported');
    }
    return;
  }
  if (isJsonObject(argument)) {
    const keys = Object.keys(argument);
    const inner = keys[0];
    if (inner === undefined) return fail('Anything-But expression name not found');
    if (!(dialect.anythingBut as ReadonlySet<string>).has(inner))
      fail(`Unsupported anything-but pattern: ${inner}`);
    if (keys.length > 1) fail('Only one key allowed in match expression');
    checkAnythingButOperand(inner as AnythingButOperator, argument[inner], dialect);
    return;
  }
  fail('Inside anything-but list, start|null|boolean is not supported.');
}

function checkAnythingButOperand(
  operator: AnythingButOperator,
  operand: unknown,
  dialect: PatternDialect,
): void {
  const typeProblem =
    operator === 'equals-ignore-case'
      ? 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.'
      : operator === 'wildcard'
        ? 'wildcard match pattern must be a string'
        : 'prefix/suffix match pattern must be a string';
  const items = Array.isArray(operand) && dialect.anythingButLists ? operand : [operand];
  for (const item of items) {
    if (typeof item !== 'string') return fail(typeProblem);
    if ((operator === 'prefix' || operator === 'suffix') && item === '')
      fail('Null prefix/suffix not allowed');
    if (operator === 'wildcard') checkWildcard(item);
  }
}

function checkNumeric(argument: unknown, dialect: PatternDialect): void {
  if (!Array.isArray(argument)) return fail('Value of numeric must be an array.');
  const [first, firstValue, second, secondValue] = argument as unknown[];
  if (typeof first !== 'string') return fail(`Invalid member in numeric match: ${tokenText(first)}`);
  if (!NUMERIC_OPERATORS.has(first)) fail(`Unrecognized numeric range operator: ${first}`);
  const bottom = checkNumericOperand(first === '=' ? 'equals' : first, firstValue, dialect);
  if (argument.length === 2) return;
  if (first !== '>' && first !== '>=') fail('Too many elements in numeric expression');
  if (typeof second !== 'string') return fail(`Bad value in numeric range: ${tokenText(second)}`);
  if (second !== '<' && second !== '<=') fail(`Bad numeric range operator: ${second}`);
  const top = checkNumericOperand(second, secondValue, dialect);
  if (argument.length > 4) fail('Too many terms in numeric range expression');
  if (bottom >= top) fail('Bottom must be less than top');
}

function checkNumericOperand(label: string, value: unknown, dialect: PatternDialect): number {
  if (!isFiniteNumber(value)) return fail(`Value of ${label} must be numeric`);
  if (Math.abs(value) > dialect.numericLimit) {
    fail(`Value must be between ${-dialect.numericLimit} and ${dialect.numericLimit}, inclusive`);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------------
// Wildcards
// ---------------------------------------------------------------------------------------------------------

type WildcardCompile =
  { readonly ok: true; readonly regex: RegExp } | { readonly ok: false; readonly problem: string };

const wildcardCache = new Map<string, WildcardCompile>();
const WILDCARD_CACHE_LIMIT = 500;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/**
 * `*` matches any run of characters (including none); `\*` is a literal asterisk and `\\` a literal backslash.
 * Two wildcards in a row, and a backslash before anything else, are refused (positions count from 1).
 */
export function compileWildcard(pattern: string): WildcardCompile {
  const cached = wildcardCache.get(pattern);
  if (cached !== undefined) return cached;
  let source = '';
  let result: WildcardCompile | undefined;
  for (let i = 0; i < pattern.length && result === undefined; i++) {
    const char = pattern.charAt(i);
    const next = pattern.charAt(i + 1);
    if (char === '*') {
      if (next === '*') result = { ok: false, problem: `Consecutive wildcard characters at pos ${i + 1}` };
      source += '[\\s\\S]*';
    } else if (char === '\\') {
      if (next === '*' || next === '\\') {
        source += escapeRegExp(next);
        i++;
      } else {
        result = { ok: false, problem: `Invalid escape character at pos ${i + 1}` };
      }
    } else {
      source += escapeRegExp(char);
    }
  }
  result ??= { ok: true, regex: new RegExp(`^${source}$`) };
  if (wildcardCache.size >= WILDCARD_CACHE_LIMIT) wildcardCache.clear();
  wildcardCache.set(pattern, result);
  return result;
}

const wildcardMatches = (pattern: unknown, value: string): boolean => {
  if (typeof pattern !== 'string') return false;
  const compiled = compileWildcard(pattern);
  return compiled.ok && compiled.regex.test(value);
};

// ---------------------------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------------------------

/**
 * True when `document` satisfies `pattern`. The pattern is assumed to have passed {@link checkPattern};
 * anything malformed simply fails to match rather than throwing.
 */
export function matchesPattern(pattern: JsonObject, document: unknown, options: MatchOptions): boolean {
  return matchObject(pattern, document, options);
}

function matchObject(pattern: JsonObject, document: unknown, options: MatchOptions): boolean {
  const fields = isJsonObject(document) ? document : undefined;
  for (const [key, sub] of Object.entries(pattern)) {
    if (key === OR_KEY && Array.isArray(sub)) {
      const branches: readonly unknown[] = sub;
      if (!branches.some((branch) => isJsonObject(branch) && matchObject(branch, document, options)))
        return false;
      continue;
    }
    const value = fields !== undefined && Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (Array.isArray(sub)) {
      if (!matchLeaf(sub, value, options)) return false;
    } else if (isJsonObject(sub)) {
      if (!matchNested(sub, value, options)) return false;
    } else {
      return false;
    }
  }
  return true;
}

/** A nested pattern object against whatever the document holds at that key. */
function matchNested(pattern: JsonObject, value: unknown, options: MatchOptions): boolean {
  if (!Array.isArray(value)) return matchObject(pattern, value, options);
  const elements = objectsIn(value);
  if (elements.length === 0) return matchObject(pattern, undefined, options);
  return elements.some((element) => matchObject(pattern, element, options));
}

const objectsIn = (values: readonly unknown[]): JsonObject[] =>
  values.flatMap((value): JsonObject[] => {
    if (Array.isArray(value)) return objectsIn(value);
    return isJsonObject(value) ? [value] : [];
  });

/** The scalar values a leaf condition sees: arrays flattened, objects dropped. */
const scalarsIn = (value: unknown): unknown[] => {
  if (value === undefined || isJsonObject(value)) return [];
  if (Array.isArray(value)) return value.flatMap(scalarsIn);
  return [value];
};

function matchLeaf(conditions: readonly unknown[], value: unknown, options: MatchOptions): boolean {
  const values = scalarsIn(value);
  const present = values.some((v) => !(options.nullIsAbsent && v === null));
  return conditions.some((condition) => {
    if (isJsonObject(condition) && Object.hasOwn(condition, 'exists')) {
      return condition['exists'] === true ? present : condition['exists'] === false && !present;
    }
    return values.some((v) => matchValue(condition, v));
  });
}

const lower = (text: string): string => text.toLowerCase();

/** Whether `argument` (a string, or `{"equals-ignore-case": string}`) is a prefix/suffix of `value`. */
function affixMatches(argument: unknown, value: unknown, atStart: boolean): boolean {
  if (typeof value !== 'string') return false;
  const test = (affix: string, text: string): boolean =>
    atStart ? text.startsWith(affix) : text.endsWith(affix);
  if (typeof argument === 'string') return test(argument, value);
  if (isJsonObject(argument)) {
    const folded = argument['equals-ignore-case'];
    return typeof folded === 'string' && test(lower(folded), lower(value));
  }
  return false;
}

const equalsIgnoreCase = (argument: unknown, value: unknown): boolean =>
  typeof argument === 'string' && typeof value === 'string' && lower(argument) === lower(value);

/** One leaf condition (a literal or a one-key match expression) against one scalar value. */
function matchValue(condition: unknown, value: unknown): boolean {
  if (!isJsonObject(condition)) return condition === value;
  const [operator, argument] = Object.entries(condition)[0] ?? [];
  switch (operator) {
    case 'prefix':
      return affixMatches(argument, value, true);
    case 'suffix':
      return affixMatches(argument, value, false);
    case 'equals-ignore-case':
      return equalsIgnoreCase(argument, value);
    case 'wildcard':
      return typeof value === 'string' && wildcardMatches(argument, value);
    case 'numeric':
      return isFiniteNumber(value) && numericMatches(argument, value);
    case 'cidr':
      return typeof value === 'string' && cidrMatches(argument, value);
    case 'anything-but':
      return !anythingButExcludes(argument, value);
    default:
      return false;
  }
}

/** Event Ruler compares numbers as fixed-point values with six decimal places. */
const sixDecimals = (value: number): number => Math.round(value * 1e6);

function numericMatches(argument: unknown, actual: number): boolean {
  if (!Array.isArray(argument) || argument.length < 2) return false;
  const value = sixDecimals(actual);
  for (let i = 0; i + 1 < argument.length; i += 2) {
    const operator: unknown = argument[i];
    const raw: unknown = argument[i + 1];
    if (!isFiniteNumber(raw)) return false;
    const operand = sixDecimals(raw);
    const holds =
      operator === '='
        ? value === operand
        : operator === '<'
          ? value < operand
          : operator === '<='
            ? value <= operand
            : operator === '>'
              ? value > operand
              : operator === '>='
                ? value >= operand
                : false;
    if (!holds) return false;
  }
  return true;
}

function cidrMatches(argument: unknown, value: string): boolean {
  if (typeof argument !== 'string') return false;
  const parsed = parseCidr(argument);
  return parsed.ok && ipInRange(value, parsed.range);
}

/**
 * Whether `anything-but` rules `value` out. Plain values and lists exclude equal values of the same JSON type;
 * the `prefix` / `suffix` / `equals-ignore-case` / `wildcard` forms exclude only strings, so a number or null
 * passes them.
 */
function anythingButExcludes(argument: unknown, value: unknown): boolean {
  if (Array.isArray(argument)) return argument.some((item) => item === value);
  if (!isJsonObject(argument)) return argument === value;
  const [operator, operand] = Object.entries(argument)[0] ?? [];
  if (typeof value !== 'string') return false;
  const items: readonly unknown[] = Array.isArray(operand) ? operand : [operand];
  return items.some((item) => {
    if (typeof item !== 'string') return false;
    switch (operator) {
      case 'prefix':
        return value.startsWith(item);
      case 'suffix':
        return value.endsWith(item);
      case 'equals-ignore-case':
        return lower(item) === lower(value);
      case 'wildcard':
        return wildcardMatches(item, value);
      default:
        return false;
    }
  });
}
