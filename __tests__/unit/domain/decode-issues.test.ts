import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import {
  isIsoDateTime,
  issuesFromDecodeErrors,
  NonNegativeInteger,
  PositiveInteger,
} from '../../../src/domain/orders';

const issues = (codec: t.Decoder<unknown, unknown>, value: unknown, prefix?: string) => {
  const result = codec.decode(value);
  if (E.isRight(result)) throw new TypeError('expected a decode failure');
  return issuesFromDecodeErrors(result.left, prefix).map(({ path, rule }) => ({ path, rule }));
};

describe('issuesFromDecodeErrors', () => {
  const codec = t.type({
    list: t.readonlyArray(t.readonly(t.type({ id: t.string }))),
    nested: t.readonly(t.intersection([t.type({ a: t.number }), t.partial({ b: t.string })])),
    either: t.union([t.string, t.number]),
  });

  it('writes array indexes in brackets and skips intersection and union member indexes', () => {
    expect(issues(codec, { list: [{ id: 'x' }, { id: 2 }], nested: { b: 3 }, either: true })).toEqual([
      { path: 'list[1].id', rule: 'type' },
      { path: 'nested.a', rule: 'required' },
      { path: 'nested.b', rule: 'type' },
      { path: 'either', rule: 'type' },
    ]);
  });

  it('prefixes paths when asked', () => {
    expect(issues(codec, { list: [], nested: { a: 1 } }, 'data')).toEqual([
      { path: 'data.either', rule: 'required' },
    ]);
  });

  it('names the expected type in the message', () => {
    const result = t.type({ n: PositiveInteger }).decode({ n: 0 });
    if (E.isRight(result)) throw new TypeError('expected failure');
    expect(issuesFromDecodeErrors(result.left)[0]?.message).toBe('must be PositiveInteger');
  });
});

describe('number codecs', () => {
  it('PositiveInteger accepts safe integers from 1', () => {
    expect(PositiveInteger.is(1)).toBe(true);
    expect([0, -1, 1.5, Number.NaN, 2 ** 53, '1'].some((v) => PositiveInteger.is(v))).toBe(false);
  });

  it('NonNegativeInteger accepts 0', () => {
    expect(NonNegativeInteger.is(0)).toBe(true);
    expect(NonNegativeInteger.is(-1)).toBe(false);
  });
});

describe('isIsoDateTime', () => {
  it.each([
    '2024-05-01T10:00:00Z',
    '2024-05-01T10:00:00.5Z',
    '2024-12-31T23:59:59.999999999-11:30',
    '2000-02-29T00:00:00Z',
  ])('accepts %s', (s) => expect(isIsoDateTime(s)).toBe(true));

  it.each([
    '2024-05-01',
    '2024-05-01T10:00:00',
    '2024-05-01 10:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-00-10T00:00:00Z',
    '2024-04-31T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2024-05-01T24:00:00Z',
    '2024-05-01T10:60:00Z',
    '2024-05-01T10:00:60Z',
    '2024-05-01T10:00:00+25:00',
    'Wed, 01 May 2024 10:00:00 GMT',
  ])('rejects %s', (s) => expect(isIsoDateTime(s)).toBe(false));
});
