import { canonicalJson } from '../../../src/domain/orders';

describe('canonicalJson', () => {
  it('sorts keys at every depth and omits whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('gives the same string for bodies that differ only in key order', () => {
    const first = JSON.parse(
      '{"customerId":"c","items":[{"sku":"A","quantity":1}],"currency":"USD"}',
    ) as unknown;
    const second = JSON.parse(
      '{ "currency": "USD", "items": [ { "quantity": 1, "sku": "A" } ], "customerId": "c" }',
    ) as unknown;
    expect(canonicalJson(first)).toBe(canonicalJson(second));
  });

  it('keeps array order significant', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it('distinguishes values that differ in type', () => {
    expect(canonicalJson({ q: 1 })).not.toBe(canonicalJson({ q: '1' }));
    expect(canonicalJson({ q: null })).not.toBe(canonicalJson({}));
  });

  it('escapes strings as JSON does, keys included', () => {
    expect(canonicalJson({ 'k"ey': 'line\nbreak "quoted" ü' })).toBe(
      '{"k\\"ey":"line\\nbreak \\"quoted\\" ü"}',
    );
  });

  it('follows JSON.stringify for values JSON cannot hold', () => {
    expect(canonicalJson({ a: undefined, b: () => 1, c: 1 })).toBe('{"c":1}');
    expect(canonicalJson([undefined, Number.NaN, Number.POSITIVE_INFINITY])).toBe('[null,null,null]');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson(-0)).toBe('0');
  });

  it('honours toJSON and writes bigints as integers', () => {
    expect(canonicalJson({ when: new Date('2024-05-01T10:00:00.000Z') })).toBe(
      '{"when":"2024-05-01T10:00:00.000Z"}',
    );
    expect(canonicalJson({ n: 12345678901234567890n })).toBe('{"n":12345678901234567890}');
  });

  it('matches JSON.stringify whenever keys are already sorted', () => {
    const value = { a: [true, false, null, 1.5, 'x'], b: { c: {} }, d: [] };
    expect(canonicalJson(value)).toBe(JSON.stringify(value));
  });
});
