import * as t from 'io-ts';

/*
 * Unbranded refinements: the static type stays plain `string` / `number` so events can be built from
 * ordinary values, while decoding still enforces the rule.
 */

const refine = <A>(name: string, base: t.Type<A, A, unknown>, ok: (a: A) => boolean): t.Type<A, A, unknown> =>
  new t.Type<A, A, unknown>(
    name,
    (u): u is A => base.is(u) && ok(u),
    (u, c) => (base.is(u) && ok(u) ? t.success(u) : t.failure(u, c)),
    t.identity,
  );

export const NonEmptyString = refine('NonEmptyString', t.string, (s) => s.length > 0);

export const PositiveInteger = refine('PositiveInteger', t.number, (n) => Number.isSafeInteger(n) && n >= 1);

export const NonNegativeInteger = refine(
  'NonNegativeInteger',
  t.number,
  (n) => Number.isSafeInteger(n) && n >= 0,
);

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;

const daysInMonth = (year: number, month: number): number =>
  [
    31,
    year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ][month - 1] ?? 0;

/**
 * RFC 3339 date-time with an explicit offset. Checked field by field because `Date.parse` accepts
 * impossible dates such as 2024-02-30 by rolling them over.
 */
export const isIsoDateTime = (s: string): boolean => {
  const m = ISO_DATE_TIME.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second, offH, offM] = m
    .slice(1)
    .map((p) => (p === undefined ? 0 : +p));
  return (
    month !== undefined &&
    month >= 1 &&
    month <= 12 &&
    day !== undefined &&
    day >= 1 &&
    day <= daysInMonth(year ?? 0, month) &&
    (hour ?? 0) <= 23 &&
    (minute ?? 0) <= 59 &&
    (second ?? 0) <= 59 &&
    (offH ?? 0) <= 23 &&
    (offM ?? 0) <= 59
  );
};

export const IsoDateTime = refine('IsoDateTime', t.string, isIsoDateTime);
