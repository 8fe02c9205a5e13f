import {
  InvalidFilterPolicyError,
  matchesFilterPolicy,
  validateFilterPolicy,
} from '../../../../src/local/matching/filter-policy';
import { AwsServiceError } from '../../../../src/local/aws/protocol';
import { filterPolicyCases, filterPolicyValidationCases, validFilterPolicies } from './filter-policy-cases';

describe('SNS filter policies: AWS documentation conformance', () => {
  it('has a table of at least 25 documented cases in both scopes', () => {
    expect(filterPolicyCases.length).toBeGreaterThanOrEqual(25);
    for (const scope of ['MessageAttributes', 'MessageBody'] as const) {
      expect(filterPolicyCases.filter((c) => c.scope === scope && c.matches).length).toBeGreaterThan(0);
      expect(filterPolicyCases.filter((c) => c.scope === scope && !c.matches).length).toBeGreaterThan(0);
    }
    expect(new Set(filterPolicyCases.map((c) => c.name)).size).toBe(filterPolicyCases.length);
  });

  it.each(filterPolicyCases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    expect(() => validateFilterPolicy(testCase.policy, testCase.scope)).not.toThrow();
    expect(matchesFilterPolicy(testCase.policy, testCase.scope, testCase.message)).toBe(testCase.matches);
  });
});

describe('validateFilterPolicy', () => {
  it.each(filterPolicyValidationCases.map((c) => [c.name, c] as const))('refuses: %s', (_name, testCase) => {
    let thrown: unknown;
    try {
      validateFilterPolicy(testCase.policy, testCase.scope);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidFilterPolicyError);
    expect((thrown as InvalidFilterPolicyError).message).toBe(testCase.message);
  });

  it.each(validFilterPolicies.map((c) => [c.name, c] as const))('accepts: %s', (_name, testCase) => {
    expect(() => validateFilterPolicy(testCase.policy, testCase.scope)).not.toThrow();
  });

  it('throws an AWS service error rendered as InvalidParameter (400)', () => {
    expect(() => validateFilterPolicy({ a: [] }, 'MessageAttributes')).toThrow(AwsServiceError);
    try {
      validateFilterPolicy({ a: [] }, 'MessageAttributes');
    } catch (error) {
      expect(error).toMatchObject({
        code: 'InvalidParameter',
        status: 400,
        reason: 'Empty arrays are not allowed',
      });
    }
  });
});

describe('matchesFilterPolicy', () => {
  it('lets the empty policy through everything', () => {
    expect(matchesFilterPolicy({}, 'MessageAttributes', { attributes: {}, body: 'x' })).toBe(true);
    expect(matchesFilterPolicy({}, 'MessageBody', { attributes: {}, body: 'not json' })).toBe(true);
  });

  it('reads Number attributes as numbers and String attributes as strings', () => {
    const message = {
      attributes: {
        n: { DataType: 'Number', StringValue: '5' },
        s: { DataType: 'String', StringValue: '5' },
      },
      body: '',
    };
    expect(matchesFilterPolicy({ n: [5] }, 'MessageAttributes', message)).toBe(true);
    expect(matchesFilterPolicy({ n: ['5'] }, 'MessageAttributes', message)).toBe(false);
    expect(matchesFilterPolicy({ s: ['5'] }, 'MessageAttributes', message)).toBe(true);
    expect(matchesFilterPolicy({ s: [5] }, 'MessageAttributes', message)).toBe(false);
  });

  it('reads custom-labelled types by their base type', () => {
    const message = {
      attributes: {
        n: { DataType: 'Number.float', StringValue: '1.5' },
        s: { DataType: 'String.custom', StringValue: 'x' },
      },
      body: '',
    };
    expect(matchesFilterPolicy({ n: [{ numeric: ['>', 1] }], s: ['x'] }, 'MessageAttributes', message)).toBe(
      true,
    );
  });

  it('matches numbers and booleans inside String.Array attributes', () => {
    const message = {
      attributes: { a: { DataType: 'String.Array', StringValue: '["x", 7, true, null]' } },
      body: '',
    };
    expect(matchesFilterPolicy({ a: [7] }, 'MessageAttributes', message)).toBe(true);
    expect(matchesFilterPolicy({ a: [true] }, 'MessageAttributes', message)).toBe(true);
    expect(matchesFilterPolicy({ a: [{ numeric: ['>', 6] }] }, 'MessageAttributes', message)).toBe(true);
  });

  it('matches nested body arrays of objects element by element', () => {
    const message = {
      attributes: {},
      body: JSON.stringify({
        items: [
          { sku: 'A', qty: 1 },
          { sku: 'B', qty: 9 },
        ],
      }),
    };
    expect(
      matchesFilterPolicy({ items: { sku: ['B'], qty: [{ numeric: ['>', 5] }] } }, 'MessageBody', message),
    ).toBe(true);
    expect(
      matchesFilterPolicy({ items: { sku: ['A'], qty: [{ numeric: ['>', 5] }] } }, 'MessageBody', message),
    ).toBe(false);
  });

  it('does not throw on malformed policies, it just fails to match', () => {
    const message = { attributes: { a: { DataType: 'String', StringValue: 'x' } }, body: '{}' };
    expect(matchesFilterPolicy({ a: 'x' }, 'MessageAttributes', message)).toBe(false);
    expect(matchesFilterPolicy({ a: [{ bogus: 1 }] }, 'MessageAttributes', message)).toBe(false);
  });
});
