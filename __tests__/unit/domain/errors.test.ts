import {
  ConcurrencyError,
  DomainError,
  IdempotencyKeyReusedError,
  InvalidEventStreamError,
  InvalidTransitionError,
  isDomainError,
  OrderNotCancellableError,
  OrderNotFoundError,
  ValidationError,
} from '../../../src/domain/orders';

describe('domain errors', () => {
  const cases: [DomainError, string, string, Record<string, unknown>][] = [
    [
      new ValidationError([{ path: 'items[0].quantity', rule: 'min', message: 'must be at least 1' }]),
      'VALIDATION_FAILED',
      'ValidationError',
      {},
    ],
    [new OrderNotFoundError('o1'), 'ORDER_NOT_FOUND', 'OrderNotFoundError', { orderId: 'o1' }],
    [
      new InvalidTransitionError('o1', 'CONFIRMED', 'RecordPaymentDeclined'),
      'INVALID_TRANSITION',
      'InvalidTransitionError',
      { orderId: 'o1', from: 'CONFIRMED', command: 'RecordPaymentDeclined' },
    ],
    [
      new OrderNotCancellableError('o1', 'SHIPPING_SCHEDULED'),
      'ORDER_NOT_CANCELLABLE',
      'OrderNotCancellableError',
      { orderId: 'o1', status: 'SHIPPING_SCHEDULED' },
    ],
    [
      new ConcurrencyError('order#o1', 4),
      'CONCURRENCY_CONFLICT',
      'ConcurrencyError',
      { streamId: 'order#o1', expectedVersion: 4 },
    ],
    [
      new IdempotencyKeyReusedError('key-1'),
      'IDEMPOTENCY_KEY_REUSED',
      'IdempotencyKeyReusedError',
      { idempotencyKey: 'key-1' },
    ],
    [
      new InvalidEventStreamError('o1', 'gap'),
      'INVALID_EVENT_STREAM',
      'InvalidEventStreamError',
      { orderId: 'o1' },
    ],
  ];

  it.each(cases.map((c) => [c[2], ...c] as const))(
    '%s has its code, name and fields',
    (_n, error, code, name, fields) => {
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(DomainError);
      expect(isDomainError(error)).toBe(true);
      expect(error.code).toBe(code);
      expect(error.name).toBe(name);
      expect(error).toMatchObject(fields);
      expect(error.message.length).toBeGreaterThan(0);
    },
  );

  it('has a distinct code per class', () => {
    expect(new Set(cases.map(([error]) => error.code)).size).toBe(cases.length);
  });

  it('carries details only on validation errors', () => {
    const details = [{ path: 'currency', rule: 'currency', message: 'unknown' }];
    expect(new ValidationError(details).details).toEqual(details);
    expect(new ValidationError(details).message).toBe('Validation failed: currency currency');
    expect(new OrderNotFoundError('o1').details).toEqual([]);
  });

  it('does not take plain errors for domain errors', () => {
    expect(isDomainError(new TypeError('x'))).toBe(false);
    expect(isDomainError({ code: 'ORDER_NOT_FOUND' })).toBe(false);
  });
});
