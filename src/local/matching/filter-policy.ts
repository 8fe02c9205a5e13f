/**
 * SNS subscription filter policies: validation (Subscribe, SetSubscriptionAttributes) and matching (delivery).
 *
 * Operators: exact strings, numbers, booleans and null; `prefix`; `suffix`; `equals-ignore-case`; `anything-but`
 * with a value, a list of strings or of numbers, `{prefix}` or `{suffix}`; `numeric`; `exists`; `cidr`; and
 * `$or`. `wildcard` and the case-insensitive forms of `prefix`/`suffix`/`anything-but` are EventBridge-only.
 *
 * - `MessageAttributes` scope: the policy is flat. `String` attributes are strings, `Number` attributes are
 *   numbers, `String.Array` attributes are JSON arrays that match when any element does; `Binary` attributes
 *   are ignored, and a message with no (non-binary) attributes matches no policy.
 * - `MessageBody` scope: the body is parsed as a JSON object and the policy may be nested; a body that is not
 *   a JSON object matches nothing.
 *
 * In both scopes `exists: true` needs a non-null value, as the SNS documentation states.
 */

import { AwsServiceError } from '../aws/protocol';
import {
  checkPattern,
  isJsonObject,
  matchesPattern,
  OR_KEY,
  PatternSyntaxError,
  type AnythingButOperator,
  type JsonObject,
  type PatternDialect,
} from './engine';

export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

export interface SnsMessageAttribute {
  readonly DataType: string;
  readonly StringValue?: string;
}

export interface FilterableMessage {
  readonly attributes: Readonly<Record<string, SnsMessageAttribute>>;
  readonly body: string;
}

/** SNS's `InvalidParameter` error for a filter policy it refuses. */
export class InvalidFilterPolicyError extends AwsServiceError {
  constructor(
    readonly reason: string,
    /** Most reasons are reported under `FilterPolicy:`; the scope mismatch is not. */
    qualified = true,
  ) {
    super('InvalidParameter', `Invalid parameter: ${qualified ? 'FilterPolicy: ' : ''}${reason}`);
  }
}

/** Documented SNS limits. */
export const FILTER_POLICY_LIMITS = {
  /** Top-level keys (all keys in the flat attribute scope). */
  maxKeys: 5,
  /** Product of the value counts of every leaf array (times its depth in the body scope). */
  maxCombinations: 150,
  /** Operands of `numeric`: -10^9 to 10^9. */
  numericLimit: 1e9,
} as const;

/**
 * `anything-but` forms SNS accepts. `suffix` is here because the brief for this emulator asked for it; AWS's
 * documentation lists only `prefix`, and LocalStack recorded real SNS refusing `{"anything-but": {"suffix"}}`
 * in 2024. Remove it here to refuse it as well.
 */
const SNS_ANYTHING_BUT: ReadonlySet<AnythingButOperator> = new Set<AnythingButOperator>(['prefix', 'suffix']);

const SNS: PatternDialect = {
  operators: new Set(['prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'numeric', 'exists', 'cidr']),
  anythingBut: SNS_ANYTHING_BUT,
  anythingButLists: false,
  affixIgnoreCase: false,
  numericLimit: FILTER_POLICY_LIMITS.numericLimit,
  emptyRootAllowed: true,
};

/** Throws {@link InvalidFilterPolicyError} unless `policy` (parsed JSON) is valid for `scope`. */
export function validateFilterPolicy(policy: unknown, scope: FilterPolicyScope): void {
  try {
    checkPattern(policy, SNS);
  } catch (error) {
    if (error instanceof PatternSyntaxError) throw new InvalidFilterPolicyError(error.reason);
    throw error;
  }
  const root = policy as JsonObject;
  if (scope === 'MessageAttributes' && isNested(root)) {
    throw new InvalidFilterPolicyError(
      'Filter policy scope MessageAttributes does not support nested filter policy',
      false,
    );
  }
  if (topLevelKeys(root) > FILTER_POLICY_LIMITS.maxKeys) {
    throw new InvalidFilterPolicyError(
      `Filter policy can not have more than ${FILTER_POLICY_LIMITS.maxKeys} keys`,
    );
  }
  if (combinations(root) > FILTER_POLICY_LIMITS.maxCombinations) {
    throw new InvalidFilterPolicyError('Filter policy is too complex');
  }
}

/** Whether any key (outside `$or` itself) holds an object rather than a list of conditions. */
const isNested = (policy: JsonObject): boolean =>
  Object.entries(policy).some(([key, value]) =>
    key === OR_KEY && Array.isArray(value)
      ? value.some((branch) => isJsonObject(branch) && isNested(branch))
      : isJsonObject(value),
  );

/** Top-level keys, where a `$or` counts as the largest of its branches. */
const topLevelKeys = (policy: JsonObject): number =>
  Object.entries(policy).reduce((count, [key, value]) => {
    if (key !== OR_KEY || !Array.isArray(value)) return count + 1;
    const branches = value.filter(isJsonObject);
    return count + Math.max(0, ...branches.map(topLevelKeys));
  }, 0);

/**
 * The documented complexity: multiply the number of values of every leaf array, each also multiplied by its
 * nesting depth (1 at the top); the branches of a `$or` add up.
 */
function combinations(policy: JsonObject, depth = 1, carried = 1): number {
  let total = carried;
  for (const [key, value] of Object.entries(policy)) {
    if (key === OR_KEY && Array.isArray(value)) {
      const from = total;
      total = value.filter(isJsonObject).reduce((sum, branch) => sum + combinations(branch, depth, from), 0);
    } else if (Array.isArray(value)) {
      total *= value.length * depth;
    } else if (isJsonObject(value)) {
      total = combinations(value, depth + 1, total);
    }
  }
  return total;
}

/** The attributes as the JSON document the policy is matched against; binary attributes are left out. */
function attributeDocument(attributes: Readonly<Record<string, SnsMessageAttribute>>): JsonObject {
  const document: JsonObject = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    const text = attribute.StringValue ?? '';
    const type = attribute.DataType;
    if (type === 'String.Array') {
      document[name] = parseArray(text) ?? text;
    } else if (type === 'Number' || type.startsWith('Number.')) {
      const number = Number(text);
      document[name] = text.trim() !== '' && Number.isFinite(number) ? number : text;
    } else if (type === 'String' || type.startsWith('String.')) {
      document[name] = text;
    }
  }
  return document;
}

function parseArray(text: string): unknown[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function parseObject(text: string): JsonObject | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isJsonObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when the message passes `policy` in `scope`. The policy should have passed {@link validateFilterPolicy};
 * a malformed one does not throw here, it just fails to match.
 */
export function matchesFilterPolicy(
  policy: object,
  scope: FilterPolicyScope,
  message: FilterableMessage,
): boolean {
  if (!isJsonObject(policy)) return false;
  if (Object.keys(policy).length === 0) return true;
  const document =
    scope === 'MessageBody' ? parseObject(message.body) : attributeDocument(message.attributes);
  if (document === undefined) return false;
  if (scope === 'MessageAttributes' && Object.keys(document).length === 0) return false;
  return matchesPattern(policy, document, { nullIsAbsent: true });
}
