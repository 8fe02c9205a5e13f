/**
 * SNS subscription filter-policy conformance cases, taken from the examples in the Amazon SNS Developer Guide
 * (each group names its page and section), in both filter policy scopes. Where a page shows only matching
 * messages, the non-matching case changes one value. Attribute-scope messages carry the attributes as
 * Publish sends them (DataType + StringValue), so later integration tests can replay the same table through
 * real subscriptions and delivery.
 *
 * Pages (https://docs.aws.amazon.com/sns/latest/dg/...):
 * - example-filter-policies.html                "Amazon SNS example filter policies"
 * - string-value-matching.html                  "String value matching" (one section each)
 * - numeric-value-matching.html                 "Numeric value matching"
 * - attribute-key-matching.html                 "Key matching"
 * - and-or-logic.html                           "AND/OR logic"
 * - subscription-filter-policy-constraints.html "Filter policy constraints"
 * - subscription-filter-policy-constraints.html, attribute scope: Binary attributes are ignored
 */

import type { FilterableMessage, FilterPolicyScope } from '../../../../src/local/matching/filter-policy';

export interface FilterPolicyCase {
  readonly name: string;
  readonly policy: object;
  readonly scope: FilterPolicyScope;
  readonly message: FilterableMessage;
  readonly matches: boolean;
}

export interface FilterPolicyValidationCase {
  readonly name: string;
  readonly policy: unknown;
  readonly scope: FilterPolicyScope;
  /** The whole error message, as SNS words it. */
  readonly message: string;
}

type Attribute = FilterableMessage['attributes'][string];

const str = (value: string): Attribute => ({ DataType: 'String', StringValue: value });
const num = (value: number | string): Attribute => ({ DataType: 'Number', StringValue: String(value) });
const strArray = (values: readonly unknown[]): Attribute => ({
  DataType: 'String.Array',
  StringValue: JSON.stringify(values),
});

/** An attribute-scope message; its body is the example's opaque text. */
const withAttributes = (attributes: Record<string, Attribute>): FilterableMessage => ({
  attributes,
  body: 'message-body-with-transaction-details',
});

/** A body-scope message with no attributes. */
const withBody = (body: unknown): FilterableMessage => ({
  attributes: {},
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

// example-filter-policies.html: the customer transaction, as attributes and as a body.
const transactionAttributes = withAttributes({
  customer_interests: strArray(['soccer', 'rugby', 'hockey']),
  store: str('example_corp'),
  event: str('order_placed'),
  price_usd: num('210.75'),
});

const transactionBody = withBody(
  '{ "customer_interests": ["soccer", "rugby", "hockey"], "store": "example_corp", "event":"order_placed", "price_usd":210.75 }',
);

const acceptingPolicy = {
  store: ['example_corp'],
  event: [{ 'anything-but': 'order_cancelled' }],
  customer_interests: ['rugby', 'football', 'baseball'],
  price_usd: [{ numeric: ['>=', 100] }],
};

const rejectingPolicy = {
  store: ['example_corp'],
  event: ['order_cancelled'],
  encrypted: [false],
  customer_interests: ['basketball', 'baseball'],
};

// subscription-filter-policy-constraints.html: the payload-based key-counting example.
const findingPolicy = {
  state: ['SUCCESS'],
  severity: [{ exists: true }],
  message: [{ exists: true }],
  finding: {
    standard_control: [{ exists: true }],
    region: [{ exists: true }],
    account: [{ exists: true }],
  },
};

const orPolicy = {
  source: ['aws.cloudwatch'],
  $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
};

export const filterPolicyCases: readonly FilterPolicyCase[] = [
  // --- example-filter-policies.html, "A policy that accepts / rejects the example message" ---
  {
    name: 'example policy accepts the transaction (attributes)',
    policy: acceptingPolicy,
    scope: 'MessageAttributes',
    message: transactionAttributes,
    matches: true,
  },
  {
    name: 'example policy rejects the transaction (attributes)',
    policy: rejectingPolicy,
    scope: 'MessageAttributes',
    message: transactionAttributes,
    matches: false,
  },
  {
    name: 'example policy accepts the transaction (body)',
    policy: acceptingPolicy,
    scope: 'MessageBody',
    message: transactionBody,
    matches: true,
  },
  {
    name: 'example policy rejects the transaction (body)',
    policy: rejectingPolicy,
    scope: 'MessageBody',
    message: transactionBody,
    matches: false,
  },
  {
    name: 'attribute policy ignores the body',
    policy: acceptingPolicy,
    scope: 'MessageAttributes',
    message: { attributes: {}, body: transactionBody.body },
    matches: false,
  },

  // --- string-value-matching.html, "Exact matching": ["rugby", "tennis"] ---
  {
    name: 'exact string matches a String attribute',
    policy: { customer_interests: ['rugby', 'tennis'] },
    scope: 'MessageAttributes',
    message: withAttributes({ customer_interests: str('rugby') }),
    matches: true,
  },
  {
    name: 'exact string matches a String.Array element',
    policy: { customer_interests: ['rugby', 'tennis'] },
    scope: 'MessageAttributes',
    message: withAttributes({ customer_interests: strArray(['rugby', 'tennis']) }),
    matches: true,
  },
  {
    name: 'exact string rejects another String',
    policy: { customer_interests: ['rugby', 'tennis'] },
    scope: 'MessageAttributes',
    message: withAttributes({ customer_interests: str('baseball') }),
    matches: false,
  },
  {
    name: 'exact string rejects a String.Array without it',
    policy: { customer_interests: ['rugby', 'tennis'] },
    scope: 'MessageAttributes',
    message: withAttributes({ customer_interests: strArray(['baseball']) }),
    matches: false,
  },
  {
    name: 'exact string matches a body property',
    policy: { customer_interests: ['rugby', 'tennis'] },
    scope: 'MessageBody',
    message: withBody({ customer_interests: 'tennis' }),
    matches: true,
  },
  {
    name: 'exact string rejects another body property value',
    policy: { customer_interests: ['rugby', 'tennis'] },
    scope: 'MessageBody',
    message: withBody({ customer_interests: 'baseball' }),
    matches: false,
  },
  {
    name: 'string matching is case-sensitive',
    policy: { customer_interests: ['rugby'] },
    scope: 'MessageAttributes',
    message: withAttributes({ customer_interests: str('Rugby') }),
    matches: false,
  },

  // --- string-value-matching.html, "Prefix matching": { "prefix": "bas" } ---
  {
    name: 'prefix matches baseball',
    policy: { customer_interests: [{ prefix: 'bas' }] },
    scope: 'MessageAttributes',
    message: withAttributes({ customer_interests: str('baseball') }),
    matches: true,
  },
  {
    name: 'prefix rejects rugby',
    policy: { customer_interests: [{ prefix: 'bas' }] },
    scope: 'MessageAttributes',
    message: withAttributes({ customer_interests: str('rugby') }),
    matches: false,
  },
  {
    name: 'prefix matches a body property',
    policy: { customer_interests: [{ prefix: 'bas' }] },
    scope: 'MessageBody',
    message: withBody({ customer_interests: 'basketball' }),
    matches: true,
  },

  // --- string-value-matching.html, "Suffix matching": { "suffix": "ball" } ---
  {
    name: 'suffix matches basketball',
    policy: { customer_interests: [{ suffix: 'ball' }] },
    scope: 'MessageAttributes',
    message: withAttributes({ customer_interests: str('basketball') }),
    matches: true,
  },
  {
    name: 'suffix rejects rugby',
    policy: { customer_interests: [{ suffix: 'ball' }] },
    scope: 'MessageBody',
    message: withBody({ customer_interests: 'rugby' }),
    matches: false,
  },

  // --- string-value-matching.html, "Equals-ignore-case matching": { "equals-ignore-case": "tennis" } ---
  {
    name: 'equals-ignore-case matches TENNIS',
    policy: { customer_interests: [{ 'equals-ignore-case': 'tennis' }] },
    scope: 'MessageAttributes',
    message: withAttributes({ customer_interests: str('TENNIS') }),
    matches: true,
  },
  {
    name: 'equals-ignore-case rejects rugby',
    policy: { customer_interests: [{ 'equals-ignore-case': 'tennis' }] },
    scope: 'MessageBody',
    message: withBody({ customer_interests: 'rugby' }),
    matches: false,
  },

  // --- string-value-matching.html, "Anything-but matching": { "anything-but": ["rugby", "tennis"] } ---
  {
    name: 'anything-but matches baseball',
    policy: { customer_interests: [{ 'anything-but': ['rugby', 'tennis'] }] },
    scope: 'MessageAttributes',
    message: withAttributes({ customer_interests: str('baseball') }),
    matches: true,
  },
  {
    name: 'anything-but matches a String.Array with one unlisted element',
    policy: { customer_interests: [{ 'anything-but': ['rugby', 'tennis'] }] },
    scope: 'MessageAttributes',
    message: withAttributes({ customer_interests: strArray(['rugby', 'baseball']) }),
    matches: true,
  },
  {
    name: 'anything-but rejects rugby',
    policy: { customer_interests: [{ 'anything-but': ['rugby', 'tennis'] }] },
    scope: 'MessageAttributes',
    message: withAttributes({ customer_interests: str('rugby') }),
    matches: false,
  },
  {
    name: 'anything-but matches a body array with one unlisted element',
    policy: { customer_interests: [{ 'anything-but': ['rugby', 'tennis'] }] },
    scope: 'MessageBody',
    message: withBody({ customer_interests: ['rugby', 'baseball'] }),
    matches: true,
  },
  {
    name: 'anything-but rejects a body array of listed values',
    policy: { customer_interests: [{ 'anything-but': ['rugby', 'tennis'] }] },
    scope: 'MessageBody',
    message: withBody({ customer_interests: ['rugby'] }),
    matches: false,
  },
  {
    name: 'anything-but alone rejects a missing attribute',
    policy: { customer_interests: [{ 'anything-but': ['rugby'] }] },
    scope: 'MessageAttributes',
    message: withAttributes({ store: str('example_corp') }),
    matches: false,
  },
  {
    name: 'anything-but combined with exists false accepts a missing attribute',
    policy: { customer_interests: [{ 'anything-but': ['rugby'] }, { exists: false }] },
    scope: 'MessageAttributes',
    message: withAttributes({ store: str('example_corp') }),
    matches: true,
  },

  // --- string-value-matching.html, "Using a prefix with the anything-but operator": { "prefix": "order-" } ---
  {
    name: 'anything-but prefix matches data-entry',
    policy: { event: [{ 'anything-but': { prefix: 'order-' } }] },
    scope: 'MessageAttributes',
    message: withAttributes({ event: str('data-entry') }),
    matches: true,
  },
  {
    name: 'anything-but prefix matches order_number',
    policy: { event: [{ 'anything-but': { prefix: 'order-' } }] },
    scope: 'MessageAttributes',
    message: withAttributes({ event: str('order_number') }),
    matches: true,
  },
  {
    name: 'anything-but prefix rejects order-cancelled',
    policy: { event: [{ 'anything-but': { prefix: 'order-' } }] },
    scope: 'MessageAttributes',
    message: withAttributes({ event: str('order-cancelled') }),
    matches: false,
  },
  {
    name: 'anything-but prefix rejects order-cancelled in a body',
    policy: { event: [{ 'anything-but': { prefix: 'order-' } }] },
    scope: 'MessageBody',
    message: withBody({ event: 'order-cancelled' }),
    matches: false,
  },

  // --- string-value-matching.html, "IP address matching": { "cidr": "10.0.0.0/24" } ---
  {
    name: 'cidr matches 10.0.0.0',
    policy: { source_ip: [{ cidr: '10.0.0.0/24' }] },
    scope: 'MessageAttributes',
    message: withAttributes({ source_ip: str('10.0.0.0') }),
    matches: true,
  },
  {
    name: 'cidr matches 10.0.0.255',
    policy: { source_ip: [{ cidr: '10.0.0.0/24' }] },
    scope: 'MessageAttributes',
    message: withAttributes({ source_ip: str('10.0.0.255') }),
    matches: true,
  },
  {
    name: 'cidr rejects 10.1.1.0',
    policy: { source_ip: [{ cidr: '10.0.0.0/24' }] },
    scope: 'MessageAttributes',
    message: withAttributes({ source_ip: str('10.1.1.0') }),
    matches: false,
  },
  {
    name: 'cidr matches a body property',
    policy: { source_ip: [{ cidr: '10.0.0.0/24' }] },
    scope: 'MessageBody',
    message: withBody({ source_ip: '10.0.0.255' }),
    matches: true,
  },

  // --- numeric-value-matching.html, "Exact matching": { "numeric": ["=", 301.5] } ---
  {
    name: 'numeric = matches a Number attribute',
    policy: { price_usd: [{ numeric: ['=', 301.5] }] },
    scope: 'MessageAttributes',
    message: withAttributes({ price_usd: num('301.5') }),
    matches: true,
  },
  {
    name: 'numeric = matches a Number attribute written 3.015e2',
    policy: { price_usd: [{ numeric: ['=', 301.5] }] },
    scope: 'MessageAttributes',
    message: withAttributes({ price_usd: num('3.015e2') }),
    matches: true,
  },
  {
    name: 'numeric = matches a body number written 3.015e2',
    policy: { price_usd: [{ numeric: ['=', 301.5] }] },
    scope: 'MessageBody',
    message: withBody('{ "price_usd": 3.015e2 }'),
    matches: true,
  },
  {
    name: 'numeric = rejects another number',
    policy: { price_usd: [{ numeric: ['=', 301.5] }] },
    scope: 'MessageBody',
    message: withBody({ price_usd: 301.6 }),
    matches: false,
  },
  {
    name: 'numeric matching ignores a String attribute',
    policy: { price_usd: [{ numeric: ['=', 301.5] }] },
    scope: 'MessageAttributes',
    message: withAttributes({ price_usd: str('301.5') }),
    matches: false,
  },
  {
    name: 'a number literal matches a Number attribute',
    policy: { price_usd: [210.75] },
    scope: 'MessageAttributes',
    message: withAttributes({ price_usd: num('210.75') }),
    matches: true,
  },

  // --- numeric-value-matching.html, "Anything-but matching": { "anything-but": [100, 500] } ---
  {
    name: 'numeric anything-but matches 101',
    policy: { price: [{ 'anything-but': [100, 500] }] },
    scope: 'MessageAttributes',
    message: withAttributes({ price: num(101) }),
    matches: true,
  },
  {
    name: 'numeric anything-but matches 100.1 in a body',
    policy: { price: [{ 'anything-but': [100, 500] }] },
    scope: 'MessageBody',
    message: withBody({ price: 100.1 }),
    matches: true,
  },
  {
    name: 'numeric anything-but matches a body array with 50',
    policy: { price: [{ 'anything-but': [100, 500] }] },
    scope: 'MessageBody',
    message: withBody({ price: [100, 50] }),
    matches: true,
  },
  {
    name: 'numeric anything-but rejects 100',
    policy: { price: [{ 'anything-but': [100, 500] }] },
    scope: 'MessageAttributes',
    message: withAttributes({ price: num(100) }),
    matches: false,
  },
  {
    name: 'numeric anything-but rejects 100 in a body',
    policy: { price: [{ 'anything-but': [100, 500] }] },
    scope: 'MessageBody',
    message: withBody({ price: 100 }),
    matches: false,
  },

  // --- numeric-value-matching.html, "Value range matching" ---
  {
    name: 'numeric < 0 matches a negative number',
    policy: { price_usd: [{ numeric: ['<', 0] }] },
    scope: 'MessageBody',
    message: withBody({ price_usd: -1 }),
    matches: true,
  },
  {
    name: 'numeric < 0 rejects 0',
    policy: { price_usd: [{ numeric: ['<', 0] }] },
    scope: 'MessageAttributes',
    message: withAttributes({ price_usd: num(0) }),
    matches: false,
  },
  {
    name: 'numeric (0, 150] includes 150',
    policy: { price_usd: [{ numeric: ['>', 0, '<=', 150] }] },
    scope: 'MessageAttributes',
    message: withAttributes({ price_usd: num(150) }),
    matches: true,
  },
  {
    name: 'numeric (0, 150] excludes 150.5',
    policy: { price_usd: [{ numeric: ['>', 0, '<=', 150] }] },
    scope: 'MessageBody',
    message: withBody({ price_usd: 150.5 }),
    matches: false,
  },

  // --- attribute-key-matching.html, "Key matching": exists true / false ---
  {
    name: 'exists true matches an attribute list with store',
    policy: { store: [{ exists: true }] },
    scope: 'MessageAttributes',
    message: withAttributes({ store: str('fans'), customer_interests: strArray(['baseball', 'basketball']) }),
    matches: true,
  },
  {
    name: 'exists true rejects an attribute list without store',
    policy: { store: [{ exists: true }] },
    scope: 'MessageAttributes',
    message: withAttributes({ customer_interests: strArray(['baseball', 'basketball']) }),
    matches: false,
  },
  {
    name: 'exists true matches a body with store',
    policy: { store: [{ exists: true }] },
    scope: 'MessageBody',
    message: withBody({ store: 'fans', customer_interests: ['baseball', 'basketball'] }),
    matches: true,
  },
  {
    name: 'exists true rejects a body without store',
    policy: { store: [{ exists: true }] },
    scope: 'MessageBody',
    message: withBody({ customer_interests: ['baseball', 'basketball'] }),
    matches: false,
  },
  {
    name: 'exists true needs a non-null body value',
    policy: { store: [{ exists: true }] },
    scope: 'MessageBody',
    message: withBody({ store: null }),
    matches: false,
  },
  {
    name: 'exists false matches an attribute list without store',
    policy: { store: [{ exists: false }] },
    scope: 'MessageAttributes',
    message: withAttributes({ customer_interests: strArray(['baseball', 'basketball']) }),
    matches: true,
  },
  {
    name: 'exists false rejects an attribute list with store',
    policy: { store: [{ exists: false }] },
    scope: 'MessageAttributes',
    message: withAttributes({ store: str('fans') }),
    matches: false,
  },
  {
    name: 'exists false matches a body without store',
    policy: { store: [{ exists: false }] },
    scope: 'MessageBody',
    message: withBody({ customer_interests: ['baseball', 'basketball'] }),
    matches: true,
  },
  {
    name: 'exists false does not match a message with no attributes',
    policy: { store: [{ exists: false }] },
    scope: 'MessageAttributes',
    message: withAttributes({}),
    matches: false,
  },

  // --- and-or-logic.html, "AND logic" and "OR logic" ---
  {
    name: 'AND: rugby and price above 100',
    policy: { customer_interests: ['rugby'], price_usd: [{ numeric: ['>', 100] }] },
    scope: 'MessageAttributes',
    message: withAttributes({ customer_interests: str('rugby'), price_usd: num(150) }),
    matches: true,
  },
  {
    name: 'AND: rugby but price 50',
    policy: { customer_interests: ['rugby'], price_usd: [{ numeric: ['>', 100] }] },
    scope: 'MessageAttributes',
    message: withAttributes({ customer_interests: str('rugby'), price_usd: num(50) }),
    matches: false,
  },
  {
    name: 'OR: any of three values',
    policy: { customer_interests: ['rugby', 'football', 'baseball'] },
    scope: 'MessageBody',
    message: withBody({ customer_interests: 'football' }),
    matches: true,
  },

  // --- and-or-logic.html, "OR operator": "source" && ("metricName" || "namespace") ---
  {
    name: '$or matches source and metricName',
    policy: orPolicy,
    scope: 'MessageAttributes',
    message: withAttributes({ source: str('aws.cloudwatch'), metricName: str('CPUUtilization') }),
    matches: true,
  },
  {
    name: '$or matches source and namespace',
    policy: orPolicy,
    scope: 'MessageAttributes',
    message: withAttributes({ source: str('aws.cloudwatch'), namespace: str('AWS/EC2') }),
    matches: true,
  },
  {
    name: '$or rejects source alone',
    policy: orPolicy,
    scope: 'MessageAttributes',
    message: withAttributes({ source: str('aws.cloudwatch'), metricName: str('ReadLatency') }),
    matches: false,
  },
  {
    name: '$or in a body',
    policy: orPolicy,
    scope: 'MessageBody',
    message: withBody({ source: 'aws.cloudwatch', namespace: 'AWS/EC2' }),
    matches: true,
  },
  {
    name: '$or nested in a body property',
    policy: {
      source: ['aws.cloudwatch'],
      detail: {
        $or: [{ metricName: ['CPUUtilization'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2'] }],
      },
    },
    scope: 'MessageBody',
    message: withBody({
      source: 'aws.cloudwatch',
      detail: { metricType: 'MetricType', namespace: 'AWS/EC2' },
    }),
    matches: true,
  },

  // --- subscription-filter-policy-constraints.html, payload-based filtering (nested keys) ---
  {
    name: 'nested body policy matches a complete finding',
    policy: findingPolicy,
    scope: 'MessageBody',
    message: withBody({
      state: 'SUCCESS',
      severity: 'HIGH',
      message: 'm',
      finding: { standard_control: 'c', region: 'us-east-1', account: '123456789012' },
    }),
    matches: true,
  },
  {
    name: 'nested body policy rejects a finding without region',
    policy: findingPolicy,
    scope: 'MessageBody',
    message: withBody({
      state: 'SUCCESS',
      severity: 'HIGH',
      message: 'm',
      finding: { standard_control: 'c', account: '123456789012' },
    }),
    matches: false,
  },
  {
    name: 'a body that is not JSON matches nothing',
    policy: { store: [{ exists: false }] },
    scope: 'MessageBody',
    message: withBody('message-body-with-transaction-details'),
    matches: false,
  },
  {
    name: 'a body that is a JSON array matches nothing',
    policy: { store: [{ exists: false }] },
    scope: 'MessageBody',
    message: withBody('[{"store": "fans"}]'),
    matches: false,
  },

  // --- subscription-filter-policy-constraints.html, attribute-based filtering: Binary attributes are ignored ---
  {
    name: 'a Binary attribute does not count as present',
    policy: { store: [{ exists: true }] },
    scope: 'MessageAttributes',
    message: withAttributes({ store: { DataType: 'Binary' }, event: str('order_placed') }),
    matches: false,
  },
];

const qualified = (reason: string): string => `Invalid parameter: FilterPolicy: ${reason}`;

export const filterPolicyValidationCases: readonly FilterPolicyValidationCase[] = [
  {
    name: 'policy must be an object',
    policy: ['store'],
    scope: 'MessageAttributes',
    message: qualified('Filter is not an object'),
  },
  {
    name: 'values must be in an array',
    policy: { store: 'example_corp' },
    scope: 'MessageAttributes',
    message: qualified('"store" must be an object or an array'),
  },
  {
    name: 'value arrays must not be empty',
    policy: { store: [] },
    scope: 'MessageBody',
    message: qualified('Empty arrays are not allowed'),
  },
  {
    name: 'attribute scope refuses nesting',
    policy: findingPolicy,
    scope: 'MessageAttributes',
    message: 'Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy',
  },
  {
    name: 'attribute scope refuses nesting inside $or',
    policy: { $or: [{ a: ['x'] }, { b: { c: ['y'] } }] },
    scope: 'MessageAttributes',
    message: 'Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy',
  },
  {
    name: 'at most five attribute keys',
    policy: { a: ['1'], b: ['1'], c: ['1'], d: ['1'], e: ['1'], f: ['1'] },
    scope: 'MessageAttributes',
    message: qualified('Filter policy can not have more than 5 keys'),
  },
  {
    name: 'at most five top-level body keys',
    policy: { a: ['1'], b: ['1'], c: ['1'], d: ['1'], e: ['1'], f: { g: ['1'] } },
    scope: 'MessageBody',
    message: qualified('Filter policy can not have more than 5 keys'),
  },
  {
    name: 'at most 150 combinations',
    policy: {
      a: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'],
      b: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15', '16'],
    },
    scope: 'MessageAttributes',
    message: qualified('Filter policy is too complex'),
  },
  {
    name: 'nesting depth multiplies combinations',
    policy: {
      a: {
        b: {
          c: [
            '1',
            '2',
            '3',
            '4',
            '5',
            '6',
            '7',
            '8',
            '9',
            '10',
            '11',
            '12',
            '13',
            '14',
            '15',
            '16',
            '17',
            '18',
            '19',
            '20',
            '21',
            '22',
            '23',
            '24',
            '25',
            '26',
            '27',
            '28',
            '29',
            '30',
            '31',
            '32',
            '33',
            '34',
            '35',
            '36',
            '37',
            '38',
            '39',
            '40',
            '41',
            '42',
            '43',
            '44',
            '45',
            '46',
            '47',
            '48',
            '49',
            '50',
            '51',
          ],
        },
      },
    },
    scope: 'MessageBody',
    message: qualified('Filter policy is too complex'),
  },
  {
    name: 'wildcard is EventBridge-only',
    policy: { file: [{ wildcard: 'dir/*.png' }] },
    scope: 'MessageAttributes',
    message: qualified('Unrecognized match type wildcard'),
  },
  {
    name: 'unknown operators are refused',
    policy: { store: [{ contains: 'corp' }] },
    scope: 'MessageAttributes',
    message: qualified('Unrecognized match type contains'),
  },
  {
    name: 'anything-but equals-ignore-case is EventBridge-only',
    policy: { store: [{ 'anything-but': { 'equals-ignore-case': 'corp' } }] },
    scope: 'MessageAttributes',
    message: qualified('Unsupported anything-but pattern: equals-ignore-case'),
  },
  {
    name: 'anything-but must not hold exists',
    policy: { store: [{ 'anything-but': { exists: false } }] },
    scope: 'MessageAttributes',
    message: qualified('Unsupported anything-but pattern: exists'),
  },
  {
    name: 'anything-but prefix must be a string',
    policy: { store: [{ 'anything-but': { prefix: false } }] },
    scope: 'MessageAttributes',
    message: qualified('prefix/suffix match pattern must be a string'),
  },
  {
    name: 'anything-but prefix takes no list',
    policy: { store: [{ 'anything-but': { prefix: ['a', 'b'] } }] },
    scope: 'MessageAttributes',
    message: qualified('prefix/suffix match pattern must be a string'),
  },
  {
    name: 'prefix equals-ignore-case is EventBridge-only',
    policy: { store: [{ prefix: { 'equals-ignore-case': 'ex' } }] },
    scope: 'MessageAttributes',
    message: qualified('prefix match pattern must be a string'),
  },
  {
    name: 'numeric operands stay within 10^9',
    policy: { price: [{ numeric: ['>', 2e9] }] },
    scope: 'MessageAttributes',
    message: qualified('Value must be between -1000000000 and 1000000000, inclusive'),
  },
  {
    name: 'numeric range bottom must be below top',
    policy: { price: [{ numeric: ['>', 10, '<', 5] }] },
    scope: 'MessageBody',
    message: qualified('Bottom must be less than top'),
  },
  {
    name: 'exists must be a boolean',
    policy: { store: [{ exists: 'true' }] },
    scope: 'MessageAttributes',
    message: qualified('exists match pattern must be either true or false.'),
  },
  {
    name: 'cidr must be well formed',
    policy: { ip: [{ cidr: '10.0.0.0' }] },
    scope: 'MessageAttributes',
    message: qualified("Malformed CIDR, one '/' required"),
  },
  {
    name: '$or needs two branches',
    policy: { $or: [{ a: ['x'] }] },
    scope: 'MessageBody',
    message: qualified('There must have at least 2 Objects in $or relationship.'),
  },
];

/** Policies SNS accepts, in the scope given. */
export const validFilterPolicies: readonly {
  readonly name: string;
  readonly policy: object;
  readonly scope: FilterPolicyScope;
}[] = [
  { name: 'the empty policy', policy: {}, scope: 'MessageAttributes' },
  {
    name: 'the constraints page key-counting example (four top-level keys)',
    policy: findingPolicy,
    scope: 'MessageBody',
  },
  {
    name: 'the constraints page complexity example (3 x 4 x 2 x 3 = 72)',
    policy: {
      key_a: { key_b: { key_c: ['value_one', 'value_two', 'value_three', 'value_four'] } },
      key_d: { key_e: ['value_one', 'value_two', 'value_three'] },
    },
    scope: 'MessageBody',
  },
  {
    name: 'five keys with a $or counting as its largest branch',
    policy: { a: ['1'], b: ['1'], c: ['1'], $or: [{ d: ['1'] }, { e: ['1'], f: ['1'] }] },
    scope: 'MessageAttributes',
  },
  {
    name: 'exactly 150 combinations',
    policy: {
      a: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'],
      b: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15'],
    },
    scope: 'MessageAttributes',
  },
  {
    name: 'anything-but suffix',
    policy: { file: [{ 'anything-but': { suffix: '.png' } }] },
    scope: 'MessageAttributes',
  },
  {
    name: 'every SNS operator together',
    policy: {
      a: ['x', 1, true, null, { prefix: 'p' }, { suffix: 's' }, { 'equals-ignore-case': 'E' }],
      b: [
        { 'anything-but': [1, 2] },
        { numeric: ['>=', 0, '<', 10] },
        { exists: true },
        { cidr: '10.0.0.0/8' },
      ],
    },
    scope: 'MessageAttributes',
  },
];
