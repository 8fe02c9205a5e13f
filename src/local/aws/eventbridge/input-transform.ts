/**
 * What a rule target receives: the whole event, a constant `Input`, the part of the event an `InputPath`
 * selects, or an `InputTransformer` template filled from `InputPathsMap` (EventBridge User Guide,
 * "Amazon EventBridge input transformation").
 */

import type { JsonObject } from '../shared/json-input';

/** A JSONPath as EventBridge evaluates it: `$`, `.name`, `['name']`, `[0]` and the `*` wildcard. */
type Step =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'wildcard' };

export class InvalidJsonPathError extends Error {
  override readonly name = 'InvalidJsonPathError';
}

export function parseJsonPath(path: string): Step[] {
  if (!path.startsWith('$')) throw new InvalidJsonPathError(`JSON path must start with $: ${path}`);
  const steps: Step[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      if (path[i + 1] === '*') {
        steps.push({ kind: 'wildcard' });
        i += 2;
        continue;
      }
      let j = i + 1;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j += 1;
      const name = path.slice(i + 1, j);
      if (name === '') throw new InvalidJsonPathError(`Empty name in JSON path: ${path}`);
      steps.push({ kind: 'name', name });
      i = j;
    } else if (c === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) throw new InvalidJsonPathError(`Unclosed [ in JSON path: ${path}`);
      const inner = path.slice(i + 1, close).trim();
      if (inner === '*') steps.push({ kind: 'wildcard' });
      else if (/^\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ kind: 'name', name: inner.slice(1, -1) });
      else throw new InvalidJsonPathError(`Unsupported JSON path segment [${inner}]: ${path}`);
      i = close + 1;
    } else {
      throw new InvalidJsonPathError(`Unexpected ${c} in JSON path: ${path}`);
    }
  }
  return steps;
}

/** The value a path selects; `undefined` when absent. A wildcard path yields the list of matches. */
export function evaluateJsonPath(document: unknown, path: string): unknown {
  const steps = parseJsonPath(path);
  const wildcard = steps.some((step) => step.kind === 'wildcard');
  let current: unknown[] = [document];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      if (step.kind === 'name') {
        if (typeof value === 'object' && value !== null && !Array.isArray(value) && step.name in value) {
          next.push((value as JsonObject)[step.name]);
        }
      } else if (step.kind === 'index') {
        if (Array.isArray(value) && step.index < value.length) next.push(value[step.index]);
      } else if (Array.isArray(value)) {
        next.push(...value);
      } else if (typeof value === 'object' && value !== null) {
        next.push(...Object.values(value));
      }
    }
    current = next;
  }
  return wildcard ? current : current[0];
}

export interface InputTransformer {
  readonly InputPathsMap?: Readonly<Record<string, string>>;
  readonly InputTemplate: string;
}

export interface TransformContext {
  readonly ruleArn: string;
  readonly ruleName: string;
  readonly ingestionTime: string;
}

/** Variables EventBridge defines itself; InputPathsMap may not redefine them. */
export const RESERVED_VARIABLES: ReadonlySet<string> = new Set([
  'aws.events.rule-arn',
  'aws.events.rule-name',
  'aws.events.event',
  'aws.events.event.json',
  'aws.events.event.ingestion-time',
]);

const stringInsideQuotes = (value: unknown): string => {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
};

/**
 * Fills an InputTemplate. Inside a JSON string (`"text <var>"`) a variable is inserted as raw text (strings
 * unquoted and, as on AWS, not escaped); elsewhere it is inserted as a JSON value, so `{"state": <state>}`
 * gives `{"state": "RUNNING"}`. A path that selects nothing is an empty string inside quotes and `null`
 * elsewhere. `<...>` that names no variable is left as written.
 */
export function applyInputTransformer(
  transformer: InputTransformer,
  event: JsonObject,
  context: TransformContext,
): string {
  const variables = new Map<string, unknown>();
  for (const [name, path] of Object.entries(transformer.InputPathsMap ?? {})) {
    variables.set(name, evaluateJsonPath(event, path));
  }
  const withoutDetail = Object.fromEntries(Object.entries(event).filter(([key]) => key !== 'detail'));
  const predefined: Record<string, unknown> = {
    'aws.events.rule-arn': context.ruleArn,
    'aws.events.rule-name': context.ruleName,
    'aws.events.event.ingestion-time': context.ingestionTime,
    'aws.events.event': withoutDetail,
    'aws.events.event.json': event,
  };
  const template = transformer.InputTemplate;
  let output = '';
  let inString = false;
  let i = 0;
  while (i < template.length) {
    const c = template[i] as string;
    if (c === '<') {
      const close = template.indexOf('>', i + 1);
      const name = close > i ? template.slice(i + 1, close) : '';
      const known = variables.has(name) || name in predefined;
      if (known) {
        const value = variables.has(name) ? variables.get(name) : predefined[name];
        output += inString ? stringInsideQuotes(value) : value === undefined ? 'null' : JSON.stringify(value);
        i = close + 1;
        continue;
      }
    }
    if (c === '\\' && inString) {
      output += template.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '"') inString = !inString;
    output += c;
    i += 1;
  }
  return output;
}
