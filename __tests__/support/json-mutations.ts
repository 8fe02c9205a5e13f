/** Helpers for tests that mutate one leaf of a JSON document at a time (schema vs codec agreement). */

export type Path = readonly (string | number)[];

/** Stands for "remove this field" in a replacement table. */
export const REMOVE = Symbol('remove');

/** The path of every leaf (non-object value) of `value`. */
export const leaves = (value: unknown, at: Path = []): Path[] =>
  typeof value === 'object' && value !== null
    ? Object.entries(value).flatMap(([key, child]) =>
        leaves(child, [...at, Array.isArray(value) ? Number(key) : key]),
      )
    : [at];

/** A copy of `input` with the leaf at `at` set to `value`, or removed for REMOVE. */
export const withValue = (input: unknown, at: Path, value: unknown): unknown => {
  const copy = structuredClone(input);
  let parent = copy as Record<string | number, unknown>;
  for (const key of at.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = at[at.length - 1] as string | number;
  if (value === REMOVE) Reflect.deleteProperty(parent, last);
  else parent[last] = value;
  return copy;
};
