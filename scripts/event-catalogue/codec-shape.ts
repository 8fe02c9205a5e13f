import * as t from 'io-ts';

/*
 * The io-ts codec kinds the event catalogue understands, read off a codec in one place so that the
 * JSON Schema converter and the example generator cannot disagree about them. Anything else (records,
 * tuples, refinements, exact types, recursion...) is refused with an UnsupportedCodecError: a new kind
 * must be taught here before it can reach the catalogue, rather than silently produce a wrong schema.
 */

/** A codec kind the catalogue cannot describe. Names the codec and where it was met. */
export class UnsupportedCodecError extends Error {
  readonly code = 'UNSUPPORTED_CODEC';

  constructor(
    readonly codecName: string,
    readonly kind: string,
    readonly path: string,
  ) {
    super(
      `Unsupported codec ${codecName} (${kind}) at ${path || '(root)'}: ` +
        'teach scripts/event-catalogue/codec-shape.ts about this codec kind before using it in an event',
    );
    this.name = 'UnsupportedCodecError';
  }
}

/** Custom `new t.Type(name, ...)` codecs of src/domain, recognised by name. */
export const CUSTOM_TYPE_NAMES = [
  'NonEmptyString',
  'PositiveInteger',
  'NonNegativeInteger',
  'IsoDateTime',
  'CurrencyCode',
] as const;
export type CustomTypeName = (typeof CUSTOM_TYPE_NAMES)[number];

const isCustomTypeName = (name: string): name is CustomTypeName =>
  (CUSTOM_TYPE_NAMES as readonly string[]).includes(name);

export type CodecShape =
  /** `t.type` (every property required) or `t.partial` (every property optional). */
  | { readonly kind: 'object'; readonly props: Readonly<Record<string, t.Mixed>>; readonly required: boolean }
  | { readonly kind: 'intersection'; readonly members: readonly t.Mixed[] }
  | { readonly kind: 'readonly'; readonly inner: t.Mixed }
  /** `t.array` or `t.readonlyArray`. */
  | { readonly kind: 'array'; readonly item: t.Mixed }
  | { readonly kind: 'keyof'; readonly keys: readonly string[] }
  | { readonly kind: 'literal'; readonly value: string | number | boolean }
  | { readonly kind: 'union'; readonly members: readonly t.Mixed[] }
  | { readonly kind: 'string' }
  | { readonly kind: 'number' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'custom'; readonly name: CustomTypeName };

/**
 * The shape of `codec`, or an UnsupportedCodecError. `path` locates the codec for that error
 * (`OrderPlaced.data.items[]`). io-ts codecs are told apart by their `_tag`, as io-ts intends; the
 * custom types carry none and are recognised by name.
 */
export const shapeOf = (codec: t.Mixed, path: string): CodecShape => {
  const tag: unknown = (codec as { readonly _tag?: unknown })._tag;
  switch (tag) {
    case 'InterfaceType':
      return { kind: 'object', props: (codec as t.InterfaceType<t.Props>).props, required: true };
    case 'PartialType':
      return { kind: 'object', props: (codec as t.PartialType<t.Props>).props, required: false };
    case 'IntersectionType':
      return { kind: 'intersection', members: (codec as t.IntersectionType<t.Mixed[]>).types };
    case 'ReadonlyType':
      return { kind: 'readonly', inner: (codec as t.ReadonlyType<t.Mixed>).type };
    case 'ArrayType':
      return { kind: 'array', item: (codec as t.ArrayType<t.Mixed>).type };
    case 'ReadonlyArrayType':
      return { kind: 'array', item: (codec as t.ReadonlyArrayType<t.Mixed>).type };
    case 'KeyofType':
      return { kind: 'keyof', keys: Object.keys((codec as t.KeyofType<Record<string, unknown>>).keys) };
    case 'LiteralType':
      return { kind: 'literal', value: (codec as t.LiteralType<string | number | boolean>).value };
    case 'UnionType':
      return { kind: 'union', members: (codec as t.UnionType<t.Mixed[]>).types };
    case 'StringType':
      return { kind: 'string' };
    case 'NumberType':
      return { kind: 'number' };
    case 'BooleanType':
      return { kind: 'boolean' };
    case undefined:
      if (isCustomTypeName(codec.name)) return { kind: 'custom', name: codec.name };
      throw new UnsupportedCodecError(codec.name, 'custom t.Type', path);
    default:
      throw new UnsupportedCodecError(codec.name, String(tag), path);
  }
};
