import * as E from 'fp-ts/Either';
import {
  MAX_ORDER_TOTAL_MINOR,
  MAX_UNIT_PRICE_MINOR,
  parsePlaceOrder,
  PLACE_ORDER_LIMITS,
  type PlaceOrderRequest,
  ValidationError,
} from '../../../src/domain/orders';
import { validBody } from './fixtures';

type Body = Record<string, unknown>;
type Mutation = (body: Body) => unknown;

const issuesOf = (input: unknown): { path: string; rule: string }[] => {
  const result = parsePlaceOrder(input);
  if (E.isRight(result)) throw new TypeError('expected the body to be rejected');
  expect(result.left).toBeInstanceOf(ValidationError);
  expect(result.left.code).toBe('VALIDATION_FAILED');
  return result.left.details.map(({ path, rule }) => ({ path, rule }));
};

const accepted = (input: unknown): PlaceOrderRequest => {
  const result = parsePlaceOrder(input);
  if (E.isLeft(result))
    throw new TypeError(`expected acceptance, got ${JSON.stringify(result.left.details)}`);
  return result.right;
};

const withItem =
  (i: number, change: Body): Mutation =>
  (body) => {
    const items = body.items as Body[];
    items[i] = { ...items[i], ...change };
    return body;
  };
const omit = (record: Body, field: string): Body =>
  Object.fromEntries(Object.entries(record).filter(([key]) => key !== field));
const withoutItemField =
  (i: number, field: string): Mutation =>
  (body) => ({
    ...body,
    items: (body.items as Body[]).map((item, j) => (j === i ? omit(item, field) : item)),
  });
const withAddress =
  (change: Body): Mutation =>
  (body) => ({
    ...body,
    shippingAddress: { ...(body.shippingAddress as Body), ...change },
  });
const withoutAddressField =
  (field: string): Mutation =>
  (body) => ({ ...body, shippingAddress: omit(body.shippingAddress as Body, field) });
const without =
  (field: string): Mutation =>
  (body) =>
    omit(body, field);
const set =
  (field: string, value: unknown): Mutation =>
  (body) => ({ ...body, [field]: value });
const line = (i: number, quantity = 1, unitPrice = 100): Body => ({ sku: `SKU-${i}`, quantity, unitPrice });
const L = PLACE_ORDER_LIMITS;

describe('parsePlaceOrder rejects', () => {
  const cases: [name: string, mutate: Mutation, expected: [path: string, rule: string][]][] = [
    // the body itself
    ['a null body', () => null, [['', 'type']]],
    ['an array body', () => [validBody()], [['', 'type']]],
    ['a string body', () => JSON.stringify(validBody()), [['', 'type']]],
    ['a number body', () => 42, [['', 'type']]],
    ['an unknown top-level field', set('customerID', 'x'), [['customerID', 'unknownField']]],
    ['a client-supplied total', set('total', 3499), [['total', 'unknownField']]],
    // customerId
    ['a missing customerId', without('customerId'), [['customerId', 'required']]],
    ['a null customerId', set('customerId', null), [['customerId', 'required']]],
    ['a numeric customerId', set('customerId', 42), [['customerId', 'type']]],
    ['an empty customerId', set('customerId', ''), [['customerId', 'minLength']]],
    ['a 65-character customerId', set('customerId', 'c'.repeat(65)), [['customerId', 'maxLength']]],
    ['a customerId with a space', set('customerId', 'cust 42'), [['customerId', 'pattern']]],
    ['a customerId with a non-ASCII letter', set('customerId', 'cüst'), [['customerId', 'pattern']]],
    [
      'a customerId padded with spaces (nothing is trimmed)',
      set('customerId', ' cust-42 '),
      [['customerId', 'pattern']],
    ],
    // items
    ['missing items', without('items'), [['items', 'required']]],
    ['items as an object', set('items', { sku: 'SKU-1', quantity: 1, unitPrice: 1 }), [['items', 'type']]],
    ['no items', set('items', []), [['items', 'minItems']]],
    [
      `${L.items.maxItems + 1} items`,
      set(
        'items',
        Array.from({ length: L.items.maxItems + 1 }, (_, i) => line(i)),
      ),
      [['items', 'maxItems']],
    ],
    ['a null item', (b) => ({ ...b, items: [null] }), [['items[0]', 'required']]],
    ['a string item', (b) => ({ ...b, items: ['SKU-1'] }), [['items[0]', 'type']]],
    ['an unknown item field', withItem(1, { discount: 5 }), [['items[1].discount', 'unknownField']]],
    // sku
    ['a missing sku', withoutItemField(0, 'sku'), [['items[0].sku', 'required']]],
    ['a numeric sku', withItem(0, { sku: 123 }), [['items[0].sku', 'type']]],
    ['an empty sku', withItem(0, { sku: '' }), [['items[0].sku', 'minLength']]],
    ['a 65-character sku', withItem(0, { sku: 'S'.repeat(65) }), [['items[0].sku', 'maxLength']]],
    ['a sku starting with "-"', withItem(1, { sku: '-SKU' }), [['items[1].sku', 'pattern']]],
    ['a sku with "_"', withItem(0, { sku: 'SKU_1' }), [['items[0].sku', 'pattern']]],
    ['a sku with a space', withItem(0, { sku: 'SKU 1' }), [['items[0].sku', 'pattern']]],
    ['a repeated sku', withItem(1, { sku: 'SKU-1' }), [['items[1].sku', 'duplicateSku']]],
    // quantity
    ['a missing quantity', withoutItemField(0, 'quantity'), [['items[0].quantity', 'required']]],
    ['a string quantity', withItem(0, { quantity: '2' }), [['items[0].quantity', 'type']]],
    ['a NaN quantity', withItem(0, { quantity: Number.NaN }), [['items[0].quantity', 'type']]],
    [
      'an infinite quantity',
      withItem(0, { quantity: Number.POSITIVE_INFINITY }),
      [['items[0].quantity', 'type']],
    ],
    ['a fractional quantity', withItem(0, { quantity: 1.5 }), [['items[0].quantity', 'integer']]],
    ['a zero quantity', withItem(0, { quantity: 0 }), [['items[0].quantity', 'min']]],
    ['a negative quantity', withItem(1, { quantity: -3 }), [['items[1].quantity', 'min']]],
    [
      'a quantity above the maximum',
      withItem(0, { quantity: L.quantity.max + 1 }),
      [['items[0].quantity', 'max']],
    ],
    // unitPrice
    ['a string unitPrice', withItem(0, { unitPrice: '12.50' }), [['items[0].unitPrice', 'type']]],
    ['a major-unit unitPrice (12.5)', withItem(0, { unitPrice: 12.5 }), [['items[0].unitPrice', 'integer']]],
    ['a zero unitPrice', withItem(0, { unitPrice: 0 }), [['items[0].unitPrice', 'positive']]],
    ['a negative unitPrice', withItem(0, { unitPrice: -1 }), [['items[0].unitPrice', 'positive']]],
    [
      'a unitPrice above MAX_UNIT_PRICE_MINOR',
      withItem(0, { unitPrice: MAX_UNIT_PRICE_MINOR + 1, quantity: 1 }),
      [['items[0].unitPrice', 'max']],
    ],
    // SKUs are compared as they are stored, in upper case
    [
      'one SKU twice in two cases',
      set('items', [
        { sku: 'abc-1', quantity: 1, unitPrice: 1 },
        { sku: 'ABC-1', quantity: 1, unitPrice: 1 },
      ]),
      [['items[1].sku', 'duplicateSku']],
    ],
    // unsafe characters, in every free-text field (issue 12 item 12)
    ...(
      [
        ['NUL', '\u0000'],
        ['a line feed', '\n'],
        ['a carriage return', '\r'],
        ['a tab', '\t'],
        ['DEL', '\u007f'],
        ['a C1 control', '\u0085'],
        ['a line separator', '\u2028'],
        ['a right-to-left mark', '\u200f'],
        ['a right-to-left override', '\u202e'],
        ['a left-to-right embedding', '\u202a'],
        ['a first-strong isolate', '\u2068'],
        ['an Arabic letter mark', '\u061c'],
        ['a lone high surrogate', '\ud83c'],
        ['a lone low surrogate', '\udfe0'],
      ] as const
    ).flatMap(([name, character]): [string, Mutation, [string, string][]][] => [
      [
        `${name} in line1`,
        withAddress({ line1: `1 Main${character}St` }),
        [['shippingAddress.line1', 'unsafeCharacters']],
      ],
      [
        `${name} in line2`,
        withAddress({ line2: `Flat${character}` }),
        [['shippingAddress.line2', 'unsafeCharacters']],
      ],
      [
        `${name} in city`,
        withAddress({ city: `${character}Springfield` }),
        [['shippingAddress.city', 'unsafeCharacters']],
      ],
      [
        `${name} in postalCode`,
        withAddress({ postalCode: `12${character}345` }),
        [['shippingAddress.postalCode', 'unsafeCharacters']],
      ],
      [
        `${name} in paymentToken`,
        set('paymentToken', `tok_${character}`),
        [['paymentToken', 'unsafeCharacters']],
      ],
      [`${name} in a SKU`, withItem(0, { sku: `SKU${character}1` }), [['items[0].sku', 'unsafeCharacters']]],
    ]),
    // total
    [
      'a total one minor unit above MAX_ORDER_TOTAL_MINOR',
      set('items', [
        { sku: 'A', quantity: 10, unitPrice: MAX_UNIT_PRICE_MINOR },
        { sku: 'B', quantity: 1, unitPrice: 1 },
      ]),
      [['items', 'maxTotal']],
    ],
    // currency
    ['a missing currency', without('currency'), [['currency', 'required']]],
    ['a numeric currency (ISO numeric code)', set('currency', 840), [['currency', 'type']]],
    ['an empty currency', set('currency', ''), [['currency', 'minLength']]],
    ['a lowercase currency', set('currency', 'usd'), [['currency', 'pattern']]],
    ['a 2-letter currency', set('currency', 'US'), [['currency', 'pattern']]],
    ['a 4-letter currency', set('currency', 'USDT'), [['currency', 'pattern']]],
    ['a currency padded with a space', set('currency', 'USD '), [['currency', 'pattern']]],
    ['an unknown currency code', set('currency', 'ABC'), [['currency', 'currency']]],
    ['a withdrawn currency code (DEM)', set('currency', 'DEM'), [['currency', 'currency']]],
    ['a currency without minor units (XAU)', set('currency', 'XAU'), [['currency', 'currencyMinorUnits']]],
    ['the "no currency" code XXX', set('currency', 'XXX'), [['currency', 'currencyMinorUnits']]],
    // paymentToken
    ['a missing paymentToken', without('paymentToken'), [['paymentToken', 'required']]],
    ['an object paymentToken', set('paymentToken', { id: 'tok' }), [['paymentToken', 'type']]],
    ['an empty paymentToken', set('paymentToken', ''), [['paymentToken', 'minLength']]],
    ['a 129-character paymentToken', set('paymentToken', 't'.repeat(129)), [['paymentToken', 'maxLength']]],
    // shippingAddress
    ['a missing shippingAddress', without('shippingAddress'), [['shippingAddress', 'required']]],
    ['a string shippingAddress', set('shippingAddress', '1 Main St'), [['shippingAddress', 'type']]],
    ['an array shippingAddress', set('shippingAddress', []), [['shippingAddress', 'type']]],
    ['a missing line1', withoutAddressField('line1'), [['shippingAddress.line1', 'required']]],
    ['an empty line1', withAddress({ line1: '' }), [['shippingAddress.line1', 'minLength']]],
    [
      'a 201-character line1',
      withAddress({ line1: 'x'.repeat(201) }),
      [['shippingAddress.line1', 'maxLength']],
    ],
    ['a numeric line2', withAddress({ line2: 7 }), [['shippingAddress.line2', 'type']]],
    [
      'a 201-character line2',
      withAddress({ line2: 'x'.repeat(201) }),
      [['shippingAddress.line2', 'maxLength']],
    ],
    ['a missing city', withoutAddressField('city'), [['shippingAddress.city', 'required']]],
    ['a 101-character city', withAddress({ city: 'c'.repeat(101) }), [['shippingAddress.city', 'maxLength']]],
    ['an empty postalCode', withAddress({ postalCode: '' }), [['shippingAddress.postalCode', 'minLength']]],
    ['a numeric postalCode', withAddress({ postalCode: 12345 }), [['shippingAddress.postalCode', 'type']]],
    [
      'a 21-character postalCode',
      withAddress({ postalCode: '1'.repeat(21) }),
      [['shippingAddress.postalCode', 'maxLength']],
    ],
    ['a missing country', withoutAddressField('country'), [['shippingAddress.country', 'required']]],
    ['an empty country', withAddress({ country: '' }), [['shippingAddress.country', 'minLength']]],
    ['a lowercase country', withAddress({ country: 'us' }), [['shippingAddress.country', 'pattern']]],
    ['an alpha-3 country', withAddress({ country: 'USA' }), [['shippingAddress.country', 'pattern']]],
    [
      'a misspelt address field',
      withAddress({ line_2: 'Apt 4' }),
      [['shippingAddress.line_2', 'unknownField']],
    ],
  ];

  it('has at least 40 distinct cases', () => {
    expect(new Set(cases.map(([name]) => name)).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('%s', (_name, mutate, expected) => {
    expect(issuesOf(mutate(validBody()))).toEqual(expected.map(([path, rule]) => ({ path, rule })));
  });
});

describe('parsePlaceOrder reports every violation together', () => {
  it('lists each problem once, in field order', () => {
    const body = {
      customerId: '',
      items: [
        { sku: 'SKU-1', quantity: 0, unitPrice: 1.5 },
        { sku: 'SKU-1', quantity: 1, unitPrice: 100, note: 'gift' },
      ],
      currency: 'eur',
      shippingAddress: { line1: 'x'.repeat(201), city: 'Paris', postalCode: '75001', country: 'FRA' },
      coupon: 'SAVE10',
    };
    expect(issuesOf(body)).toEqual([
      { path: 'customerId', rule: 'minLength' },
      { path: 'items[0].quantity', rule: 'min' },
      { path: 'items[0].unitPrice', rule: 'integer' },
      { path: 'items[1].note', rule: 'unknownField' },
      { path: 'items[1].sku', rule: 'duplicateSku' },
      { path: 'currency', rule: 'pattern' },
      { path: 'paymentToken', rule: 'required' },
      { path: 'shippingAddress.line1', rule: 'maxLength' },
      { path: 'shippingAddress.country', rule: 'pattern' },
      { path: 'coupon', rule: 'unknownField' },
    ]);
  });

  it('reports both bounds a single value breaks (too long and a bad character)', () => {
    expect(issuesOf(set('customerId', `${'c'.repeat(64)}!`)(validBody()))).toEqual([
      { path: 'customerId', rule: 'maxLength' },
      { path: 'customerId', rule: 'pattern' },
    ]);
  });

  it('reports a fractional negative quantity as both non-integer and below the minimum', () => {
    expect(issuesOf(withItem(0, { quantity: -0.5 })(validBody()))).toEqual([
      { path: 'items[0].quantity', rule: 'integer' },
      { path: 'items[0].quantity', rule: 'min' },
    ]);
  });

  it('reports every field of an empty object as required', () => {
    expect(issuesOf({})).toEqual([
      { path: 'customerId', rule: 'required' },
      { path: 'items', rule: 'required' },
      { path: 'currency', rule: 'required' },
      { path: 'paymentToken', rule: 'required' },
      { path: 'shippingAddress', rule: 'required' },
    ]);
  });

  it('reports every repeat of a SKU at its own position', () => {
    const body = set('items', [line(1), line(2), line(1), line(1)])(validBody());
    expect(issuesOf(body)).toEqual([
      { path: 'items[2].sku', rule: 'duplicateSku' },
      { path: 'items[3].sku', rule: 'duplicateSku' },
    ]);
  });

  it('gives every issue a human-readable message and a summary in the error message', () => {
    const result = parsePlaceOrder({ ...validBody(), currency: 'ABC' });
    if (E.isRight(result)) throw new TypeError('expected rejection');
    expect(result.left.details[0]?.message).toMatch(/ISO 4217/);
    expect(result.left.message).toContain('currency currency');
  });
});

describe('parsePlaceOrder accepts', () => {
  it('a typical body, unchanged', () => {
    expect(accepted(validBody())).toEqual(validBody());
  });

  it('does not add keys for an absent line2', () => {
    expect(Object.keys(accepted(validBody()).shippingAddress)).not.toContain('line2');
  });

  it('drops a null line2 rather than storing null', () => {
    const request = accepted(withAddress({ line2: null })(validBody()));
    expect(request.shippingAddress).toEqual({
      line1: '1 Main St',
      city: 'Springfield',
      postalCode: '12345',
      country: 'US',
    });
    expect('line2' in request.shippingAddress).toBe(false);
  });

  it('an empty line2, kept as sent', () => {
    expect(accepted(withAddress({ line2: '' })(validBody())).shippingAddress.line2).toBe('');
  });

  it('a line2 of exactly the maximum length', () => {
    const line2 = 'y'.repeat(L.line2.maxLength);
    expect(accepted(withAddress({ line2 })(validBody())).shippingAddress.line2).toBe(line2);
  });

  it('every field at its maximum length', () => {
    const body = {
      customerId: 'C'.repeat(L.customerId.maxLength),
      items: [{ sku: 'S'.repeat(L.sku.maxLength), quantity: 1, unitPrice: 1 }],
      currency: 'EUR',
      paymentToken: 'T'.repeat(L.paymentToken.maxLength),
      shippingAddress: {
        line1: 'l'.repeat(L.line1.maxLength),
        city: 'c'.repeat(L.city.maxLength),
        postalCode: 'p'.repeat(L.postalCode.maxLength),
        country: 'FR',
      },
    };
    expect(accepted(body)).toEqual(body);
  });

  it('counts characters, not UTF-16 units: 200 emoji fit line1', () => {
    const line1 = '🏠'.repeat(L.line1.maxLength);
    expect(line1.length).toBe(400);
    expect(accepted(withAddress({ line1 })(validBody())).shippingAddress.line1).toBe(line1);
  });

  it('does not trim: a blank-looking line1 is kept verbatim', () => {
    expect(accepted(withAddress({ line1: ' ' })(validBody())).shippingAddress.line1).toBe(' ');
  });

  it('customerId with every allowed character class', () => {
    expect(accepted(set('customerId', 'aZ0_-')(validBody())).customerId).toBe('aZ0_-');
  });

  it('lowercase SKUs, returned in upper case as they are stored', () => {
    const items = [
      { sku: 'abc-1', quantity: 1, unitPrice: 1 },
      { sku: 'Def-2', quantity: 1 },
    ];
    expect(accepted(set('items', items)(validBody())).items).toEqual([
      { sku: 'ABC-1', quantity: 1, unitPrice: 1 },
      { sku: 'DEF-2', quantity: 1 },
    ]);
  });

  it('lines without a unitPrice (the catalogue prices them), and a null one as none', () => {
    const body = withItem(0, { unitPrice: null })(validBody()) as Body;
    const request = accepted(withoutItemField(1, 'unitPrice')(body));
    expect(request.items).toEqual([
      { sku: 'SKU-1', quantity: 2 },
      { sku: 'SKU-2', quantity: 1 },
    ]);
    expect(request.items.every((item) => !('unitPrice' in item))).toBe(true);
  });

  it('ordinary non-ASCII text: accents, other scripts, emoji', () => {
    const address = {
      line1: 'Straße 5 🏠',
      line2: 'شقة ٤',
      city: 'Zürich',
      postalCode: '8001',
      country: 'CH',
    };
    expect(accepted(set('shippingAddress', address)(validBody())).shippingAddress).toEqual(address);
  });

  it(`exactly ${L.items.maxItems} items`, () => {
    const items = Array.from({ length: L.items.maxItems }, (_, i) => line(i));
    expect(accepted(set('items', items)(validBody())).items).toHaveLength(L.items.maxItems);
  });

  it('quantity and unit price at their bounds', () => {
    const items = [
      { sku: 'A', quantity: L.quantity.max, unitPrice: 1 },
      { sku: 'B', quantity: L.quantity.min, unitPrice: MAX_UNIT_PRICE_MINOR },
    ];
    expect(accepted(set('items', items)(validBody())).items).toEqual(items);
  });

  it('a total of exactly MAX_ORDER_TOTAL_MINOR', () => {
    const items = [
      { sku: 'A', quantity: MAX_ORDER_TOTAL_MINOR / MAX_UNIT_PRICE_MINOR, unitPrice: MAX_UNIT_PRICE_MINOR },
    ];
    expect(accepted(set('items', items)(validBody())).items).toEqual(items);
  });

  it.each(['JPY', 'BHD', 'EUR', 'CHF'])('currency %s', (currency) => {
    expect(accepted(set('currency', currency)(validBody())).currency).toBe(currency);
  });

  it('returns a copy that later changes to the input do not affect', () => {
    const body = validBody();
    const request = accepted(body);
    (body.items as Body[])[0] = { sku: 'CHANGED', quantity: 9, unitPrice: 9 };
    (body.shippingAddress as Body).city = 'Changed';
    expect(request.items[0]?.sku).toBe('SKU-1');
    expect(request.shippingAddress.city).toBe('Springfield');
  });
});
