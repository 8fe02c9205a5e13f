import {
  InvalidScheduleExpressionError,
  nextFireTime,
  parseScheduleExpression,
} from '../../../../src/local/aws/eventbridge/schedule-expression';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

/** The next fire of `expression` strictly after `after`, as an ISO string. */
const next = (expression: string, after: string, anchor = after): string | undefined =>
  iso(nextFireTime(parseScheduleExpression(expression), at(after), at(anchor)));

describe('rate expressions', () => {
  it.each([
    ['rate(1 minute)', 60_000],
    ['rate(5 minutes)', 300_000],
    ['rate(1 hour)', 3_600_000],
    ['rate(12 hours)', 43_200_000],
    ['rate(1 day)', 86_400_000],
    ['rate(7 days)', 604_800_000],
  ])('%s has a period of %d ms', (expression, periodMs) => {
    expect(parseScheduleExpression(expression)).toEqual({ kind: 'rate', periodMs });
  });

  it.each([
    'rate(0 minutes)',
    'rate(-1 minutes)',
    'rate(1.5 minutes)',
    'rate(1 minutes)',
    'rate(5 minute)',
    'rate(2 hour)',
    'rate(1 days)',
    'rate(30 seconds)',
    'rate(1 week)',
    'rate(minute)',
    'rate()',
    'rate(1  minute)',
    'rate(1 Minute)',
  ])('%s is not valid', (expression) => {
    expect(() => parseScheduleExpression(expression)).toThrow(InvalidScheduleExpressionError);
  });

  it('fires every period counted from the anchor, strictly after the given time', () => {
    const anchor = '2024-05-01T10:00:30.000Z';
    expect(next('rate(1 minute)', anchor, anchor)).toBe('2024-05-01T10:01:30.000Z');
    expect(next('rate(1 minute)', '2024-05-01T10:01:29.999Z', anchor)).toBe('2024-05-01T10:01:30.000Z');
    expect(next('rate(1 minute)', '2024-05-01T10:01:30.000Z', anchor)).toBe('2024-05-01T10:02:30.000Z');
    expect(next('rate(5 minutes)', '2024-05-01T11:00:00.000Z', anchor)).toBe('2024-05-01T11:00:30.000Z');
    expect(next('rate(1 day)', '2024-05-03T09:00:00.000Z', anchor)).toBe('2024-05-03T10:00:30.000Z');
  });
});

describe('cron expressions', () => {
  it.each([
    // [expression, after, next fire]
    ['cron(0/15 * * * ? *)', '2024-05-01T10:07:00Z', '2024-05-01T10:15:00.000Z'],
    ['cron(0/15 * * * ? *)', '2024-05-01T10:45:00Z', '2024-05-01T11:00:00.000Z'],
    ['cron(1/10 * * * ? *)', '2024-05-01T10:01:00Z', '2024-05-01T10:11:00.000Z'],
    ['cron(*/20 * * * ? *)', '2024-05-01T10:41:00Z', '2024-05-01T11:00:00.000Z'],
    ['cron(* * * * ? *)', '2024-05-01T10:07:59.999Z', '2024-05-01T10:08:00.000Z'],
    // Strictly after: a fire time is not its own next fire.
    ['cron(0 10 * * ? *)', '2024-05-01T10:00:00Z', '2024-05-02T10:00:00.000Z'],
    ['cron(15 12 * * ? *)', '2024-05-01T12:14:59Z', '2024-05-01T12:15:00.000Z'],
    ['cron(0,30 9,17 * * ? *)', '2024-05-01T09:31:00Z', '2024-05-01T17:00:00.000Z'],
    ['cron(0 8 1 * ? *)', '2024-12-15T00:00:00Z', '2025-01-01T08:00:00.000Z'],
    ['cron(0 0 1 JAN,JUL ? *)', '2024-02-01T00:00:00Z', '2024-07-01T00:00:00.000Z'],
    // Friday evening to Monday, UTC.
    ['cron(0 18 ? * MON-FRI *)', '2024-11-29T19:00:00Z', '2024-12-02T18:00:00.000Z'],
    ['cron(0/5 8-17 ? * MON-FRI *)', '2024-11-29T17:55:00Z', '2024-12-02T08:00:00.000Z'],
    ['cron(0 12 ? * 2,4 *)', '2024-12-03T00:00:00Z', '2024-12-04T12:00:00.000Z'],
    // A range may wrap around the end of the week.
    ['cron(0 0 ? * FRI-MON *)', '2024-12-03T00:00:00Z', '2024-12-06T00:00:00.000Z'],
    ['cron(0 0 ? * FRI-MON *)', '2024-12-08T00:00:00Z', '2024-12-09T00:00:00.000Z'],
    // Years.
    ['cron(0 0 1 1 ? 2030)', '2025-06-01T00:00:00Z', '2030-01-01T00:00:00.000Z'],
    ['cron(0 0 29 2 ? *)', '2025-03-01T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    // L: the last day of the month (of a leap February too); LW: its last weekday.
    ['cron(0 0 L * ? *)', '2024-02-10T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['cron(0 0 L * ? *)', '2023-02-10T00:00:00Z', '2023-02-28T00:00:00.000Z'],
    ['cron(0 0 LW * ? *)', '2024-08-01T00:00:00Z', '2024-08-30T00:00:00.000Z'],
    // W: the weekday nearest the day, within the month (Sat 1 June -> Mon 3; Sun 15 Sept -> Mon 16).
    ['cron(0 0 1W * ? *)', '2024-05-31T00:00:00Z', '2024-06-03T00:00:00.000Z'],
    ['cron(0 0 15W * ? *)', '2024-09-01T00:00:00Z', '2024-09-16T00:00:00.000Z'],
    ['cron(0 0 15W * ? *)', '2024-06-01T00:00:00Z', '2024-06-14T00:00:00.000Z'],
    // nL: the last such weekday of the month; L alone: Saturday; n#k: the kth such weekday.
    ['cron(0 0 ? * 6L *)', '2024-11-01T00:00:00Z', '2024-11-29T00:00:00.000Z'],
    ['cron(0 0 ? * L *)', '2024-12-02T00:00:00Z', '2024-12-07T00:00:00.000Z'],
    ['cron(0 9 ? * 2#1 *)', '2024-11-05T00:00:00Z', '2024-12-02T09:00:00.000Z'],
    ['cron(0 9 ? * TUE#2 *)', '2024-12-01T00:00:00Z', '2024-12-10T09:00:00.000Z'],
  ])('%s after %s fires at %s', (expression, after, expected) => {
    expect(next(expression, after)).toBe(expected);
  });

  it('never fires again once its years have passed, or on a day that does not exist', () => {
    expect(next('cron(0 0 1 1 ? 1970)', '2024-01-01T00:00:00Z')).toBeUndefined();
    expect(next('cron(0 0 30 2 ? *)', '2024-01-01T00:00:00Z')).toBeUndefined();
    expect(next('cron(0 0 ? * 2#5 2199)', '2199-12-31T00:00:00Z')).toBeUndefined();
  });

  it.each([
    'cron(0 10 * * ?)',
    'cron(0 10 * * ? * *)',
    'cron()',
    'cron(0 10 * * * *)',
    'cron(0 10 ? * ? *)',
    'cron(60 * * * ? *)',
    'cron(0 24 * * ? *)',
    'cron(0 0 0 * ? *)',
    'cron(0 0 32 * ? *)',
    'cron(0 0 * 13 ? *)',
    'cron(0 0 ? * 8 *)',
    'cron(0 0 ? * 0 *)',
    'cron(0 0 1 1 ? 1969)',
    'cron(0 0 1 1 ? 2200)',
    'cron(L * * * ? *)',
    'cron(? * * * ? *)',
    'cron(0 ? * * ? *)',
    'cron(0 0 ? * 1/2 *)',
    'cron(0 0 L-2 * ? *)',
    'cron(0 0 1#2 * ? *)',
    'cron(0 0 ? * 3#1,6#3 *)',
    'cron(0 0 ? * 3#6 *)',
    'cron(0 0 ? * 9L *)',
    'cron(0/0 * * * ? *)',
    'cron(0-5-9 * * * ? *)',
    'cron(a * * * ? *)',
    'cron(0 0 ? * FUNDAY *)',
    'every minute',
    'rate(1 minute',
    '',
  ])('%s is not valid', (expression) => {
    expect(() => parseScheduleExpression(expression)).toThrow(InvalidScheduleExpressionError);
  });
});
