import type * as t from 'io-ts';
import { type CustomTypeName, shapeOf, UnsupportedCodecError } from './codec-shape';

/*
 * Deterministic example values built by walking a codec. A property takes its value from `hints`
 * (by property name) when one is given, so examples read like real data; everything else gets a fixed
 * value per codec kind. Optional (`t.partial`) properties are included, so the example shows them.
 * The result is not trusted: the catalogue decodes every example with its codec before using it.
 */

/** Example values by property name, wherever the property occurs (`sku` in items and reservations). */
export type ExampleHints = Readonly<Record<string, unknown>>;

const CUSTOM_TYPE_EXAMPLES: Readonly<Record<CustomTypeName, unknown>> = {
  NonEmptyString: 'example',
  PositiveInteger: 1,
  NonNegativeInteger: 0,
  IsoDateTime: '2026-11-26T09:30:00.000Z',
  CurrencyCode: 'EUR',
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const exampleOf = (codec: t.Mixed, hints: ExampleHints = {}, path = ''): unknown => {
  const shape = shapeOf(codec, path);
  switch (shape.kind) {
    case 'object':
      return Object.fromEntries(
        Object.entries(shape.props).map(([key, prop]) => [
          key,
          Object.hasOwn(hints, key) ? hints[key] : exampleOf(prop, hints, `${path}.${key}`),
        ]),
      );
    case 'intersection': {
      const members = shape.members.map((member) => exampleOf(member, hints, path));
      if (!members.every(isRecord)) {
        throw new UnsupportedCodecError(codec.name, 'IntersectionType of non-objects', path);
      }
      return Object.assign({}, ...members) as Record<string, unknown>;
    }
    case 'readonly':
      return exampleOf(shape.inner, hints, path);
    case 'array':
      return [exampleOf(shape.item, hints, `${path}[]`)];
    case 'keyof': {
      const [first] = shape.keys;
      if (first === undefined) throw new UnsupportedCodecError(codec.name, 'empty KeyofType', path);
      return first;
    }
    case 'literal':
      return shape.value;
    case 'union': {
      const [first] = shape.members;
      if (first === undefined) throw new UnsupportedCodecError(codec.name, 'empty UnionType', path);
      return exampleOf(first, hints, path);
    }
    case 'string':
      return 'example';
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'custom':
      return CUSTOM_TYPE_EXAMPLES[shape.name];
  }
};
