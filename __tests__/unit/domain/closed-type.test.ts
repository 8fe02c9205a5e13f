import { isRight } from 'fp-ts/Either';
import { closedType, NonEmptyString } from '../../../src/domain/shared/codecs';
import { issuesFromDecodeErrors } from '../../../src/domain/shared/io-ts-issues';

const Key = closedType({ id: NonEmptyString, at: NonEmptyString }, 'Key');

const issuesOf = (value: unknown) => {
  const decoded = Key.decode(value);
  return isRight(decoded) ? [] : issuesFromDecodeErrors(decoded.left).map(({ path, rule }) => [path, rule]);
};

describe('closedType', () => {
  it('decodes exactly its fields, returning the value as it is', () => {
    const value = { id: 'a', at: 'b' };
    const decoded = Key.decode(value);
    expect(isRight(decoded) && decoded.right).toBe(value);
    expect(Key.is(value)).toBe(true);
  });

  it('names a missing or mistyped field', () => {
    expect(issuesOf({ id: '' })).toEqual([
      ['id', 'type'],
      ['at', 'required'],
    ]);
  });

  it('refuses a field besides its own as a whole, where t.type would let it through', () => {
    const value = { id: 'a', at: 'b', extra: 1 };
    expect(issuesOf(value)).toEqual([['', 'type']]);
    expect(Key.is(value)).toBe(false);
    const decoded = Key.decode(value);
    expect(!isRight(decoded) && decoded.left[0]?.message).toBe('has fields besides id, at');
  });

  it.each([null, [], 'key', 7])('refuses %p', (value) => {
    expect(issuesOf(value)).toEqual([['', 'type']]);
  });
});
