import * as E from 'fp-ts/Either';
import { DomainError, ValidationError } from '../../../../src/domain/shared/errors';
import {
  OutOfStockError,
  parseReservationLines,
  RESERVATION_LIMITS,
  ReservationNotHeldError,
  SkuNotFoundError,
} from '../../../../src/domain/inventory';

const issuesOf = (lines: readonly unknown[]): [path: string, rule: string][] => {
  const result = parseReservationLines(lines);
  if (E.isRight(result)) throw new TypeError(`expected rejection, got ${JSON.stringify(result.right)}`);
  expect(result.left).toBeInstanceOf(ValidationError);
  return result.left.details.map(({ path, rule }) => [path, rule]);
};

describe('parseReservationLines', () => {
  it('keeps only sku and quantity, so order lines can be passed as they are', () => {
    expect(parseReservationLines([{ sku: 'SKU-1', quantity: 2, unitPrice: 100 }])).toEqual(
      E.right([{ sku: 'SKU-1', quantity: 2 }]),
    );
  });

  it(`accepts ${RESERVATION_LIMITS.lines.maxItems} lines (one transaction holds 100 writes)`, () => {
    const lines = Array.from({ length: RESERVATION_LIMITS.lines.maxItems }, (_, i) => ({
      sku: `S-${i}`,
      quantity: 1,
    }));
    expect(E.isRight(parseReservationLines(lines))).toBe(true);
  });

  const cases: [name: string, lines: unknown[], expected: [string, string][]][] = [
    ['no lines', [], [['lines', 'minItems']]],
    [
      'too many lines',
      Array.from({ length: RESERVATION_LIMITS.lines.maxItems + 1 }, (_, i) => ({
        sku: `S-${i}`,
        quantity: 1,
      })),
      [['lines', 'maxItems']],
    ],
    ['a zero quantity', [{ sku: 'A', quantity: 0 }], [['lines[0].quantity', 'positive']]],
    ['a negative quantity', [{ sku: 'A', quantity: -3 }], [['lines[0].quantity', 'positive']]],
    ['a fractional quantity', [{ sku: 'A', quantity: 1.5 }], [['lines[0].quantity', 'integer']]],
    ['a string quantity', [{ sku: 'A', quantity: '1' }], [['lines[0].quantity', 'type']]],
    ['a bad sku', [{ sku: 'A B', quantity: 1 }], [['lines[0].sku', 'pattern']]],
    ['a line that is not an object', [null], [['lines[0]', 'type']]],
    [
      'a repeated sku',
      [
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 1 },
        { sku: 'A', quantity: 2 },
      ],
      [['lines[2].sku', 'duplicateSku']],
    ],
  ];

  it.each(cases)('rejects %s', (_name, lines, expected) => {
    expect(issuesOf(lines)).toEqual(expected);
  });
});

describe('inventory errors', () => {
  it.each([
    [new OutOfStockError(['A', 'B']), 'OUT_OF_STOCK', 'OutOfStockError', { skus: ['A', 'B'] }],
    [new SkuNotFoundError('A'), 'SKU_NOT_FOUND', 'SkuNotFoundError', { sku: 'A' }],
    [
      new ReservationNotHeldError('o1', 'RELEASED'),
      'RESERVATION_NOT_HELD',
      'ReservationNotHeldError',
      { orderId: 'o1', status: 'RELEASED' },
    ],
    [
      new ReservationNotHeldError('o1', undefined),
      'RESERVATION_NOT_HELD',
      'ReservationNotHeldError',
      { orderId: 'o1', status: undefined },
    ],
  ])('%s has its code, name and fields', (error, code, name, fields) => {
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(error).toMatchObject(fields);
    expect(error.details).toEqual([]);
    expect(error.message.length).toBeGreaterThan(0);
  });

  it('names the short SKUs in the message', () => {
    expect(new OutOfStockError(['SKU-1', 'SKU-2']).message).toBe('Not enough stock for SKU-1, SKU-2');
  });
});
