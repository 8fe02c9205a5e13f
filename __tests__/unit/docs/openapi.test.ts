import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import * as E from 'fp-ts/Either';
import { parse, type Tags } from 'yaml';
import {
  CANCELLATION_REASONS,
  decide,
  foldEvents,
  ORDER_STATUSES,
  parsePlaceOrder,
  PLACE_ORDER_LIMITS,
  toEnvelopes,
  toView,
  type PlaceOrderRequest,
} from '../../../src/domain/orders';
import { parseStockLevel } from '../../../src/domain/inventory';
import type { EventStore } from '../../../src/adapters/dynamodb/event-store';
import type { IdempotencyStore } from '../../../src/adapters/dynamodb/idempotency-store';
import {
  MalformedJsonError,
  PayloadTooLargeError,
  STATUS_BY_CODE,
  UnsupportedMediaTypeError,
} from '../../../src/handlers/http/errors';
import { MAX_BODY_BYTES } from '../../../src/handlers/http/json-api';
import { LIST_LIMITS } from '../../../src/handlers/orders/list-orders';
import { placeOrder } from '../../../src/handlers/orders/place-order';
import { leaves, REMOVE, withValue } from '../../support/json-mutations';

const ROOT = path.resolve(__dirname, '../../..');
const OPENAPI_FILE = 'docs/openapi.yaml';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');
const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// CloudFormation short forms (!Ref, !GetAtt, !Join, …) as scalars, sequences and mappings.
const CFN_FUNCTIONS = ['Ref', 'Condition', 'GetAtt', 'Sub', 'Join', 'Select', 'Split', 'If', 'Equals'];
const CFN_MORE = ['Not', 'And', 'Or', 'FindInMap', 'Base64', 'Cidr', 'GetAZs', 'ImportValue'];
const cfnTags: Tags = [...CFN_FUNCTIONS, ...CFN_MORE].flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const fromCollection = (value: { toJSON(): unknown }) => ({ [key]: value.toJSON() });
  return [
    { tag: `!${name}`, resolve: (value: string) => ({ [key]: value }) },
    { tag: `!${name}`, collection: 'seq' as const, resolve: fromCollection },
    { tag: `!${name}`, collection: 'map' as const, resolve: fromCollection },
  ];
});
const readServerlessYaml = (file: string): JsonObject => {
  const parsed: unknown = parse(read(file), { customTags: cfnTags });
  if (!isObject(parsed)) throw new TypeError(`${file} is not a YAML mapping`);
  return parsed;
};

interface HttpRoute {
  readonly route: string;
  readonly function: string;
  /** The scopes the JWT authorizer requires, or undefined for a route without an authorizer. */
  readonly scopes: readonly string[] | undefined;
}

/** Every httpApi event of every function file serverless.yml includes, as `METHOD /path`. */
function serverlessRoutes(): HttpRoute[] {
  const functions = readServerlessYaml('serverless.yml').functions;
  if (!Array.isArray(functions)) throw new TypeError('serverless.yml: functions is not a list of files');
  const files = functions.map((entry) => {
    const file = typeof entry === 'string' ? /^\$\{file\((.+)\)\}$/.exec(entry)?.[1] : undefined;
    if (!file) throw new TypeError(`serverless.yml: unexpected functions entry ${JSON.stringify(entry)}`);
    return file;
  });
  return files.flatMap((file) =>
    Object.entries(readServerlessYaml(file)).flatMap(([name, fn]) => {
      const events = isObject(fn) && Array.isArray(fn.events) ? fn.events : [];
      return events.flatMap((event) => {
        if (!isObject(event) || event.httpApi === undefined) return [];
        const http = event.httpApi;
        if (typeof http === 'string') return [{ route: http, function: name, scopes: undefined }];
        if (!isObject(http)) throw new TypeError(`${file}: ${name} has an unreadable httpApi event`);
        const authorizer = isObject(http.authorizer) ? http.authorizer : undefined;
        const scopes = authorizer && Array.isArray(authorizer.scopes) ? authorizer.scopes.map(String) : [];
        return [
          {
            route: `${String(http.method).toUpperCase()} ${String(http.path)}`,
            function: name,
            scopes: authorizer ? scopes : undefined,
          },
        ];
      });
    }),
  );
}

const doc = parse(read(OPENAPI_FILE)) as JsonObject;
const paths = doc.paths as Record<string, JsonObject>;
const components = doc.components as Record<string, Record<string, JsonObject>>;

interface Operation {
  readonly route: string;
  readonly path: string;
  readonly method: string;
  readonly operation: JsonObject;
  readonly parameters: JsonObject[];
}

const operations: Operation[] = Object.entries(paths).flatMap(([p, item]) =>
  HTTP_METHODS.filter((m) => item[m] !== undefined).map((method) => {
    const operation = item[method] as JsonObject;
    const shared = (Array.isArray(item.parameters) ? item.parameters : []) as JsonObject[];
    const own = (Array.isArray(operation.parameters) ? operation.parameters : []) as JsonObject[];
    return {
      route: `${method.toUpperCase()} ${p}`,
      path: p,
      method,
      operation,
      parameters: [...shared, ...own],
    };
  }),
);
const operationOf = (route: string): Operation => {
  const found = operations.find((o) => o.route === route);
  if (!found) throw new TypeError(`${OPENAPI_FILE} has no ${route}`);
  return found;
};

/** Follows a local `#/…` JSON pointer; undefined when it points nowhere. */
function resolvePointer(ref: string): Json | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: Json | undefined = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) ? node[key] : Array.isArray(node) ? node[Number(key)] : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}
const deref = (value: Json): Json => {
  let current = value;
  for (let hops = 0; isObject(current) && typeof current.$ref === 'string' && hops < 10; hops += 1) {
    current = resolvePointer(current.$ref) ?? null;
  }
  return current;
};

function collectRefs(value: Json, at = '#'): { at: string; ref: string }[] {
  if (Array.isArray(value)) return value.flatMap((child, i) => collectRefs(child, `${at}/${i}`));
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === '$ref' && typeof child === 'string' ? [{ at, ref: child }] : collectRefs(child, `${at}/${key}`),
  );
}

// The component schemas as one JSON Schema 2020-12 document (OpenAPI 3.1's dialect), compiled by ajv.
const SCHEMA_ID = 'urn:orderflow:openapi';
const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
addFormats(ajv);
ajv.addSchema(
  JSON.parse(
    JSON.stringify({ $id: SCHEMA_ID, $defs: components.schemas }).replaceAll(
      '"#/components/schemas/',
      '"#/$defs/',
    ),
  ) as object,
);
const validatorOf = (name: string): ValidateFunction => {
  const validate = ajv.getSchema(`${SCHEMA_ID}#/$defs/${name}`);
  if (!validate) throw new TypeError(`no component schema ${name}`);
  return validate;
};
/** A validator for an inline or referenced schema of the document. */
const validatorFor = (schema: Json): ValidateFunction => {
  if (isObject(schema) && typeof schema.$ref === 'string') {
    return validatorOf(schema.$ref.replace('#/components/schemas/', ''));
  }
  return ajv.compile({
    $id: `urn:orderflow:inline:${Math.random()}`,
    ...(JSON.parse(
      JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${SCHEMA_ID}#/$defs/`),
    ) as object),
  });
};
const errorsOf = (validate: ValidateFunction, value: unknown) => (validate(value) ? [] : validate.errors);

describe(`${OPENAPI_FILE} documents exactly the HTTP API of serverless.yml`, () => {
  const routes = serverlessRoutes();

  it('finds the httpApi routes of every function file (a guard against reading nothing)', () => {
    expect(routes.length).toBeGreaterThanOrEqual(12);
    expect(routes.map((r) => r.route)).toEqual(expect.arrayContaining(['GET /health', 'POST /orders']));
  });

  it('has one operation per httpApi route, and no other', () => {
    const documented = operations.map((o) => o.route).sort();
    expect(documented).toEqual(routes.map((r) => r.route).sort());
  });

  it('each route requires what its JWT authorizer requires (none where there is no authorizer)', () => {
    const global = doc.security as Json;
    const mismatches = routes.flatMap((r) => {
      const declared = operationOf(r.route).operation.security ?? global;
      const expected = r.scopes === undefined ? [] : [{ bearerAuth: [...r.scopes] }];
      return JSON.stringify(declared) === JSON.stringify(expected)
        ? []
        : [`${r.route}: documented ${JSON.stringify(declared)}, authorizer ${JSON.stringify(expected)}`];
    });
    expect(mismatches).toEqual([]);
  });

  it('only GET /health is public; /inventory, the review routes, the saga view and /analytics need orderflow/admin', () => {
    const scopesOf = (route: string) =>
      (((operationOf(route).operation.security ?? doc.security) as JsonObject[])[0]?.bearerAuth ?? null) as
        string[] | null;
    expect(scopesOf('GET /health')).toBeNull();
    for (const { route } of operations.filter((o) => o.route !== 'GET /health')) {
      const admin = /^\w+ \/inventory\/|\/reviews?$|\/saga$|^GET \/analytics\//.test(route);
      expect([route, scopesOf(route)]).toEqual([route, [admin ? 'orderflow/admin' : 'orderflow/orders']]);
    }
  });

  it('documents 401 on every authorized route and 403 on every admin route', () => {
    const missing = routes.flatMap((r) => {
      const responses = operationOf(r.route).operation.responses as JsonObject;
      const needs =
        r.scopes === undefined ? [] : r.scopes.includes('orderflow/admin') ? ['401', '403'] : ['401'];
      return needs.filter((status) => responses[status] === undefined).map((s) => `${r.route} ${s}`);
    });
    expect(missing).toEqual([]);
  });
});

describe(`${OPENAPI_FILE} is a well-formed OpenAPI 3.1 document`, () => {
  it('declares OpenAPI 3.1.x, the 2020-12 dialect, a title and a version', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.jsonSchemaDialect).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
  });

  it('has a bearer JWT security scheme named bearerAuth', () => {
    expect(components.securitySchemes?.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
  });

  it('every operation has a unique operationId and at least one success response', () => {
    const ids = operations.map((o) => o.operation.operationId);
    expect(new Set(ids).size).toBe(operations.length);
    for (const { route, operation } of operations) {
      const statuses = Object.keys((operation.responses ?? {}) as JsonObject);
      expect([route, statuses.some((s) => /^2\d\d$/.test(s))]).toEqual([route, true]);
      expect([route, statuses.filter((s) => !/^[1-5]\d\d$|^default$/.test(s))]).toEqual([route, []]);
    }
  });

  it('every response has a description (required by OpenAPI)', () => {
    const undescribed = operations.flatMap(({ route, operation }) =>
      Object.entries(operation.responses as JsonObject)
        .filter(([, response]) => typeof (deref(response) as JsonObject).description !== 'string')
        .map(([status]) => `${route} ${status}`),
    );
    expect(undescribed).toEqual([]);
  });

  it('every $ref is local and resolves', () => {
    const refs = collectRefs(doc);
    expect(refs.length).toBeGreaterThan(50);
    expect(refs.filter(({ ref }) => resolvePointer(ref) === undefined)).toEqual([]);
  });

  it('path templates and path parameters agree, and path parameters are required', () => {
    for (const { route, path: p, parameters } of operations) {
      const templated = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = parameters.map((x) => deref(x) as JsonObject).filter((x) => x.in === 'path');
      expect([route, declared.map((x) => x.name).sort()]).toEqual([route, templated]);
      expect([route, declared.every((x) => x.required === true)]).toEqual([route, true]);
    }
  });

  it('every component schema compiles as JSON Schema 2020-12 (strict)', () => {
    for (const name of Object.keys(components.schemas ?? {}))
      expect(validatorOf(name)).toBeInstanceOf(Function);
  });

  it('every example matches its schema', () => {
    const checked: string[] = [];
    const problems: unknown[] = [];
    const checkMedia = (where: string, media: JsonObject) => {
      if (media.schema === undefined) return;
      const validate = validatorFor(media.schema);
      for (const [name, example] of Object.entries((media.examples ?? {}) as JsonObject)) {
        const value = (deref(example) as JsonObject).value;
        checked.push(`${where} ${name}`);
        if (!validate(value)) problems.push({ where, name, errors: validate.errors });
      }
    };
    const contentOf = (holder: Json) => ((deref(holder) as JsonObject).content ?? {}) as JsonObject;
    for (const { route, operation } of operations) {
      for (const [type, media] of Object.entries(contentOf(operation.requestBody ?? {})))
        checkMedia(`${route} request ${type}`, media as JsonObject);
      for (const [status, response] of Object.entries(operation.responses as JsonObject))
        for (const [type, media] of Object.entries(contentOf(response)))
          checkMedia(`${route} ${status} ${type}`, media as JsonObject);
    }
    for (const [name, response] of Object.entries(components.responses ?? {}))
      for (const [type, media] of Object.entries(contentOf(response)))
        checkMedia(`responses.${name} ${type}`, media as JsonObject);
    expect(problems).toEqual([]);
    expect(checked.length).toBeGreaterThan(10);
  });
});

describe(`${OPENAPI_FILE} agrees with the handlers and the domain`, () => {
  const schemas = components.schemas as Record<string, JsonObject>;
  const enumOf = (name: string) => schemas[name]?.enum;

  it('error codes: every code a handler can answer, and nothing else', () => {
    const httpCodes = [
      new MalformedJsonError('x').code,
      new PayloadTooLargeError('x').code,
      new UnsupportedMediaTypeError('x').code,
    ];
    const answerable = Object.entries(STATUS_BY_CODE).flatMap(([code, status]) =>
      status === null ? [] : [code],
    );
    const codes = [...answerable, ...httpCodes, 'INTERNAL_ERROR', 'SERVICE_UNAVAILABLE'];
    const documented = ((schemas.Error?.properties as JsonObject).error as JsonObject)
      .properties as JsonObject;
    expect([...((documented.code as JsonObject).enum as string[])].sort()).toEqual(codes.sort());
  });

  it('order statuses and cancellation reasons are the domain’s', () => {
    expect(enumOf('OrderStatus')).toEqual([...ORDER_STATUSES]);
    expect(enumOf('CancellationReason')).toEqual([...CANCELLATION_REASONS]);
  });

  it('the body limit and the paging limits are the handlers’', () => {
    expect(components.responses?.PayloadTooLarge?.description).toContain(
      MAX_BODY_BYTES.toLocaleString('en-US'),
    );
    const limit = operationOf('GET /orders').parameters.find((p) => p.name === 'limit');
    expect(limit?.schema).toMatchObject({
      minimum: 1,
      maximum: LIST_LIMITS.max,
      default: LIST_LIMITS.default,
    });
  });

  it('every route that takes a body documents 400, 413 and 415; every route but /health 500 and 503', () => {
    for (const { route, operation } of operations) {
      const statuses = Object.keys(operation.responses as JsonObject);
      if (operation.requestBody)
        expect([route, statuses]).toEqual([route, expect.arrayContaining(['400', '413', '415'])]);
      if (route !== 'GET /health')
        expect([route, statuses]).toEqual([route, expect.arrayContaining(['500', '503'])]);
    }
  });

  const REPLACEMENTS: readonly [string, unknown][] = [
    ['removed', REMOVE],
    ['null', null],
    ['empty string', ''],
    ['one letter', 'x'],
    ['zero', 0],
    ['negative', -1],
    ['fraction', 1.5],
    ['1,000,001', 1_000_001],
    ['true', true],
    ['object', {}],
    ['array', []],
    ['lower-case code', 'eur'],
    ['65 characters', 'A'.repeat(65)],
    ['129 characters', 'A'.repeat(129)],
    ['an emoji', '🎁'],
    ['spaces', 'SKU RED'],
    // Each limit of PLACE_ORDER_LIMITS, and one past it: the schema's limits must be the domain's.
    ...Object.values(PLACE_ORDER_LIMITS).flatMap((limit): [string, unknown][] => [
      ...('maxLength' in limit
        ? ([
            [`${limit.maxLength} characters`, 'A'.repeat(limit.maxLength)],
            [`${limit.maxLength + 1} characters`, 'A'.repeat(limit.maxLength + 1)],
          ] as [string, unknown][])
        : []),
      ...('max' in limit
        ? ([
            [`${limit.max}`, limit.max],
            [`${limit.max + 1}`, limit.max + 1],
          ] as [string, unknown][])
        : []),
    ]),
  ];
  const exampleOrder = (components.examples?.PlaceOrderRequest as JsonObject)
    .value as unknown as PlaceOrderRequest;

  it('POST /orders: the schema and parsePlaceOrder give the same verdict on every field replaced or removed', () => {
    const validate = validatorOf('PlaceOrderRequest');
    expect(errorsOf(validate, exampleOrder)).toEqual([]);
    expect(E.isRight(parsePlaceOrder(exampleOrder))).toBe(true);
    const withLine2 = {
      ...exampleOrder,
      shippingAddress: { ...exampleOrder.shippingAddress, line2: 'Flat 3' },
    };
    const disagreements: string[] = [];
    for (const input of [exampleOrder, withLine2]) {
      for (const at of leaves(input)) {
        for (const [label, value] of REPLACEMENTS) {
          const mutated = withValue(input, at, value);
          const byDomain = E.isRight(parsePlaceOrder(mutated));
          if (byDomain !== validate(mutated))
            disagreements.push(`${at.join('.')} ${label}: domain ${byDomain}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('POST /orders: unknown fields are refused by both, at every level', () => {
    const validate = validatorOf('PlaceOrderRequest');
    const order = exampleOrder as unknown as { items: object[]; shippingAddress: object };
    for (const bad of [
      { ...order, extra: 1 },
      { ...order, items: [{ ...order.items[0], extra: 1 }] },
      { ...order, shippingAddress: { ...order.shippingAddress, line_2: 'x' } },
    ]) {
      expect([validate(bad), E.isRight(parsePlaceOrder(bad))]).toEqual([false, false]);
    }
  });

  it('PUT /inventory/{sku}: the schemas and parseStockLevel agree', () => {
    const body = validatorOf('StockLevel');
    const sku = validatorOf('Sku');
    const cases: [unknown, unknown][] = [
      ['SKU-RED', { available: 10 }],
      ['SKU-RED', { available: 0 }],
      ['sku-1', { available: 1_000_000 }],
      ['SKU-RED', { available: 1_000_001 }],
      ['SKU-RED', { available: -1 }],
      ['SKU-RED', { available: 1.5 }],
      ['SKU-RED', { available: '5' }],
      ['SKU-RED', {}],
      ['SKU-RED', { available: 1, sku: 'SKU-RED' }],
      ['SKU-RED', { available: 1, unitPrice: 1250, currency: 'EUR' }],
      ['SKU-RED', { available: 1, unitPrice: 1_000_000, currency: 'JPY' }],
      ['SKU-RED', { available: 1, unitPrice: 1_000_001, currency: 'EUR' }],
      ['SKU-RED', { available: 1, unitPrice: 0, currency: 'EUR' }],
      ['SKU-RED', { available: 1, unitPrice: 1250 }],
      ['SKU-RED', { available: 1, currency: 'EUR' }],
      ['SKU-RED', { available: 1, unitPrice: 1250, currency: 'eur' }],
      ['-SKU', { available: 1 }],
      ['A'.repeat(65), { available: 1 }],
      ['SKU RED', { available: 1 }],
    ];
    for (const [s, b] of cases) {
      expect([s, b, sku(s) && body(b)]).toEqual([s, b, E.isRight(parseStockLevel(s, b))]);
    }
  });

  it('POST /orders: what placeOrder answers matches the 202 response', async () => {
    const appended: unknown[] = [];
    const store = { append: async (envelopes: unknown[]) => void appended.push(...envelopes) };
    const idempotency = { claim: async () => ({ claimed: true }) };
    const catalogue = {
      prices: async (skus: readonly string[]) =>
        new Map(skus.map((sku) => [sku, { unitPrice: 1250, currency: 'EUR' }])),
    };
    const response = await placeOrder(
      {
        store: store as unknown as EventStore,
        idempotency: idempotency as unknown as IdempotencyStore,
        catalogue,
        paymentMethods: { seal: () => 'pm1.sealed' },
        now: () => new Date('2026-11-26T09:30:00.000Z'),
        newId: () => '01JDQ3ZJ4X7V9G2K8M5N6P0R1S',
      },
      {
        body: exampleOrder,
        path: {},
        query: {},
        headers: { 'idempotency-key': 'k-1' },
        requestId: 'r-1',
        caller: { subject: exampleOrder.customerId, scopes: ['orderflow/orders'] },
      },
    );
    const accepted = (operationOf('POST /orders').operation.responses as JsonObject)['202'] as JsonObject;
    expect(String(response.status)).toBe('202');
    expect(errorsOf(validatorOf('OrderAccepted'), response.body)).toEqual([]);
    const location = ((accepted.headers as JsonObject).Location as JsonObject).schema;
    expect(errorsOf(validatorFor(location as Json), response.headers?.location)).toEqual([]);
    expect(appended).toHaveLength(1);
  });

  it('the order view and the stored envelopes the domain produces match OrderView and EventEnvelope', () => {
    const orderId = '01JDQ3ZJ4X7V9G2K8M5N6P0R1S';
    const at = '2026-11-26T09:30:00.000Z';
    const request = parsePlaceOrder(exampleOrder);
    if (E.isLeft(request)) throw request.left;
    const prices = new Map(
      request.right.items.map((line) => [line.sku, { unitPrice: 1250, currency: 'EUR' }]),
    );
    const events = decide(
      {
        type: 'PlaceOrder',
        orderId,
        placedAt: at,
        request: request.right,
        prices,
        paymentMethod: { reference: 'pm1.sealed' },
      },
      undefined,
      { now: at },
    );
    if (E.isLeft(events)) throw events.left;
    let n = 0;
    const envelopes = toEnvelopes(events.right, {
      orderId,
      currentVersion: 0,
      occurredAt: at,
      correlationId: orderId,
      causationId: 'r-1',
      newEventId: () => `01JDQ3ZJ4X7V9G2K8M5N6P0R${(n += 1).toString().padStart(2, '0')}`,
    });
    const state = foldEvents(envelopes);
    if (!state) throw new TypeError('no state');
    expect(errorsOf(validatorOf('OrderView'), toView(state))).toEqual([]);
    for (const envelope of envelopes) expect(errorsOf(validatorOf('EventEnvelope'), envelope)).toEqual([]);
    expect(errorsOf(validatorOf('OrderView'), { ...toView(state), cancellationReason: 'LOST' })).not.toEqual(
      [],
    );
  });
});
