import { GatewayError } from '../core/index.js';

/**
 * A strict five-field cron expression (minute hour day-of-month month day-of-week), evaluated in UTC.
 * Each field is a comma list of `*`, `n` or `n-m`, each optionally with a step (`/15`; `n` alone takes
 * none). Numbers only: no names, `?`, `L`, `W`, `#` or seconds field. Day-of-week is 0–7 (0 and 7 are
 * Sunday). As in Vixie cron, when both day fields are restricted a day matching either one fires.
 */
export interface CronSchedule {
  readonly expression: string;
  /** The first matching minute strictly after `after` (UTC); null when none comes within five years. */
  next(after: Date): Date | null;
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
];

/** How far `next` looks ahead: covers 29 February (every four years) with room. */
const HORIZON_MS = 5 * 366 * 24 * 3600 * 1000;

/** Parses and checks an expression; `usage` errors name the field, never echo more than the expression. */
export function parseCronSchedule(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5)
    throw new GatewayError(
      'usage',
      `a cron expression has 5 fields (minute hour day month weekday), not ${parts.length}`,
    );
  const sets = FIELDS.map((spec, i) => parseField(parts[i] ?? '', spec));
  const [minutes, hours, days, months, weekdays] = sets as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  if (weekdays.has(7)) weekdays.add(0);
  const dayRestricted = parts[2] !== '*' && !parts[2]?.startsWith('*/');
  const weekdayRestricted = parts[4] !== '*' && !parts[4]?.startsWith('*/');
  const dayMatches = (d: Date): boolean => {
    const byDay = days.has(d.getUTCDate());
    const byWeekday = weekdays.has(d.getUTCDay());
    if (dayRestricted && weekdayRestricted) return byDay || byWeekday;
    return byDay && byWeekday;
  };
  const normalized = parts.join(' ');
  const schedule: CronSchedule = {
    expression: normalized,
    next(after) {
      const t = new Date(after.getTime());
      t.setUTCSeconds(0, 0);
      t.setUTCMinutes(t.getUTCMinutes() + 1);
      const limit = after.getTime() + HORIZON_MS;
      while (t.getTime() <= limit) {
        if (!months.has(t.getUTCMonth() + 1)) {
          t.setUTCMonth(t.getUTCMonth() + 1, 1);
          t.setUTCHours(0, 0, 0, 0);
        } else if (!dayMatches(t)) {
          t.setUTCDate(t.getUTCDate() + 1);
          t.setUTCHours(0, 0, 0, 0);
        } else if (!hours.has(t.getUTCHours())) {
          t.setUTCHours(t.getUTCHours() + 1, 0, 0, 0);
        } else if (!minutes.has(t.getUTCMinutes())) {
          t.setUTCMinutes(t.getUTCMinutes() + 1, 0, 0);
        } else {
          return t;
        }
      }
      return null;
    },
  };
  // An expression that can never fire (`0 0 31 2 *`) is refused now, not discovered at run time.
  if (schedule.next(new Date(Date.UTC(2000, 0, 1))) === null)
    throw new GatewayError('usage', 'the cron expression never matches a date');
  return schedule;
}

/** Whether `expression` is a valid strict five-field cron expression. */
export function isCronExpression(expression: string): boolean {
  try {
    parseCronSchedule(expression);
    return true;
  } catch {
    return false;
  }
}

function parseField(text: string, spec: FieldSpec): Set<number> {
  const values = new Set<number>();
  const bad = (why: string): GatewayError =>
    new GatewayError('usage', `cron ${spec.name} field: ${why} (${spec.min}-${spec.max})`);
  if (text === '') throw bad('empty');
  for (const item of text.split(',')) {
    const match = /^(\*|(\d{1,2})(?:-(\d{1,2}))?)(?:\/(\d{1,2}))?$/.exec(item);
    if (match === null) throw bad('expected *, n, n-m, with an optional /step');
    const [, all, fromText, toText, stepText] = match;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) throw bad('a step is at least 1');
    let from = spec.min;
    let to = spec.max;
    if (all !== '*') {
      from = Number(fromText);
      // `n/step` (no range) is not accepted: write `n-max/step`.
      if (toText === undefined && stepText !== undefined) throw bad('a step needs * or a range');
      to = toText === undefined ? from : Number(toText);
    }
    if (from < spec.min || to > spec.max || from > to) throw bad('out of range');
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}
