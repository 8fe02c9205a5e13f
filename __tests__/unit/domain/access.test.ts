import {
  identifyCaller,
  isOperator,
  mayActFor,
  requireActingFor,
  type Caller,
} from '../../../src/domain/shared/access';
import { ForbiddenError } from '../../../src/domain/shared/errors';
import { OrderNotFoundError, requireVisibleOrder } from '../../../src/domain/orders';

const customer: Caller = { subject: 'cust-1', scopes: ['orderflow/orders'] };
const operator: Caller = { subject: 'ops-client', scopes: ['orderflow/orders', 'orderflow/admin'] };

describe('access rules (identity fails closed)', () => {
  it('makes an operator only of a caller whose token has the operator scope', () => {
    expect(isOperator(operator)).toBe(true);
    expect(isOperator(customer)).toBe(false);
    expect(isOperator(undefined)).toBe(false);
    expect(isOperator({ subject: 'x', scopes: [] })).toBe(false);
  });

  it('lets a customer act for themselves, an operator for anyone, and nobody else for anyone', () => {
    expect(mayActFor(customer, 'cust-1')).toBe(true);
    expect(mayActFor(customer, 'cust-2')).toBe(false);
    expect(mayActFor(operator, 'cust-2')).toBe(true);
    expect(mayActFor(undefined, 'cust-1')).toBe(false);
  });

  it('refuses an absent caller both ways: 403 when naming a customer, 404 for an order', () => {
    expect(() => requireActingFor(undefined, 'cust-1')).toThrow(ForbiddenError);
    expect(() => requireVisibleOrder(undefined, 'o-1', 'cust-1')).toThrow(OrderNotFoundError);
  });

  it('identifies a caller from verified claims with a subject', () => {
    expect(identifyCaller({ subject: 'cust-1', scopes: ['orderflow/orders'] })).toEqual(customer);
  });

  it.each([
    ['no claims at all', undefined],
    ['no subject', { subject: undefined, scopes: ['orderflow/orders'] }],
    ['no subject, even with the operator scope', { subject: undefined, scopes: ['orderflow/admin'] }],
    ['an empty subject', { subject: '', scopes: ['orderflow/admin'] }],
    ['a subject that is not a string', { subject: ['cust-1'], scopes: [] }],
  ])('refuses %s with FORBIDDEN on authorization (rule subject)', (_, claims) => {
    try {
      identifyCaller(claims);
      throw new RangeError('identifyCaller accepted it');
    } catch (error) {
      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as ForbiddenError).details).toEqual([
        expect.objectContaining({ path: 'authorization', rule: 'subject' }),
      ]);
    }
  });
});
