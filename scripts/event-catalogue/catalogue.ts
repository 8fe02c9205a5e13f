import * as E from 'fp-ts/Either';
import { PathReporter } from 'io-ts/PathReporter';
import { encodeTime } from 'ulid';
import {
  CancellationReason,
  decodeOrderEnvelope,
  envelopeCodec,
  EVENT_SCHEMA_VERSIONS,
  EVENT_SOURCES,
  eventDataCodecs,
  EventMetadata,
  ORDER_EVENT_TYPES,
  type OrderEventType,
  OrderLine,
  PaymentMethodRef,
  ShippingAddress,
  StockChange,
} from '../../src/domain/orders';
import { ALERTS_SOURCE, alertDataCodecs } from '../../src/domain/analytics/alerts';
import { type ExampleHints, exampleOf } from './examples';
import {
  definitionRef,
  JSON_SCHEMA_DIALECT,
  type JsonSchema,
  JsonSchemaConverter,
  type NamedCodec,
} from './json-schema';

/*
 * The event catalogue: docs/events.md and docs/events.schema.json, both generated from the io-ts codecs
 * of src/domain (never hand-copied). The only hand-written inputs are the one-line meanings and the
 * example hints below; every example is decoded with its codec here, so it cannot drift from them.
 */

export const SCHEMA_ID = 'urn:orderflow:events';
export const REGENERATE_COMMAND = 'npm run docs:events';

/** One line per event: what the fact means. The domain carries no descriptions. */
export const EVENT_MEANINGS: Readonly<Record<OrderEventType, string>> = {
  OrderPlaced: 'A customer placed an order; the saga starts reserving stock.',
  InventoryReserved:
    "Inventory holds stock for every line of the order; a line's `available` is the SKU's available stock read just after (absent from older events).",
  InventoryReservationFailed: 'Inventory could not hold stock for some SKUs; the order will be cancelled.',
  PaymentAuthorized: "The order total is held on the customer's payment method.",
  PaymentDeclined: 'The payment provider refused to authorize the order total; the order will be cancelled.',
  ReviewRequested: 'The order must be approved by a reviewer before shipping is scheduled.',
  ReviewApproved: 'A reviewer approved the order; it may proceed to shipping.',
  ShipmentScheduled: 'Shipping scheduled the delivery of the order.',
  PaymentCaptured: 'The authorized money was captured: the customer is charged.',
  OrderConfirmed: 'The order is complete (paid and scheduled for shipping); nothing is recorded after it.',
  PaymentRefunded:
    'Money held or charged for the order was returned (a refund, or the void of an authorization).',
  InventoryReleased:
    "Stock held for the order was given back to inventory; a line's `available` is the SKU's available stock read just after (absent from older events).",
  OrderCancelled: 'The order was cancelled, with a reason; refunds and stock releases may follow.',
};

/** Events about the order stream rather than one order: the alerts pipeline's (docs/analytics.md). */
export const ALERT_EVENT_TYPES = ['AlertRaised', 'AlertCleared'] as const;
export type AlertEventType = (typeof ALERT_EVENT_TYPES)[number];

export const ALERT_EVENT_MEANINGS: Readonly<Record<AlertEventType, string>> = {
  AlertRaised:
    "An alert rule's condition started to hold for a subject (a customer, an order, payments, reviews); routed to the alerts topic.",
  AlertCleared: 'The condition of a raised alert stopped holding; on the bus only.',
};

/** Value shapes shared by several events: `$defs` of the schema, "Shared types" of the markdown. */
export const SHARED_DEFINITIONS: readonly NamedCodec[] = [
  { name: 'EventMetadata', codec: EventMetadata },
  { name: 'OrderLine', codec: OrderLine },
  { name: 'StockChange', codec: StockChange },
  { name: 'ShippingAddress', codec: ShippingAddress },
  { name: 'PaymentMethodRef', codec: PaymentMethodRef },
  { name: 'CancellationReason', codec: CancellationReason },
];

/** The catalogue cannot be built: an example the codec rejects, a name clash, a shape it cannot tabulate. */
export class CatalogueError extends Error {
  readonly code = 'CATALOGUE_INVALID';

  constructor(message: string) {
    super(message);
    this.name = 'CatalogueError';
  }
}

// ---------------------------------------------------------------------------------------------------
// Examples

const EXAMPLE_START = Date.UTC(2026, 10, 26, 9, 30, 0);
const MINUTE = 60_000;

/** A ULID with a real time part and a fixed "random" part, so examples are deterministic. */
const exampleUlid = (ms: number, n: number): string =>
  `${encodeTime(ms, 10)}8Z3QK7W6T1B9X4${String(n).padStart(2, '0')}`;

const EXAMPLE_ORDER_ID = exampleUlid(EXAMPLE_START, 0);

/** Values by property name, shared by all events: one order of two red mugs at 12.50 EUR. */
const FIELD_HINTS: ExampleHints = {
  orderId: EXAMPLE_ORDER_ID,
  customerId: 'cust-1042',
  sku: 'SKU-RED',
  skus: ['SKU-RED'],
  quantity: 2,
  unitPrice: 1250,
  total: 2500,
  amount: 2500,
  currency: 'EUR',
  // A payment-method reference as placeOrder seals it (the token itself never enters an event).
  reference: 'pm1.Xq3vN0b2m9Lr8Tz1cFh4Wk7yPa6sD5eJgU0iO2nB3lC4xZ9hQ1rE8tY7uI6oP5aS4dF3gH2',
  line1: '1 Main Street',
  line2: 'Apartment 4',
  city: 'Berlin',
  postalCode: '10115',
  country: 'DE',
  authorizationId: 'auth-7d41c2',
  captureId: 'cap-7d41c2',
  refundId: 'ref-7d41c2',
  shipmentId: 'shp-52e0a9',
  reviewer: 'ops@example.com',
};

/** Values that differ between events with a property of the same name. */
const EVENT_HINTS: Partial<Record<OrderEventType, ExampleHints>> = {
  // Two of 40 red mugs reserved leaves 38; released, 40 again (no other order in between).
  InventoryReserved: { available: 38 },
  InventoryReservationFailed: { reason: 'insufficient stock' },
  PaymentDeclined: { reason: 'card declined' },
  OrderCancelled: { reason: 'PAYMENT_DECLINED', detail: 'card declined' },
  InventoryReleased: { available: 40 },
};

const occurredAt = (index: number): string => new Date(EXAMPLE_START + index * MINUTE).toISOString();
const eventIdOf = (index: number): string => exampleUlid(EXAMPLE_START + index * MINUTE, index + 1);

/**
 * The example `detail` of an event, checked with the envelope decoder consumers use (which also checks
 * `data` against the event's codec and `data.orderId` against `metadata.orderId`).
 */
export const exampleDetail = (type: OrderEventType): { metadata: unknown; data: unknown } => {
  const index = ORDER_EVENT_TYPES.indexOf(type);
  const metadata = exampleOf(
    EventMetadata,
    {
      eventId: eventIdOf(index),
      type,
      version: index + 1,
      schemaVersion: EVENT_SCHEMA_VERSIONS[type],
      occurredAt: occurredAt(index),
      correlationId: EXAMPLE_ORDER_ID,
      causationId: index === 0 ? 'req-3f9c1a7e' : eventIdOf(index - 1),
      orderId: EXAMPLE_ORDER_ID,
    },
    `${type}.metadata`,
  );
  const data = exampleOf(
    eventDataCodecs[type],
    { ...FIELD_HINTS, placedAt: occurredAt(index), confirmedAt: occurredAt(index), ...EVENT_HINTS[type] },
    `${type}.data`,
  );
  const detail = { metadata, data };
  const decoded = envelopeCodec(eventDataCodecs[type]).decode(detail);
  if (E.isLeft(decoded)) {
    throw new CatalogueError(
      `The example of ${type} does not decode with its codec: ${PathReporter.report(decoded).join('; ')}`,
    );
  }
  const envelope = decodeOrderEnvelope(detail);
  if (E.isLeft(envelope)) {
    throw new CatalogueError(`The example of ${type} is not a valid order event: ${envelope.left.message}`);
  }
  return detail;
};

const ALERT_HINTS: ExampleHints = {
  alertId: 'velocity:cust-1042:2026-11-26T09:30:00.000Z',
  ruleId: 'velocity',
  severity: 'warning',
  subject: 'cust-1042',
  summary: 'customer cust-1042 placed 6 orders totalling 15000 EUR within 10 min (limits: 5 orders, 500000)',
  evidence: [eventIdOf(0), eventIdOf(13)],
  window: { start: occurredAt(0), end: occurredAt(5) },
  raisedAt: occurredAt(5),
  clearedAt: occurredAt(16),
};

/** The example `detail` of an alert event (the alert's data itself), checked with its codec. */
export const exampleAlertDetail = (type: AlertEventType): unknown => {
  const detail = exampleOf(alertDataCodecs[type], ALERT_HINTS, `${type}.detail`);
  const decoded = alertDataCodecs[type].decode(detail);
  if (E.isLeft(decoded)) {
    throw new CatalogueError(
      `The example of ${type} does not decode with its codec: ${PathReporter.report(decoded).join('; ')}`,
    );
  }
  return detail;
};

// ---------------------------------------------------------------------------------------------------
// JSON Schema

export const buildSchema = (): JsonSchema => {
  const clash = SHARED_DEFINITIONS.find(({ name }) =>
    [...ORDER_EVENT_TYPES, ...ALERT_EVENT_TYPES].includes(name as never),
  );
  if (clash) throw new CatalogueError(`Shared definition ${clash.name} has the name of an event type`);
  const converter = new JsonSchemaConverter(SHARED_DEFINITIONS);
  const events = Object.fromEntries(
    ORDER_EVENT_TYPES.map((type) => [
      type,
      {
        title: type,
        description: EVENT_MEANINGS[type],
        'x-eventbridge': { source: EVENT_SOURCES[type], 'detail-type': type },
        'x-schema-version': EVENT_SCHEMA_VERSIONS[type],
        ...converter.toSchema(envelopeCodec(eventDataCodecs[type]), `${type}.detail`),
      },
    ]),
  );
  const alerts = Object.fromEntries(
    ALERT_EVENT_TYPES.map((type) => [
      type,
      {
        title: type,
        description: ALERT_EVENT_MEANINGS[type],
        'x-eventbridge': { source: ALERTS_SOURCE, 'detail-type': type },
        ...converter.toSchema(alertDataCodecs[type], `${type}.detail`),
      },
    ]),
  );
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: SCHEMA_ID,
    title: 'Orderflow order events',
    description:
      'EventBridge `detail` ({ metadata, data }) of every order event, keyed by event type. ' +
      `Generated from the io-ts codecs in src/domain by scripts/generate-event-catalogue.ts (${REGENERATE_COMMAND}); do not edit.`,
    $defs: { ...events, ...alerts, ...converter.definitions() },
  };
};

// ---------------------------------------------------------------------------------------------------
// Markdown

const anchor = (heading: string): string => `#${heading.toLowerCase()}`;
const code = (value: unknown): string => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
const cell = (text: string): string => text.replace(/\|/g, '\\|');
const table = (header: readonly string[], rows: readonly (readonly string[])[]): string =>
  [header, header.map(() => '---'), ...rows].map((row) => `| ${row.map(cell).join(' | ')} |`).join('\n');

interface Described {
  readonly type: string;
  readonly constraints: readonly string[];
}

/** A schema node as a type and its constraints, for a field table. */
const describe = (schema: JsonSchema): Described => {
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/$defs/', '');
    return { type: `[${name}](${anchor(name)})`, constraints: [] };
  }
  if (Array.isArray(schema.enum)) {
    return {
      type: typeof schema.type === 'string' ? schema.type : 'value',
      constraints: [`one of ${schema.enum.map(code).join(', ')}`],
    };
  }
  if ('const' in schema) return { type: typeof schema.const, constraints: [`exactly ${code(schema.const)}`] };
  if (Array.isArray(schema.anyOf)) {
    const members = (schema.anyOf as JsonSchema[]).map(describe);
    return {
      type: members.map((m) => m.type).join(' or '),
      constraints: members.flatMap((m) => m.constraints),
    };
  }
  switch (schema.type) {
    case 'array': {
      const item = describe(schema.items as JsonSchema);
      return { type: `array of ${item.type}`, constraints: item.constraints.map((c) => `each ${c}`) };
    }
    case 'object':
      return { type: 'object', constraints: fields(schema).map((f) => `${f.name}${f.required ? '' : '?'}`) };
    case 'string': {
      const constraints: string[] = [];
      if (schema.minLength === 1) constraints.push('non-empty');
      else if (typeof schema.minLength === 'number')
        constraints.push(`at least ${schema.minLength} characters`);
      if (schema.format === 'date-time') constraints.push('RFC 3339 date-time with offset');
      if (typeof schema.pattern === 'string') constraints.push(`matches ${code(schema.pattern)}`);
      return { type: 'string', constraints };
    }
    case 'integer':
    case 'number':
      return {
        type: schema.type,
        constraints: typeof schema.minimum === 'number' ? [`≥ ${schema.minimum}`] : [],
      };
    case 'boolean':
      return { type: 'boolean', constraints: [] };
    default:
      throw new CatalogueError(`Cannot describe schema ${JSON.stringify(schema)} in a field table`);
  }
};

interface Field {
  readonly name: string;
  readonly required: boolean;
  readonly schema: JsonSchema;
}

const fields = (schema: JsonSchema): Field[] => {
  if (Array.isArray(schema.allOf)) return (schema.allOf as JsonSchema[]).flatMap(fields);
  if (schema.type !== 'object') {
    throw new CatalogueError(`Cannot list the fields of ${JSON.stringify(schema)}: not an object schema`);
  }
  const required = (schema.required ?? []) as string[];
  return Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>).map(([name, s]) => ({
    name,
    required: required.includes(name),
    schema: s,
  }));
};

const fieldTable = (schema: JsonSchema): string =>
  table(
    ['Field', 'Type', 'Required', 'Constraints'],
    fields(schema).map(({ name, required, schema: s }) => {
      const { type, constraints } = describe(s);
      return [code(name), type, required ? 'yes' : 'no', constraints.join('; ') || '—'];
    }),
  );

const json = (value: unknown): string => ['```json', JSON.stringify(value, null, 2), '```'].join('\n');

const sources = (): string[] => [...new Set(ORDER_EVENT_TYPES.map((type) => EVENT_SOURCES[type]))];

const intro = (): string => `# Order events

<!-- Generated from the io-ts codecs in src/domain by scripts/generate-event-catalogue.ts. Do not edit: run \`${REGENERATE_COMMAND}\`. -->

Every fact about an order is an event: appended to the order's stream in the event store, then published
to EventBridge. This catalogue and its machine-readable twin [\`events.schema.json\`](events.schema.json)
(JSON Schema draft 2020-12, one \`$defs\` entry per event type) are generated from the io-ts codecs in
\`src/domain\` (\`eventDataCodecs\` in \`src/domain/orders/events.ts\`, \`EventMetadata\` in
\`src/domain/shared/envelope.ts\`), so they cannot drift from what the code decodes.

## Envelope

Every event is an EventBridge entry:

${table(
  ['Entry field', 'Value'],
  [
    [
      '`source`',
      `\`orderflow.<context>\`: the bounded context that owns the fact (${sources().map(code).join(', ')})`,
    ],
    ['`detail-type`', 'the event type, e.g. `OrderPlaced`; equal to `detail.metadata.type`'],
    ['`detail`', '`{ "metadata": { ... }, "data": { ... } }`'],
  ],
)}

\`detail.metadata\` has the same shape for every event ([EventMetadata](#eventmetadata)): \`eventId\`, \`type\`,
\`version\` (position in the order's stream, 1 for \`OrderPlaced\`), \`schemaVersion\`, \`occurredAt\`,
\`correlationId\`, \`causationId\` and \`orderId\`. \`detail.data\` is specific to the event type and is described
below; its \`orderId\` always equals \`metadata.orderId\`.

## On the Kafka topic

Every stored event is also one record on the Kafka topic \`orderflow.<stage>.order-events\` (Amazon MSK
Serverless in the cloud, the offline runtime's broker on \`127.0.0.1:9092\` locally), produced by
\`publishOrderStream\` from the event store's stream, at least once and in each order's stream order:

${table(
  ['Record part', 'Value'],
  [
    ['key', "the order id (`metadata.orderId`): one order's events stay in one partition, in order"],
    ['value', 'the envelope JSON, `{ "metadata": { ... }, "data": { ... } }` (the bus\'s `detail`)'],
    ['header `type`', 'the event type, `metadata.type`'],
    ['header `schema-version`', '`metadata.schemaVersion`, as decimal text'],
    ['header `correlation-id`', '`metadata.correlationId`'],
    ['header `event-id`', '`metadata.eventId`: deduplicate on it, as a retried batch is produced again'],
    ['header `content-type`', '`application/json`'],
  ],
)}

## Versioning

- **\`metadata.schemaVersion\` is per event type**: the version of that type's \`data\` shape (the table below
  lists the current one). It is unrelated to \`metadata.version\`, the event's position in its stream.
- **Consumers ignore unknown fields**, anywhere in \`detail\`. The codecs decode with \`t.type\` (never
  \`t.exact\`), and the JSON Schema leaves \`additionalProperties\` open.
- **Amounts are integer minor units** of the order's currency (ISO 4217 code): \`total\`, \`amount\` and
  \`unitPrice\` \`1250\` with currency \`EUR\` mean 12.50 EUR. There are no floating-point amounts.
- **Adding a field** is not a breaking change: add it to the codec, optional (\`t.partial\`) unless every
  stored event of that type already has it (stored streams are replayed and must still decode), keep
  \`schemaVersion\`, and regenerate this catalogue.
- **A breaking change** (removing or renaming a field, changing its type, meaning or unit, tightening a
  constraint) bumps \`EVENT_SCHEMA_VERSIONS\` for that event type. Stored events of the old version must
  still decode (upcast them, or keep the codec accepting both), and consumers must be told before they
  receive the new version; they branch on \`metadata.schemaVersion\`. Prefer a new optional field, or a new
  event type, where one will do.
- After changing a codec run \`${REGENERATE_COMMAND}\`; \`${REGENERATE_COMMAND} -- --check\` and a unit test
  fail while this file or the schema is stale.`;

const eventSection = (type: OrderEventType, schema: JsonSchema): string => {
  const detail = schema.properties as Record<string, JsonSchema> | undefined;
  const data = detail?.data;
  if (data === undefined) throw new CatalogueError(`The schema of ${type} has no data property`);
  return [
    `### ${type}`,
    EVENT_MEANINGS[type],
    [
      `- EventBridge: \`source\` ${code(EVENT_SOURCES[type])}, \`detail-type\` ${code(type)}`,
      `- \`metadata.schemaVersion\`: ${EVENT_SCHEMA_VERSIONS[type]}`,
      `- JSON Schema: \`events.schema.json${definitionRef(type)}\``,
    ].join('\n'),
    '`data` fields:',
    fieldTable(data),
    'Example `detail`:',
    json(exampleDetail(type)),
  ].join('\n\n');
};

const alertSection = (type: AlertEventType, schema: JsonSchema): string =>
  [
    `### ${type}`,
    ALERT_EVENT_MEANINGS[type],
    [
      `- EventBridge: \`source\` ${code(ALERTS_SOURCE)}, \`detail-type\` ${code(type)}`,
      `- JSON Schema: \`events.schema.json${definitionRef(type)}\``,
    ].join('\n'),
    '`detail` fields:',
    fieldTable(schema),
    'Example `detail`:',
    json(exampleAlertDetail(type)),
  ].join('\n\n');

const alertsIntro = (): string =>
  `Published by the alerts pipeline (\`detectAlerts\`, \`tickAlerts\`; [analytics.md](analytics.md#alerts-complex-event-processing))
with \`source\` ${code(ALERTS_SOURCE)}. Unlike order events, their \`detail\` is the alert itself, with no
metadata envelope, and they are not on the Kafka topic. \`alertId\` (\`<ruleId>:<subject>:<window start>\`) is the
same for every delivery of one alert: subscribers drop repeats by it. The stack's \`alerts\` rule routes
AlertRaised to the alerts topic.`;

const sharedSection = (name: string, schema: JsonSchema): string => {
  const body = Array.isArray(schema.enum)
    ? `A string, one of:\n\n${schema.enum.map((value) => `- ${code(value)}`).join('\n')}`
    : fieldTable(schema);
  return [`### ${name}`, body].join('\n\n');
};

export const buildMarkdown = (schema: JsonSchema): string => {
  const defs = schema.$defs as Record<string, JsonSchema>;
  const definition = (name: string): JsonSchema => {
    const def = defs[name];
    if (def === undefined) throw new CatalogueError(`The schema has no definition ${name}`);
    return def;
  };
  return `${[
    intro(),
    '## Events',
    'In lifecycle order.',
    table(
      ['Event', 'Source', 'schemaVersion', 'Meaning'],
      ORDER_EVENT_TYPES.map((type) => [
        `[${type}](${anchor(type)})`,
        code(EVENT_SOURCES[type]),
        String(EVENT_SCHEMA_VERSIONS[type]),
        EVENT_MEANINGS[type],
      ]),
    ),
    ...ORDER_EVENT_TYPES.map((type) => eventSection(type, definition(type))),
    '## Alert events',
    alertsIntro(),
    table(
      ['Event', 'Source', 'Meaning'],
      ALERT_EVENT_TYPES.map((type) => [
        `[${type}](${anchor(type)})`,
        code(ALERTS_SOURCE),
        ALERT_EVENT_MEANINGS[type],
      ]),
    ),
    ...ALERT_EVENT_TYPES.map((type) => alertSection(type, definition(type))),
    '## Shared types',
    ...SHARED_DEFINITIONS.map(({ name }) => sharedSection(name, definition(name))),
  ].join('\n\n')}\n`;
};

/** Both catalogue documents, deterministically (no timestamps, fixed order). */
export const renderCatalogue = (): { markdown: string; schema: object } => {
  const schema = buildSchema();
  return { markdown: buildMarkdown(schema), schema };
};
