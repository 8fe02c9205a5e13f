import * as t from 'io-ts';
import type { FieldIssue } from './errors';

/**
 * Turns io-ts decode errors into FieldIssues with paths in the same notation the HTTP validation
 * uses (`items[0].sku`), so every layer reports problems the same way.
 */
export const issuesFromDecodeErrors = (errors: t.Errors, prefix = ''): FieldIssue[] => {
  const seen = new Set<string>();
  const issues: FieldIssue[] = [];
  for (const error of errors) {
    const path = pathOf(error.context, prefix);
    const last = error.context[error.context.length - 1];
    const rule = error.value === undefined ? 'required' : 'type';
    const key = `${path}\u0000${rule}`;
    // A union reports one error per branch; one issue per place is enough.
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({
      path,
      rule,
      message: rule === 'required' ? 'is required' : `must be ${last?.type.name ?? 'valid'}`,
    });
  }
  return issues;
};

const pathOf = (context: t.Context, prefix: string): string => {
  let path = prefix;
  for (let i = 1; i < context.length; i += 1) {
    const parent = unwrap(context[i - 1]?.type);
    const key = context[i]?.key ?? '';
    // Unions and intersections add an entry per member; those indexes are not part of the data's shape.
    if (parent instanceof t.UnionType || parent instanceof t.IntersectionType) continue;
    if (parent instanceof t.ArrayType || parent instanceof t.ReadonlyArrayType) path += `[${key}]`;
    else path += path === '' ? key : `.${key}`;
  }
  return path;
};

// Wrappers validate with their inner codec's context, so the shape is decided by what they wrap.
const unwrap = (codec: t.Decoder<unknown, unknown> | undefined): t.Decoder<unknown, unknown> | undefined => {
  let current = codec;
  while (
    current instanceof t.ReadonlyType ||
    current instanceof t.ExactType ||
    current instanceof t.RefinementType
  ) {
    current = (current as { type: t.Decoder<unknown, unknown> }).type;
  }
  return current;
};
