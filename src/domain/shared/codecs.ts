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

// Positional groups: 1 year, 2 month, 3 day, 4 hour, 5 minute, 6 second, 7-8 offset hours and minutes.
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;

const isLeapYear = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (year: number, month: number): number =>
  month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);

/**
 * RFC 3339 date-time with an explicit offset (`Z` or `±hh:mm`). Checked field by field because
 * `Date.parse` accepts impossible dates such as 2024-02-30 by rolling them over. Every stored view,
 * review and notification carries several, so this stays cheap (no named groups, no closures).
 */
export const isIsoDateTime = (s: string): boolean => {
  const match = ISO_DATE_TIME.exec(s);
  if (match === null) return false;
  const month = Number(match[2]);
  const day = Number(match[3]);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(Number(match[1]), month) &&
    Number(match[4]) <= 23 &&
    Number(match[5]) <= 59 &&
    Number(match[6]) <= 59 &&
    Number(match[7] ?? 0) <= 23 &&
    Number(match[8] ?? 0) <= 59
  );
};

export const IsoDateTime = refine('IsoDateTime', t.string, isIsoDateTime);

/**
 * `t.type` that refuses any field besides its own (`t.exact` would drop them instead): for values that
 * must be exactly what this code made, such as a page token's key. Issues name the missing or mistyped
 * field; an extra field fails the value as a whole.
 */
export const closedType = <P extends t.Props>(
  props: P,
  name: string,
): t.Type<t.TypeOf<t.TypeC<P>>, t.OutputOf<t.TypeC<P>>, unknown> => {
  const open = t.type(props);
  const onlyOwnFields = (value: object): boolean =>
    Object.keys(value).every((key) => Object.hasOwn(props, key));
  return new t.Type<t.TypeOf<t.TypeC<P>>, t.OutputOf<t.TypeC<P>>, unknown>(
    name,
    (u): u is t.TypeOf<t.TypeC<P>> => open.is(u) && onlyOwnFields(u),
    (u, c) => {
      const decoded = open.validate(u, c);
      if (decoded._tag === 'Left' || onlyOwnFields(decoded.right)) return decoded;
      return t.failure(u, c, `has fields besides ${Object.keys(props).join(', ')}`);
    },
    open.encode,
  );
};
