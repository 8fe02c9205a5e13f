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
  /^(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2})T(?<hour>\d{2}):(?<minute>\d{2}):(?<second>\d{2})(?:\.\d{1,9})?(?:Z|[+-](?<offsetHour>\d{2}):(?<offsetMinute>\d{2}))$/;

const isLeapYear = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (year: number, month: number): number =>
  month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);

/**
 * RFC 3339 date-time with an explicit offset (`Z` or `±hh:mm`). Checked field by field because
 * `Date.parse` accepts impossible dates such as 2024-02-30 by rolling them over.
 */
export const isIsoDateTime = (s: string): boolean => {
  const groups = ISO_DATE_TIME.exec(s)?.groups;
  if (!groups) return false;
  const field = (name: string): number => Number(groups[name] ?? 0);
  const month = field('month');
  const day = field('day');
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(field('year'), month) &&
    field('hour') <= 23 &&
    field('minute') <= 59 &&
    field('second') <= 59 &&
    field('offsetHour') <= 23 &&
    field('offsetMinute') <= 59
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
