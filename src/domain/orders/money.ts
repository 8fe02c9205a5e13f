import { code as lookupCurrency } from 'currency-codes';
import { addIssue, checkString, type Issues } from '../shared/field-checks';

/*
 * Money is an integer count of the currency's minor unit (cents for USD, yen for JPY, fils for BHD)
 * plus an ISO 4217 code. Integers keep sums exact; there is no floating-point money anywhere.
 */

/**
 * Largest order total accepted, in MINOR units of the order's currency: 10,000,000 = 100,000.00 in a
 * two-digit currency such as USD or EUR. The cap is in minor units whatever the currency (so it is
 * 10,000,000 JPY, or 10,000.000 BHD): a simple, currency-independent bound on exposure per order.
 */
export const MAX_ORDER_TOTAL_MINOR = 10_000_000;

/**
 * Largest unit price accepted, in MINOR units: 1,000,000 = 10,000.00 in a two-digit currency. It catches
 * prices sent in the wrong unit and bounds the arithmetic (50 lines x 1,000 units x this stays far
 * below Number.MAX_SAFE_INTEGER).
 */
export const MAX_UNIT_PRICE_MINOR = 1_000_000;

/**
 * ISO 4217 lists these with minor units "N.A." (precious metals, bond-market units, SDR, the testing
 * code XTS, "no currency" XXX). They have no minor unit to count in, so orders in them are rejected.
 * The currency-codes package reports their digits as 0, hence this explicit list.
 */
const CODES_WITHOUT_MINOR_UNITS: ReadonlySet<string> = new Set([
  'XAG',
  'XAU',
  'XBA',
  'XBB',
  'XBC',
  'XBD',
  'XDR',
  'XPD',
  'XPT',
  'XSU',
  'XTS',
  'XUA',
  'XXX',
]);

/** True for a code on the current ISO 4217 list (exact, uppercase), whether or not it has minor units. */
export const isKnownCurrency = (code: string): boolean =>
  /^[A-Z]{3}$/.test(code) && lookupCurrency(code) !== undefined;

/** True for a known currency that has minor units, i.e. one an order can be priced in. */
export const hasMinorUnits = (code: string): boolean =>
  isKnownCurrency(code) && !CODES_WITHOUT_MINOR_UNITS.has(code);

/** Number of decimal digits of the currency's minor unit (2 for USD, 0 for JPY, 3 for BHD); undefined if none. */
export const minorUnits = (code: string): number | undefined =>
  hasMinorUnits(code) ? lookupCurrency(code)?.digits : undefined;

/** Renders minor units as a decimal string in the currency's precision (for messages and docs only). */
export const formatMinor = (amountMinor: number, currency: string): string => {
  const digits = minorUnits(currency) ?? 0;
  const sign = amountMinor < 0 ? '-' : '';
  const abs = Math.abs(amountMinor);
  if (digits === 0) return `${sign}${abs} ${currency}`;
  const scale = 10 ** digits;
  return `${sign}${Math.floor(abs / scale)}.${String(abs % scale).padStart(digits, '0')} ${currency}`;
};

/** The shape of a currency code; whether it is a current ISO 4217 code is checked separately (rule `currency`). */
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;

/**
 * Checks a currency an amount can be given in (an order's, a catalogue price's): 3 uppercase letters
 * (rule `pattern`), a current ISO 4217 code (`currency`) with minor units (`currencyMinorUnits`).
 * Length is left to the pattern, which already says "3 uppercase letters": one issue, not three.
 */
export const checkCurrency = (issues: Issues, path: string, value: unknown): string | undefined => {
  const currency = checkString(issues, path, value, {
    minLength: 1,
    maxLength: Number.POSITIVE_INFINITY,
    pattern: CURRENCY_PATTERN,
    patternMessage: 'must be 3 uppercase letters',
  });
  if (currency === undefined) return undefined;
  if (!isKnownCurrency(currency)) {
    addIssue(issues, path, 'currency', 'must be an active ISO 4217 currency code');
    return undefined;
  }
  if (!hasMinorUnits(currency)) {
    addIssue(
      issues,
      path,
      'currencyMinorUnits',
      'has no minor unit (ISO 4217 "N.A.") and cannot price an order',
    );
    return undefined;
  }
  return currency;
};
