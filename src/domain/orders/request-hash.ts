/**
 * Canonical JSON of a value: object keys sorted (by UTF-16 code unit, like Array.prototype.sort),
 * no whitespace, otherwise exactly JSON.stringify's output. Two bodies that differ only in key order or
 * formatting give the same string, so a replayed request with an idempotency key is recognised even
 * when a client re-serialises it. The caller hashes the result (node:crypto stays out of the domain).
 *
 * Meant for JSON data (parsed request bodies). As in JSON.stringify: `undefined`, functions and
 * symbols are dropped from objects and become `null` in arrays; non-finite numbers become `null`;
 * `toJSON` is honoured. A top-level value with no JSON form gives `"null"`, so the result is always a
 * string. BigInts are written as plain integers.
 */
export const canonicalJson = (value: unknown): string => write(prepare(value)) ?? 'null';

const prepare = (value: unknown): unknown =>
  typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function'
    ? (value as { toJSON: () => unknown }).toJSON()
    : value;

/** Returns undefined for values JSON has no form for, so callers can drop or null them. */
const write = (value: unknown): string | undefined => {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((v) => write(prepare(v)) ?? 'null').join(',')}]`;
      return writeObject(value as Record<string, unknown>);
  }
};

const writeObject = (value: Record<string, unknown>): string => {
  const members: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const written = write(prepare(value[key]));
    if (written !== undefined) members.push(`${JSON.stringify(key)}:${written}`);
  }
  return `{${members.join(',')}}`;
};
