import {
  InvalidEventPatternError,
  matchesEventPattern,
  validateEventPattern,
} from '../../../../src/local/matching/event-pattern';
import { AwsServiceError } from '../../../../src/local/aws/protocol';
import { eventPatternCases, eventPatternValidationCases } from './event-pattern-cases';

describe('EventBridge event patterns: AWS documentation conformance', () => {
  it('has a table of at least 50 documented cases, both matching and not', () => {
    expect(eventPatternCases.length).toBeGreaterThanOrEqual(50);
    expect(eventPatternCases.some((c) => c.matches)).toBe(true);
    expect(eventPatternCases.some((c) => !c.matches)).toBe(true);
    expect(new Set(eventPatternCases.map((c) => c.name)).size).toBe(eventPatternCases.length);
  });

  it.each(eventPatternCases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    expect(() => validateEventPattern(testCase.pattern)).not.toThrow();
    expect(matchesEventPattern(testCase.pattern, testCase.event)).toBe(testCase.matches);
  });
});

describe('validateEventPattern', () => {
  it.each(eventPatternValidationCases.map((c) => [c.name, c] as const))('refuses: %s', (_name, testCase) => {
    let thrown: unknown;
    try {
      validateEventPattern(testCase.pattern);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidEventPatternError);
    const error = thrown as InvalidEventPatternError;
    expect(error.reason).toBe(testCase.reason);
    expect(error.message).toBe(`Event pattern is not valid. Reason: ${testCase.reason}`);
  });

  it('throws an AWS service error rendered as InvalidEventPatternException (400)', () => {
    const error = (() => {
      try {
        validateEventPattern({ source: 'aws.ec2' });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(AwsServiceError);
    expect(error).toMatchObject({ code: 'InvalidEventPatternException', status: 400 });
  });

  it('accepts patterns using every operator at once', () => {
    expect(() =>
      validateEventPattern({
        source: ['a', 1, true, null],
        detail: {
          p: [
            { prefix: 'x' },
            { prefix: { 'equals-ignore-case': 'X' } },
            { suffix: 'y' },
            { suffix: { 'equals-ignore-case': 'Y' } },
          ],
          e: [{ 'equals-ignore-case': 'z' }, { wildcard: 'a*b\\*c\\\\' }, { exists: false }],
          a: [
            { 'anything-but': 'x' },
            { 'anything-but': 1 },
            { 'anything-but': ['x', 'y'] },
            { 'anything-but': [1, 2] },
            { 'anything-but': { prefix: 'x' } },
            { 'anything-but': { suffix: ['x', 'y'] } },
            { 'anything-but': { 'equals-ignore-case': ['x'] } },
            { 'anything-but': { wildcard: '*/lib/*' } },
          ],
          n: [{ numeric: ['=', 0] }, { numeric: ['>=', -5e9, '<', 5e9] }],
          ip: [{ cidr: '0.0.0.0/0' }, { cidr: '::/0' }, { cidr: '2001:db8::/32' }],
          $or: [{ x: ['1'] }, { y: { z: ['2'] } }],
        },
      }),
    ).not.toThrow();
  });
});

describe('matchesEventPattern', () => {
  const event = {
    version: '0',
    id: '1',
    'detail-type': 'Order Placed',
    source: 'orderflow.orders',
    account: '123456789012',
    time: '2024-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      orderId: 'o-1',
      items: [
        { sku: 'A', qty: 2 },
        { sku: 'B', qty: 5 },
      ],
      total: 42.5,
      tags: [['x', 'y']],
    },
  };

  it('matches nested arrays of objects element by element', () => {
    expect(
      matchesEventPattern({ detail: { items: { sku: ['B'], qty: [{ numeric: ['>', 4] }] } } }, event),
    ).toBe(true);
    expect(
      matchesEventPattern({ detail: { items: { sku: ['A'], qty: [{ numeric: ['>', 4] }] } } }, event),
    ).toBe(false);
  });

  it('flattens nested arrays of scalars', () => {
    expect(matchesEventPattern({ detail: { tags: ['y'] } }, event)).toBe(true);
  });

  it('applies $or at the top level together with other keys', () => {
    const pattern = {
      source: ['orderflow.orders'],
      $or: [{ 'detail-type': ['Order Shipped'] }, { detail: { total: [{ numeric: ['>', 40] }] } }],
    };
    expect(matchesEventPattern(pattern, event)).toBe(true);
    expect(matchesEventPattern({ ...pattern, source: ['other'] }, event)).toBe(false);
  });

  it('treats an object where a leaf is expected as absent', () => {
    expect(matchesEventPattern({ detail: { items: [{ exists: true }] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { items: [{ exists: false }] } }, event)).toBe(true);
  });

  it('counts null as a present value for exists', () => {
    const withNull = { ...event, detail: { note: null } };
    expect(matchesEventPattern({ detail: { note: [{ exists: true }] } }, withNull)).toBe(true);
  });

  it('never matches string operators against non-strings', () => {
    const numeric = { ...event, detail: { value: 12 } };
    for (const condition of [
      { prefix: '1' },
      { suffix: '2' },
      { 'equals-ignore-case': '12' },
      { wildcard: '*' },
      { cidr: '0.0.0.0/0' },
    ]) {
      expect(matchesEventPattern({ detail: { value: [condition] } }, numeric)).toBe(false);
    }
  });

  it('compares numbers to six decimal places, as Event Ruler does', () => {
    const sum = { ...event, detail: { total: 0.1 + 0.2 } };
    expect(matchesEventPattern({ detail: { total: [{ numeric: ['=', 0.3] }] } }, sum)).toBe(true);
    expect(matchesEventPattern({ detail: { total: [{ numeric: ['>', 0.3] }] } }, sum)).toBe(false);
  });

  it('matches an empty wildcard only against the empty string', () => {
    expect(matchesEventPattern({ detail: { s: [{ wildcard: '' }] } }, { ...event, detail: { s: '' } })).toBe(
      true,
    );
    expect(matchesEventPattern({ detail: { s: [{ wildcard: '' }] } }, { ...event, detail: { s: 'x' } })).toBe(
      false,
    );
    expect(matchesEventPattern({ detail: { s: [{ wildcard: '*' }] } }, { ...event, detail: { s: '' } })).toBe(
      true,
    );
  });

  it('does not throw on malformed patterns, it just fails to match', () => {
    expect(matchesEventPattern({ detail: { orderId: [{ nope: 1 }] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { orderId: 'o-1' } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { orderId: [{ wildcard: 'o**' }] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { orderId: [{ cidr: 'bad' }] } }, event)).toBe(false);
  });
});
