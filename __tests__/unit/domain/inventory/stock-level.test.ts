import * as E from 'fp-ts/Either';
import {
  INVENTORY_LIMITS,
  parseSku,
  parseStockLevel,
  type StockLevel,
} from '../../../../src/domain/inventory';
import { ValidationError } from '../../../../src/domain/shared/errors';

const issuesOf = (sku: unknown, body: unknown): [path: string, rule: string][] => {
  const result = parseStockLevel(sku, body);
  if (E.isRight(result)) throw new TypeError(`expected rejection, got ${JSON.stringify(result.right)}`);
  expect(result.left).toBeInstanceOf(ValidationError);
  expect(result.left.code).toBe('VALIDATION_FAILED');
  for (const issue of result.left.details) expect(issue.message.length).toBeGreaterThan(0);
  return result.left.details.map(({ path, rule }) => [path, rule]);
};

const accepted = (sku: unknown, body: unknown): StockLevel => {
  const result = parseStockLevel(sku, body);
  if (E.isLeft(result))
    throw new TypeError(`expected acceptance, got ${JSON.stringify(result.left.details)}`);
  return result.right;
};

const { max } = INVENTORY_LIMITS.available;

describe('parseStockLevel rejects', () => {
  const cases: [name: string, sku: unknown, body: unknown, expected: [path: string, rule: string][]][] = [
    // the body
    ['a null body', 'SKU-1', null, [['', 'type']]],
    ['an array body', 'SKU-1', [{ available: 1 }], [['', 'type']]],
    ['a number body', 'SKU-1', 5, [['', 'type']]],
    ['a string body', 'SKU-1', '{"available":5}', [['', 'type']]],
    ['an unknown field', 'SKU-1', { available: 5, note: 'x' }, [['note', 'unknownField']]],
    ['a sku in the body', 'SKU-1', { sku: 'SKU-1', available: 5 }, [['sku', 'unknownField']]],
    [
      'a misspelt field',
      'SKU-1',
      { Available: 5 },
      [
        ['available', 'required'],
        ['Available', 'unknownField'],
      ],
    ],
    // available
    ['a missing available', 'SKU-1', {}, [['available', 'required']]],
    ['a null available', 'SKU-1', { available: null }, [['available', 'required']]],
    ['a string available', 'SKU-1', { available: '5' }, [['available', 'type']]],
    ['a boolean available', 'SKU-1', { available: true }, [['available', 'type']]],
    ['a fractional available', 'SKU-1', { available: 2.5 }, [['available', 'integer']]],
    ['a negative available', 'SKU-1', { available: -1 }, [['available', 'min']]],
    [
      'a negative fractional available',
      'SKU-1',
      { available: -0.5 },
      [
        ['available', 'integer'],
        ['available', 'min'],
      ],
    ],
    [`available over ${max}`, 'SKU-1', { available: max + 1 }, [['available', 'max']]],
    ['an infinite available', 'SKU-1', { available: Number.POSITIVE_INFINITY }, [['available', 'type']]],
    ['a NaN available', 'SKU-1', { available: Number.NaN }, [['available', 'type']]],
    // the sku (from the path)
    ['a missing sku', undefined, { available: 1 }, [['sku', 'required']]],
    ['an empty sku', '', { available: 1 }, [['sku', 'minLength']]],
    ['a numeric sku', 42, { available: 1 }, [['sku', 'type']]],
    ['a sku with a space', 'SKU 1', { available: 1 }, [['sku', 'pattern']]],
    ['a sku starting with "-"', '-SKU', { available: 1 }, [['sku', 'pattern']]],
    ['a sku with a "#"', 'SKU#1', { available: 1 }, [['sku', 'pattern']]],
    ['a 65-character sku', 'S'.repeat(65), { available: 1 }, [['sku', 'maxLength']]],
    // everything at once, in a stable order
    [
      'a bad sku and a bad body',
      'a b',
      { available: -1, extra: 1 },
      [
        ['sku', 'pattern'],
        ['available', 'min'],
        ['extra', 'unknownField'],
      ],
    ],
    [
      'a bad sku and no object',
      '',
      [],
      [
        ['sku', 'minLength'],
        ['', 'type'],
      ],
    ],
  ];

  it.each(cases)('%s', (_name, sku, body, expected) => {
    expect(issuesOf(sku, body)).toEqual(expected);
  });
});

describe('parseStockLevel accepts', () => {
  it.each([
    ['zero', 'SKU-1', 0],
    ['the maximum', 'SKU-1', max],
    ['a 64-character sku', 'S'.repeat(64), 1],
  ])('%s', (_name, sku, available) => {
    expect(accepted(sku, { available })).toEqual({ sku, available });
  });

  it('a lower-case sku, returned in upper case (SKUs are stored upper case)', () => {
    expect(accepted('sku-red', { available: 7 })).toEqual({ sku: 'SKU-RED', available: 7 });
  });

  it.each([
    ['a price', { available: 3, unitPrice: 1250, currency: 'EUR' }, { unitPrice: 1250, currency: 'EUR' }],
    ['the lowest price', { available: 0, unitPrice: 1, currency: 'JPY' }, { unitPrice: 1, currency: 'JPY' }],
    [
      'the highest price',
      { available: 0, unitPrice: 1_000_000, currency: 'BHD' },
      { unitPrice: 1_000_000, currency: 'BHD' },
    ],
  ])('%s with its currency', (_name, body, price) => {
    expect(accepted('SKU-1', body)).toEqual({ sku: 'SKU-1', available: body.available, price });
  });

  it('no price at all (a restock keeps the stored one)', () => {
    expect(accepted('SKU-1', { available: 3 })).not.toHaveProperty('price');
    expect(accepted('SKU-1', { available: 3, unitPrice: null, currency: null })).not.toHaveProperty('price');
  });
});

describe('parseStockLevel rejects a price', () => {
  it.each([
    ['without its currency', { available: 1, unitPrice: 100 }, [['currency', 'required']]],
    ['a currency without a price', { available: 1, currency: 'EUR' }, [['unitPrice', 'required']]],
    ['of 0', { available: 1, unitPrice: 0, currency: 'EUR' }, [['unitPrice', 'positive']]],
    ['as a string', { available: 1, unitPrice: '12.50', currency: 'EUR' }, [['unitPrice', 'type']]],
    ['in major units', { available: 1, unitPrice: 12.5, currency: 'EUR' }, [['unitPrice', 'integer']]],
    [
      'over the orders’ maximum',
      { available: 1, unitPrice: 1_000_001, currency: 'EUR' },
      [['unitPrice', 'max']],
    ],
    ['in an unknown currency', { available: 1, unitPrice: 100, currency: 'ABC' }, [['currency', 'currency']]],
    [
      'in a lower-case currency',
      { available: 1, unitPrice: 100, currency: 'usd' },
      [['currency', 'pattern']],
    ],
    [
      'in a currency with no minor unit',
      { available: 1, unitPrice: 100, currency: 'XAU' },
      [['currency', 'currencyMinorUnits']],
    ],
    [
      'and a bad stock level, reported together',
      { available: -1, unitPrice: 0, currency: 'usd' },
      [
        ['available', 'min'],
        ['unitPrice', 'positive'],
        ['currency', 'pattern'],
      ],
    ],
  ])('%s', (_name, body, expected) => {
    expect(issuesOf('SKU-1', body)).toEqual(expected);
  });
});

describe('parseSku', () => {
  it('accepts a valid SKU, in upper case', () => {
    expect(parseSku('SKU-RED')).toEqual(E.right('SKU-RED'));
    expect(parseSku('sku-Red')).toEqual(E.right('SKU-RED'));
  });

  it.each([
    [undefined, 'required'],
    ['', 'minLength'],
    ['SKU RED', 'pattern'],
    ['S'.repeat(65), 'maxLength'],
    ['SKU\u0000RED', 'unsafeCharacters'],
  ])('rejects %p with rule %s at path sku', (value, rule) => {
    const result = parseSku(value);
    expect(E.isLeft(result) && result.left.details.map((d) => [d.path, d.rule])).toEqual([['sku', rule]]);
  });
});
