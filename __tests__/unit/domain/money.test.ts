import {
  formatMinor,
  hasMinorUnits,
  isKnownCurrency,
  lineTotal,
  MAX_ORDER_TOTAL_MINOR,
  MAX_UNIT_PRICE_MINOR,
  minorUnits,
  orderTotal,
  PLACE_ORDER_LIMITS,
} from '../../../src/domain/orders';

describe('money', () => {
  it('knows current ISO 4217 codes, exactly as written', () => {
    expect(isKnownCurrency('USD')).toBe(true);
    expect(isKnownCurrency('XAU')).toBe(true);
    expect(isKnownCurrency('usd')).toBe(false);
    expect(isKnownCurrency('ABC')).toBe(false);
    expect(isKnownCurrency('USDX')).toBe(false);
    expect(isKnownCurrency('')).toBe(false);
  });

  it.each([
    ['USD', 2],
    ['EUR', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['BHD', 3],
    ['KWD', 3],
    ['CLF', 4],
  ])('%s has %i minor-unit digits', (code, digits) => {
    expect(minorUnits(code)).toBe(digits);
    expect(hasMinorUnits(code)).toBe(true);
  });

  it.each(['XAU', 'XAG', 'XDR', 'XTS', 'XXX'])('%s has no minor unit (ISO "N.A.")', (code) => {
    expect(hasMinorUnits(code)).toBe(false);
    expect(minorUnits(code)).toBeUndefined();
  });

  it('returns undefined minor units for an unknown code', () => {
    expect(minorUnits('ABC')).toBeUndefined();
  });

  it('documents the caps in minor units: 100,000.00 per order and 10,000.00 per unit in a 2-digit currency', () => {
    expect(MAX_ORDER_TOTAL_MINOR).toBe(10_000_000);
    expect(formatMinor(MAX_ORDER_TOTAL_MINOR, 'USD')).toBe('100000.00 USD');
    expect(formatMinor(MAX_UNIT_PRICE_MINOR, 'EUR')).toBe('10000.00 EUR');
    expect(MAX_UNIT_PRICE_MINOR).toBeLessThanOrEqual(MAX_ORDER_TOTAL_MINOR);
  });

  it('keeps the largest conceivable sum of valid lines exact', () => {
    const worst = PLACE_ORDER_LIMITS.items.maxItems * PLACE_ORDER_LIMITS.quantity.max * MAX_UNIT_PRICE_MINOR;
    expect(Number.isSafeInteger(worst)).toBe(true);
  });

  it('formats in the currency’s precision', () => {
    expect(formatMinor(3499, 'USD')).toBe('34.99 USD');
    expect(formatMinor(5, 'USD')).toBe('0.05 USD');
    expect(formatMinor(3499, 'JPY')).toBe('3499 JPY');
    expect(formatMinor(1234, 'BHD')).toBe('1.234 BHD');
    expect(formatMinor(-250, 'EUR')).toBe('-2.50 EUR');
  });

  it('totals lines as quantity x unit price', () => {
    expect(lineTotal({ quantity: 3, unitPrice: 250 })).toBe(750);
    expect(
      orderTotal([
        { quantity: 2, unitPrice: 1250 },
        { quantity: 1, unitPrice: 999 },
      ]),
    ).toBe(3499);
    expect(orderTotal([])).toBe(0);
  });
});
