import type * as t from 'io-ts';
import { type CustomTypeName, shapeOf } from './codec-shape';

export { UnsupportedCodecError } from './codec-shape';

/*
 * io-ts codecs to JSON Schema (draft 2020-12), for the codec kinds listed in codec-shape.ts. Objects
 * leave `additionalProperties` open: the codecs use `t.type`, which tolerates unknown fields, and
 * consumers must ignore fields they do not know.
 */

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

export type JsonSchema = Record<string, unknown>;

/** A codec hoisted into `$defs` under `name` and referenced with `$ref` wherever it occurs. */
export interface NamedCodec {
  readonly name: string;
  readonly codec: t.Mixed;
}

/** Two definitions with the same name, or one codec registered twice. */
export class DuplicateDefinitionError extends Error {
  readonly code = 'DUPLICATE_DEFINITION';

  constructor(readonly definition: string) {
    super(`JSON Schema definition ${definition} is registered twice`);
    this.name = 'DuplicateDefinitionError';
  }
}

const CUSTOM_TYPE_SCHEMAS: Readonly<Record<CustomTypeName, JsonSchema>> = {
  NonEmptyString: { type: 'string', minLength: 1 },
  PositiveInteger: { type: 'integer', minimum: 1 },
  NonNegativeInteger: { type: 'integer', minimum: 0 },
  IsoDateTime: { type: 'string', format: 'date-time' },
  CurrencyCode: { type: 'string', pattern: '^[A-Z]{3}$' },
};

export const definitionRef = (name: string): string => `#/$defs/${name}`;

const isPlainObjectSchema = (schema: JsonSchema): boolean =>
  schema.type === 'object' &&
  Object.keys(schema).every((k) => ['type', 'properties', 'required'].includes(k));

const propertiesOf = (schema: JsonSchema): Record<string, JsonSchema> =>
  (schema.properties ?? {}) as Record<string, JsonSchema>;

const requiredOf = (schema: JsonSchema): string[] => (schema.required ?? []) as string[];

/**
 * `{ type: 'object', properties, required }` objects with distinct property names merge into one
 * object (what `t.intersection([t.type(...), t.partial(...)])` means); anything else stays an `allOf`.
 */
const intersect = (members: JsonSchema[]): JsonSchema => {
  const names = members.flatMap((m) => Object.keys(propertiesOf(m)));
  if (!members.every(isPlainObjectSchema) || new Set(names).size !== names.length) return { allOf: members };
  const required = members.flatMap(requiredOf);
  return {
    type: 'object',
    properties: Object.assign({}, ...members.map(propertiesOf)) as Record<string, JsonSchema>,
    ...(required.length > 0 ? { required } : {}),
  };
};

export class JsonSchemaConverter {
  private readonly refs = new Map<t.Mixed, string>();

  constructor(private readonly named: readonly NamedCodec[] = []) {
    const names = new Set<string>();
    for (const { name, codec } of named) {
      if (names.has(name) || this.refs.has(codec)) throw new DuplicateDefinitionError(name);
      names.add(name);
      this.refs.set(codec, name);
    }
  }

  /** The schema of `codec`; registered codecs (here or nested) become a `$ref`. */
  toSchema(codec: t.Mixed, path = ''): JsonSchema {
    const name = this.refs.get(codec);
    return name === undefined ? this.convert(codec, path) : { $ref: definitionRef(name) };
  }

  /** A `$defs` entry for every registered codec, in registration order. */
  definitions(): Record<string, JsonSchema> {
    return Object.fromEntries(this.named.map(({ name, codec }) => [name, this.convert(codec, name)]));
  }

  private convert(codec: t.Mixed, path: string): JsonSchema {
    const shape = shapeOf(codec, path);
    switch (shape.kind) {
      case 'object': {
        const keys = Object.keys(shape.props);
        return {
          type: 'object',
          properties: Object.fromEntries(
            Object.entries(shape.props).map(([key, prop]) => [key, this.toSchema(prop, `${path}.${key}`)]),
          ),
          ...(shape.required && keys.length > 0 ? { required: keys } : {}),
        };
      }
      case 'intersection':
        return intersect(shape.members.map((member) => this.toSchema(member, path)));
      case 'readonly':
        // Immutability is a TypeScript matter; the JSON is the same.
        return this.toSchema(shape.inner, path);
      case 'array':
        return { type: 'array', items: this.toSchema(shape.item, `${path}[]`) };
      case 'keyof':
        return { type: 'string', enum: [...shape.keys] };
      case 'literal':
        return { const: shape.value };
      case 'union': {
        const members = shape.members.map((member) => this.toSchema(member, path));
        return members.every((m) => Object.keys(m).length === 1 && 'const' in m)
          ? { enum: members.map((m) => m.const) }
          : { anyOf: members };
      }
      case 'string':
        return { type: 'string' };
      case 'number':
        return { type: 'number' };
      case 'boolean':
        return { type: 'boolean' };
      case 'custom':
        return { ...CUSTOM_TYPE_SCHEMAS[shape.name] };
    }
  }
}

/** A standalone draft 2020-12 document for one codec, with `$defs` for the given named codecs. */
export const codecToJsonSchema = (codec: t.Mixed, named: readonly NamedCodec[] = []): JsonSchema => {
  const converter = new JsonSchemaConverter(named);
  const schema = converter.toSchema(codec, codec.name);
  return {
    $schema: JSON_SCHEMA_DIALECT,
    ...schema,
    ...(named.length > 0 ? { $defs: converter.definitions() } : {}),
  };
};
