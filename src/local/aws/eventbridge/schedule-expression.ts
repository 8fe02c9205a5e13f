/**
 * Schedule expressions of EventBridge rules (User Guide, "Setting a schedule pattern for scheduled rules"):
 * `rate(value unit)` and the six-field, UTC `cron(minutes hours day-of-month month day-of-week year)`,
 * parsed and validated as PutRule does, and the next time each fires.
 */

export class InvalidScheduleExpressionError extends Error {
  override readonly name = 'InvalidScheduleExpressionError';
}

export interface RateSchedule {
  readonly kind: 'rate';
  readonly periodMs: number;
}

/** Day-of-month: listed days, or one of the special forms (`L`, `LW`, `15W`). */
type DayOfMonth =
  | { readonly kind: 'days'; readonly days: ReadonlySet<number> }
  | { readonly kind: 'last' }
  | { readonly kind: 'last-weekday' }
  | { readonly kind: 'nearest-weekday'; readonly day: number };

/** Day-of-week (1 = SUN ... 7 = SAT): listed days, the last given weekday of the month (`6L`), or the nth (`3#2`). */
type DayOfWeek =
  | { readonly kind: 'days'; readonly days: ReadonlySet<number> }
  | { readonly kind: 'last-of-month'; readonly day: number }
  | { readonly kind: 'nth'; readonly day: number; readonly nth: number };

export interface CronSchedule {
  readonly kind: 'cron';
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  /** Exactly one of the two day fields is `?` (undefined here). */
  readonly dayOfMonth?: DayOfMonth;
  readonly dayOfWeek?: DayOfWeek;
  readonly months: ReadonlySet<number>;
  readonly years: ReadonlySet<number>;
}

export type ScheduleExpression = RateSchedule | CronSchedule;

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export const MIN_YEAR = 1970;
export const MAX_YEAR = 2199;

interface FieldSpec {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS = {
  minutes: { label: 'Minutes', min: 0, max: 59 },
  hours: { label: 'Hours', min: 0, max: 23 },
  dayOfMonth: { label: 'Day-of-month', min: 1, max: 31 },
  month: { label: 'Month', min: 1, max: 12, names: MONTH_NAMES },
  dayOfWeek: { label: 'Day-of-week', min: 1, max: 7, names: DAY_NAMES },
  year: { label: 'Year', min: MIN_YEAR, max: MAX_YEAR },
} as const satisfies Record<string, FieldSpec>;

const invalid = (reason: string) => new InvalidScheduleExpressionError(reason);

/** `rate(5 minutes)`: a positive whole value; the unit singular for 1 and plural otherwise. */
function parseRate(body: string): RateSchedule {
  const match = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(body);
  if (!match) throw invalid(`rate(${body}) is not "rate(value unit)" with a unit of minutes, hours or days`);
  const value = Number(match[1]);
  const unit = match[2] as string;
  if (!Number.isSafeInteger(value) || value < 1) throw invalid(`the rate value ${match[1]} is not positive`);
  const singular = !unit.endsWith('s');
  if ((value === 1) !== singular) {
    throw invalid(`a rate of ${value} needs the ${value === 1 ? 'singular' : 'plural'} unit, not ${unit}`);
  }
  const base = (singular ? unit : unit.slice(0, -1)) as keyof typeof UNIT_MS;
  return { kind: 'rate', periodMs: value * UNIT_MS[base] };
}

function parseValue(text: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  const value = named >= 0 ? named + 1 : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value < spec.min || value > spec.max) {
    throw invalid(`${spec.label} value ${text} is not within ${spec.min}-${spec.max}`);
  }
  return value;
}

/** `*`, `5`, `1-5`, `*\/10`, `1/10`, `1-30/5` and lists of them, into the set of values; ranges may wrap (FRI-MON). */
function parseList(text: string, spec: FieldSpec, steps: boolean): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range = '', stepText, extra] = part.split('/');
    if (extra !== undefined || range === '') throw invalid(`${spec.label} has a malformed part ${part}`);
    let step = 1;
    if (stepText !== undefined) {
      if (!steps) throw invalid(`${spec.label} does not take increments (/)`);
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) {
        throw invalid(`${spec.label} increment ${stepText} is not a positive number`);
      }
      step = Number(stepText);
    }
    let first: number;
    let last: number;
    if (range === '*') {
      first = spec.min;
      last = spec.max;
    } else {
      const bounds = range.split('-');
      if (bounds.length > 2) throw invalid(`${spec.label} has a malformed range ${range}`);
      first = parseValue(bounds[0] ?? '', spec);
      // `5/15` runs from 5 to the field's end; a plain `5` is the one value.
      last =
        bounds[1] !== undefined ? parseValue(bounds[1], spec) : stepText !== undefined ? spec.max : first;
    }
    const span = spec.max - spec.min + 1;
    const count = last >= first ? last - first : last - first + span;
    for (let offset = 0; offset <= count; offset += step) {
      values.add(((first - spec.min + offset) % span) + spec.min);
    }
  }
  return values;
}

function parseDayOfMonth(text: string): DayOfMonth {
  if (text === 'L') return { kind: 'last' };
  if (text === 'LW') return { kind: 'last-weekday' };
  const weekday = /^(\d+)W$/.exec(text);
  if (weekday) return { kind: 'nearest-weekday', day: parseValue(weekday[1] ?? '', FIELDS.dayOfMonth) };
  return { kind: 'days', days: parseList(text, FIELDS.dayOfMonth, true) };
}

function parseDayOfWeek(text: string): DayOfWeek {
  // `L` alone is the last day of the week: Saturday.
  if (text === 'L') return { kind: 'days', days: new Set([7]) };
  const last = /^(\w+)L$/i.exec(text);
  if (last) return { kind: 'last-of-month', day: parseValue(last[1] ?? '', FIELDS.dayOfWeek) };
  const nth = /^(\w+)#(\d)$/.exec(text);
  if (nth) {
    const n = Number(nth[2]);
    if (n < 1 || n > 5) throw invalid(`Day-of-week ${text}: the instance after # is 1-5`);
    return { kind: 'nth', day: parseValue(nth[1] ?? '', FIELDS.dayOfWeek), nth: n };
  }
  return { kind: 'days', days: parseList(text, FIELDS.dayOfWeek, false) };
}

function parseCron(body: string): CronSchedule {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) throw invalid(`cron(${body}) has ${fields.length} fields, not 6`);
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw invalid('exactly one of Day-of-month and Day-of-week must be ?');
  }
  // L, W and # stand alone in the day fields (L, LW, 15W, 6L, 3#2); anywhere else they are not values.
  return {
    kind: 'cron',
    minutes: parseList(minutes, FIELDS.minutes, true),
    hours: parseList(hours, FIELDS.hours, true),
    ...(dayOfMonth === '?' ? {} : { dayOfMonth: parseDayOfMonth(dayOfMonth) }),
    months: parseList(month, FIELDS.month, true),
    ...(dayOfWeek === '?' ? {} : { dayOfWeek: parseDayOfWeek(dayOfWeek) }),
    years: parseList(year, FIELDS.year, true),
  };
}

/** Parses `rate(...)` or `cron(...)`; throws InvalidScheduleExpressionError saying why it is not valid. */
export function parseScheduleExpression(text: string): ScheduleExpression {
  const match = /^(rate|cron)\((.*)\)$/.exec(text.trim());
  if (!match) throw invalid(`${text} is neither rate(...) nor cron(...)`);
  const body = match[2] ?? '';
  return match[1] === 'rate' ? parseRate(body.trim()) : parseCron(body);
}

// ---- next fire time ---------------------------------------------------------------------------------

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();
/** 1 = Sunday ... 7 = Saturday, as cron counts. */
const weekdayOf = (year: number, month: number, day: number): number =>
  new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
const isWeekday = (dow: number): boolean => dow >= 2 && dow <= 6;

/** The weekday (Mon-Fri) nearest `day` without leaving the month, as W means. */
function nearestWeekday(year: number, month: number, day: number): number {
  const length = daysInMonth(year, month);
  const target = Math.min(day, length);
  const dow = weekdayOf(year, month, target);
  if (isWeekday(dow)) return target;
  if (dow === 7) return target === 1 ? target + 2 : target - 1; // Saturday: Friday, or Monday on the 1st
  return target === length ? target - 2 : target + 1; // Sunday: Monday, or Friday on the last day
}

function dayMatches(cron: CronSchedule, year: number, month: number, day: number): boolean {
  const dom = cron.dayOfMonth;
  if (dom) {
    switch (dom.kind) {
      case 'days':
        return dom.days.has(day);
      case 'last':
        return day === daysInMonth(year, month);
      case 'last-weekday':
        return day === nearestWeekday(year, month, daysInMonth(year, month));
      case 'nearest-weekday':
        return day === nearestWeekday(year, month, dom.day);
    }
  }
  const dow = cron.dayOfWeek;
  if (!dow) return false;
  const weekday = weekdayOf(year, month, day);
  switch (dow.kind) {
    case 'days':
      return dow.days.has(weekday);
    case 'last-of-month':
      return weekday === dow.day && day + 7 > daysInMonth(year, month);
    case 'nth':
      return weekday === dow.day && Math.ceil(day / 7) === dow.nth;
  }
}

/** The first minute of a cron schedule strictly after `afterMs`, or undefined when none is left (past 2199). */
function nextCronTime(cron: CronSchedule, afterMs: number): number | undefined {
  let t = new Date(Math.floor(afterMs / 60_000) * 60_000 + 60_000);
  // Each step either matches or jumps to the start of the next year, month, day, hour or minute.
  while (t.getUTCFullYear() <= MAX_YEAR) {
    const year = t.getUTCFullYear();
    const month = t.getUTCMonth() + 1;
    const day = t.getUTCDate();
    if (!cron.years.has(year)) t = new Date(Date.UTC(year + 1, 0, 1));
    else if (!cron.months.has(month)) t = new Date(Date.UTC(year, month, 1));
    else if (!dayMatches(cron, year, month, day)) t = new Date(Date.UTC(year, month - 1, day + 1));
    else if (!cron.hours.has(t.getUTCHours())) {
      t = new Date(Date.UTC(year, month - 1, day, t.getUTCHours() + 1));
    } else if (!cron.minutes.has(t.getUTCMinutes())) t = new Date(t.getTime() + 60_000);
    else return t.getTime();
  }
  return undefined;
}

/**
 * When the schedule next fires strictly after `afterMs`. A rate fires every period counted from `anchorMs`
 * (when the rule got its schedule); a cron fires on its UTC minutes. Undefined: it never fires again.
 */
export function nextFireTime(
  schedule: ScheduleExpression,
  afterMs: number,
  anchorMs: number,
): number | undefined {
  if (schedule.kind === 'cron') return nextCronTime(schedule, afterMs);
  const periods = Math.max(0, Math.floor((afterMs - anchorMs) / schedule.periodMs)) + 1;
  return anchorMs + periods * schedule.periodMs;
}
