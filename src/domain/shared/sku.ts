import { checkString, type Issues } from './field-checks';

/** The limits every SKU obeys, wherever it is named (an order line, a stock level, a reservation). */
export const SKU_LIMITS = { minLength: 1, maxLength: 64 } as const;

/** Letters, digits and "-", starting with a letter or digit; letters in either case (see `checkSku`). */
export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9-]*$/i;

export const SKU_PATTERN_MESSAGE =
  'must start with a letter or digit and contain only letters, digits and "-"';

/**
 * Checks a SKU and returns it in upper case: `sku-red` and `SKU-RED` name one SKU, so it is validated
 * case-insensitively and always stored, compared and looked up in upper case. (The pattern admits only
 * ASCII letters, so upper-casing cannot change the length or produce a character it refuses.)
 */
export const checkSku = (issues: Issues, path: string, value: unknown): string | undefined =>
  checkString(issues, path, value, {
    ...SKU_LIMITS,
    pattern: SKU_PATTERN,
    patternMessage: SKU_PATTERN_MESSAGE,
  })?.toUpperCase();
