import {
  PaymentMethodReferences,
  UnreadablePaymentMethodError,
} from '../../../src/adapters/payments/payment-method-reference';

const SECRET = 'a-test-secret-of-at-least-32-characters';
const ORDER = '01JDQ3ZJ4X7V9G2K8M5N6P0R1S';

describe('PaymentMethodReferences', () => {
  const references = new PaymentMethodReferences(SECRET);

  it('seals a token into a reference that does not contain it, and opens it for the same order', () => {
    const reference = references.seal('tok_visa', ORDER);
    expect(reference).toMatch(/^pm1\.[A-Za-z0-9_-]+$/);
    expect(reference).not.toContain('tok_visa');
    expect(Buffer.from(reference.slice(4), 'base64url').toString('latin1')).not.toContain('tok_visa');
    expect(references.open(reference, ORDER)).toBe('tok_visa');
  });

  it('gives a new reference each time (nothing to correlate orders by)', () => {
    expect(references.seal('tok_visa', ORDER)).not.toBe(references.seal('tok_visa', ORDER));
  });

  it.each([
    ['another order’s reference', () => references.seal('tok_visa', '01JDQ3ZJ4X7V9G2K8M5N6P0R1T'), ORDER],
    [
      'another stack’s reference',
      () => new PaymentMethodReferences(`${SECRET}!`).seal('tok_visa', ORDER),
      ORDER,
    ],
    [
      'a tampered reference',
      () => {
        const sealed = Buffer.from(references.seal('tok_visa', ORDER).slice(4), 'base64url');
        sealed[14] = (sealed[14] ?? 0) ^ 1;
        return `pm1.${sealed.toString('base64url')}`;
      },
      ORDER,
    ],
    ['a raw token', () => 'tok_visa', ORDER],
    ['an unknown version', () => references.seal('tok_visa', ORDER).replace(/^pm1/, 'pm2'), ORDER],
    ['a truncated reference', () => 'pm1.AAAA', ORDER],
  ])('refuses to open %s', (_name, reference, orderId) => {
    expect(() => references.open(reference(), orderId)).toThrow(UnreadablePaymentMethodError);
  });
});
