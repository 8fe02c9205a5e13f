import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import {
  CurrencyCode,
  decodeOrderEnvelope,
  envelopeCodec,
  EVENT_SCHEMA_VERSIONS,
  EVENT_SOURCES,
  eventDataCodecs,
  IsoDateTime,
  NonEmptyString,
  NonNegativeInteger,
  ORDER_EVENT_TYPES,
  type OrderEventType,
  PositiveInteger,
} from '../../../src/domain/orders';
import { alertDataCodecs } from '../../../src/domain/analytics/alerts';
import {
  ALERT_EVENT_MEANINGS,
  ALERT_EVENT_TYPES,
  EVENT_MEANINGS,
  exampleAlertDetail,
  exampleDetail,
  renderCatalogue,
  SCHEMA_ID,
  SHARED_DEFINITIONS,
} from '../../../scripts/event-catalogue/catalogue';
import { exampleOf } from '../../../scripts/event-catalogue/examples';
import {
  codecToJsonSchema,
  JSON_SCHEMA_DIALECT,
  type JsonSchema,
  JsonSchemaConverter,
  UnsupportedCodecError,
} from '../../../scripts/event-catalogue/json-schema';
import { leaves, REMOVE, withValue } from '../../support/json-mutations';

const ROOT = path.resolve(__dirname, '../../..');
const MARKDOWN_FILE = 'docs/events.md';
const SCHEMA_FILE = 'docs/events.schema.json';

const readDoc = (file: string): string | undefined => {
  const absolute = path.join(ROOT, file);
  return existsSync(absolute) ? readFileSync(absolute, 'utf8') : undefined;
};

const catalogue = renderCatalogue();
const schema = catalogue.schema as JsonSchema & { $defs: Record<string, JsonSchema> };

/** The failure message names the fix; a plain equality would only show a diff. */
const freshness = (file: string, upToDate: boolean): string =>
  upToDate ? 'up to date' : `${file} differs from the codecs: run \`npm run docs:events\` and commit it`;

/** The `detail` example printed in an event's section of the markdown. */
const markdownExample = (type: OrderEventType): unknown => {
  const section = catalogue.markdown.split(/^### /m).find((s) => s.startsWith(`${type}\n`));
  const block = section?.match(/```json\n([\s\S]*?)\n```/)?.[1];
  return block === undefined ? undefined : JSON.parse(block);
};

const newAjv = () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  // The catalogue's own annotations; strict mode refuses unknown keywords otherwise.
  ajv.addVocabulary(['x-eventbridge', 'x-schema-version']);
  return ajv;
};

const ajv = newAjv();
ajv.addSchema(schema);
const validatorOf = (type: OrderEventType) => {
  const validate = ajv.getSchema(`${SCHEMA_ID}#/$defs/${type}`);
  if (!validate) throw new TypeError(`no schema for ${type}`);
  return validate;
};

const clone = <T>(value: T): T => structuredClone(value);
const dataCodec = (type: OrderEventType): t.Mixed => eventDataCodecs[type];

describe('committed catalogue', () => {
  it(`${MARKDOWN_FILE} is what renderCatalogue produces`, () => {
    const onDisk = readDoc(MARKDOWN_FILE);
    expect(freshness(MARKDOWN_FILE, onDisk === catalogue.markdown)).toBe('up to date');
  });

  it(`${SCHEMA_FILE} is what renderCatalogue produces (same keys, same order)`, () => {
    const onDisk = readDoc(SCHEMA_FILE);
    const same = onDisk !== undefined && JSON.stringify(JSON.parse(onDisk)) === JSON.stringify(schema);
    expect(freshness(SCHEMA_FILE, same)).toBe('up to date');
  });

  it('the CLI in --check mode finds both files up to date, Prettier formatting included', () => {
    const output = execFileSync(
      path.join(ROOT, 'node_modules/.bin/tsx'),
      ['scripts/generate-event-catalogue.ts', '--check'],
      { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' },
    );
    expect(output).toContain('up to date');
  });

  it('renders deterministically', () => {
    expect(renderCatalogue()).toEqual(catalogue);
    expect(catalogue.markdown).not.toMatch(/generated (at|on) \d/i);
  });
});

describe('every event type is catalogued', () => {
  it('the schema has exactly one definition per event type besides the shared definitions', () => {
    expect(Object.keys(schema.$defs)).toEqual([
      ...ORDER_EVENT_TYPES,
      ...ALERT_EVENT_TYPES,
      ...SHARED_DEFINITIONS.map((d) => d.name),
    ]);
    expect(schema.$schema).toBe(JSON_SCHEMA_DIALECT);
  });

  it.each(ORDER_EVENT_TYPES)('%s: in the schema with its EventBridge source and detail-type', (type) => {
    expect(schema.$defs[type]).toMatchObject({
      'x-eventbridge': { source: EVENT_SOURCES[type], 'detail-type': type },
      'x-schema-version': EVENT_SCHEMA_VERSIONS[type],
      type: 'object',
      properties: { metadata: { $ref: '#/$defs/EventMetadata' }, data: { type: 'object' } },
      required: ['metadata', 'data'],
    });
    expect(EVENT_SOURCES[type]).toMatch(/^orderflow\.[a-z]+$/);
  });

  it.each(ORDER_EVENT_TYPES)('%s: in the markdown summary table and with its own section', (type) => {
    const row = `| [${type}](#${type.toLowerCase()}) | \`${EVENT_SOURCES[type]}\` | ${EVENT_SCHEMA_VERSIONS[type]} | ${EVENT_MEANINGS[type]} |`;
    expect(catalogue.markdown).toContain(row);
    expect(catalogue.markdown).toContain(`\n### ${type}\n`);
  });

  it.each(ALERT_EVENT_TYPES)(
    '%s: in the schema and the markdown, its detail the alert data, its example valid',
    (type) => {
      expect(schema.$defs[type]).toMatchObject({
        'x-eventbridge': { source: 'orderflow.analytics', 'detail-type': type },
        type: 'object',
        properties: { alertId: { type: 'string' }, ruleId: { type: 'string' }, subject: { type: 'string' } },
      });
      expect(catalogue.markdown).toContain(
        `| [${type}](#${type.toLowerCase()}) | \`orderflow.analytics\` | ${ALERT_EVENT_MEANINGS[type]} |`,
      );
      expect(catalogue.markdown).toContain(`\n### ${type}\n`);
      const example = exampleAlertDetail(type);
      const codec: t.Mixed = alertDataCodecs[type];
      expect(E.isRight(codec.decode(example))).toBe(true);
      expect(markdownExample(type as never)).toEqual(example);
    },
  );

  it('the markdown documents every data field of every event', () => {
    for (const type of ORDER_EVENT_TYPES) {
      const data = (schema.$defs[type]?.properties as Record<string, JsonSchema>).data as JsonSchema;
      const section = catalogue.markdown.split(/^### /m).find((s) => s.startsWith(`${type}\n`)) ?? '';
      for (const field of Object.keys(data.properties as object))
        expect(section).toContain(`| \`${field}\` |`);
    }
  });
});

describe('examples', () => {
  it.each(ORDER_EVENT_TYPES)('%s: the example decodes with its codec and as an order envelope', (type) => {
    const detail = exampleDetail(type);
    expect(E.isRight(dataCodec(type).decode(detail.data))).toBe(true);
    expect(E.isRight(envelopeCodec(dataCodec(type)).decode(detail))).toBe(true);
    const envelope = decodeOrderEnvelope(detail);
    expect(E.isRight(envelope) && envelope.right.metadata.type).toBe(type);
    expect(detail.metadata).toMatchObject({ type, schemaVersion: EVENT_SCHEMA_VERSIONS[type] });
  });

  it.each(ORDER_EVENT_TYPES)('%s: the markdown shows exactly the validated example', (type) => {
    expect(markdownExample(type)).toEqual(exampleDetail(type));
  });

  it.each(ORDER_EVENT_TYPES)('%s: the JSON Schema accepts the example', (type) => {
    const validate = validatorOf(type);
    expect(validate(exampleDetail(type)) ? [] : validate.errors).toEqual([]);
  });
});

describe('the JSON Schema agrees with the codecs', () => {
  // Values on which RFC 3339 `format: date-time` and the IsoDateTime codec agree (see the report on
  // the known differences: lowercase `t`/`z`, leap second `:60`, offsets without a colon).
  const REPLACEMENTS: readonly [string, unknown][] = [
    ['removed', REMOVE],
    ['null', null],
    ['empty string', ''],
    ['text', 'x'],
    ['zero', 0],
    ['negative', -1],
    ['fraction', 1.5],
    ['large integer', 1_000_000],
    ['true', true],
    ['object', {}],
    ['array', []],
    ['lowercase currency', 'eur'],
    ['four-letter currency', 'EURO'],
    ['impossible date', '2026-02-30T10:00:00Z'],
    ['date without offset', '2026-11-26T09:30:00'],
    ['date with offset', '2026-11-26T10:30:00.123+01:00'],
    ['date only', '2026-11-26'],
  ];

  it.each(ORDER_EVENT_TYPES)('%s: same verdict as the codec for every field replaced or removed', (type) => {
    const validate = validatorOf(type);
    const codec = envelopeCodec(dataCodec(type));
    const example = exampleDetail(type);
    const disagreements: string[] = [];
    for (const at of leaves(example)) {
      for (const [label, value] of REPLACEMENTS) {
        const mutated = withValue(example, at, value);
        const byCodec = E.isRight(codec.decode(mutated));
        const bySchema = validate(mutated);
        if (byCodec !== bySchema) {
          disagreements.push(`${at.join('.')} ${label}: codec ${byCodec}, schema ${bySchema}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });

  it.each(ORDER_EVENT_TYPES)('%s: unknown fields are accepted by both, anywhere', (type) => {
    const example = exampleDetail(type) as { metadata: object; data: object };
    const extended = {
      ...example,
      extra: 1,
      metadata: { ...example.metadata, extra: 'x' },
      data: { ...example.data, extra: [1] },
    };
    expect(validatorOf(type)(extended)).toBe(true);
    expect(E.isRight(envelopeCodec(dataCodec(type)).decode(extended))).toBe(true);
  });

  it('an array of objects is checked element by element (OrderLine)', () => {
    const example = clone(exampleDetail('OrderPlaced')) as { data: { items: { quantity: number }[] } };
    const extra = example.data.items[0];
    example.data.items.push({ ...extra, quantity: 0 } as { quantity: number });
    expect(validatorOf('OrderPlaced')(example)).toBe(false);
    expect(E.isRight(envelopeCodec(eventDataCodecs.OrderPlaced).decode(example))).toBe(false);
  });
});

describe('JsonSchemaConverter', () => {
  const convert = (codec: t.Mixed) => new JsonSchemaConverter().toSchema(codec);

  it('maps the custom types by name', () => {
    expect(convert(NonEmptyString)).toEqual({ type: 'string', minLength: 1 });
    expect(convert(PositiveInteger)).toEqual({ type: 'integer', minimum: 1 });
    expect(convert(NonNegativeInteger)).toEqual({ type: 'integer', minimum: 0 });
    expect(convert(IsoDateTime)).toEqual({ type: 'string', format: 'date-time' });
    expect(convert(CurrencyCode)).toEqual({ type: 'string', pattern: '^[A-Z]{3}$' });
  });

  it('maps the io-ts primitives, literals, keyof and unions', () => {
    expect(convert(t.string)).toEqual({ type: 'string' });
    expect(convert(t.number)).toEqual({ type: 'number' });
    expect(convert(t.boolean)).toEqual({ type: 'boolean' });
    expect(convert(t.literal('A'))).toEqual({ const: 'A' });
    expect(convert(t.keyof({ A: null, B: null }))).toEqual({ type: 'string', enum: ['A', 'B'] });
    expect(convert(t.union([t.literal('A'), t.literal(2)]))).toEqual({ enum: ['A', 2] });
    expect(convert(t.union([t.string, t.number]))).toEqual({
      anyOf: [{ type: 'string' }, { type: 'number' }],
    });
  });

  it('maps objects (open to unknown fields), arrays and readonly', () => {
    expect(convert(t.readonly(t.type({ a: t.string, b: t.readonlyArray(t.number) })))).toEqual({
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'array', items: { type: 'number' } } },
      required: ['a', 'b'],
    });
    expect(convert(t.partial({ a: t.array(t.boolean) }))).toEqual({
      type: 'object',
      properties: { a: { type: 'array', items: { type: 'boolean' } } },
    });
  });

  it('merges an intersection of plain objects, and keeps allOf otherwise', () => {
    expect(convert(t.intersection([t.type({ a: t.string }), t.partial({ b: t.string })]))).toEqual({
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'string' } },
      required: ['a'],
    });
    const Named = t.type({ a: t.string });
    const converter = new JsonSchemaConverter([{ name: 'Named', codec: Named }]);
    expect(converter.toSchema(t.intersection([Named, t.partial({ b: t.string })]))).toEqual({
      allOf: [{ $ref: '#/$defs/Named' }, { type: 'object', properties: { b: { type: 'string' } } }],
    });
    expect(converter.definitions()).toEqual({
      Named: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
    });
  });

  it('produces a standalone 2020-12 document that ajv compiles', () => {
    const Line = t.type({ sku: NonEmptyString, quantity: PositiveInteger });
    const document = codecToJsonSchema(t.type({ lines: t.readonlyArray(Line) }), [
      { name: 'Line', codec: Line },
    ]);
    const validate = newAjv().compile(document);
    expect(validate({ lines: [{ sku: 'A', quantity: 1 }] })).toBe(true);
    expect(validate({ lines: [{ sku: '', quantity: 1 }] })).toBe(false);
  });

  it.each<[string, t.Mixed, string]>([
    ['t.record', t.record(t.string, t.number), 'DictionaryType'],
    ['t.tuple', t.tuple([t.string, t.number]), 'TupleType'],
    ['t.exact', t.exact(t.type({ a: t.string })), 'ExactType'],
    [
      't.brand',
      t.brand(t.number, (_n): _n is t.Branded<number, { readonly Int: unique symbol }> => true, 'Int'),
      'RefinementType',
    ],
    ['t.unknown', t.unknown, 'UnknownType'],
    [
      'an unknown custom type',
      new t.Type<string>('Slug', t.string.is, t.string.validate, t.identity),
      'custom t.Type',
    ],
  ])('refuses %s with an UnsupportedCodecError naming the codec', (_, codec, kind) => {
    const attempt = () => convert(t.type({ field: t.readonlyArray(codec) }));
    expect(attempt).toThrow(UnsupportedCodecError);
    expect(attempt).toThrow(expect.objectContaining({ codecName: codec.name, kind, path: '.field[]' }));
    expect(attempt).toThrow(codec.name);
    // The example generator walks codecs the same way and refuses the same kinds.
    expect(() => exampleOf(codec)).toThrow(UnsupportedCodecError);
  });
});
