/**
 * Dates and timestamps in PostgreSQL's ISO output (DateStyle ISO): `2024-01-31`, `2024-01-31 10:00:00`,
 * `2024-01-31 10:00:00.123456+05:30`, `0044-03-15 BC`, `0044-03-15 10:00:00+00 BC`; years may have more
 * than 4 digits. Calendar arithmetic is proleptic Gregorian, as PostgreSQL's.
 */

export interface PgDateTime {
  /** Astronomical year: 1 BC is 0, 2 BC is −1. */
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** Whatever follows the date (` 10:00:00.5+05:30`, or empty for a date), without ` BC`. */
  readonly rest: string;
}

const DATE = /^(\d{4,})-(\d{2})-(\d{2})(.*?)( BC)?$/;
const TIME = /^ (\d{2}):(\d{2}):(\d{2})(?:\.\d+)?([+-]\d{2}(?::\d{2}){0,2})?$/;

export function parsePgDateTime(text: string): PgDateTime | null {
  const match = DATE.exec(text);
  if (match === null) return null;
  const rest = match[4]!;
  if (rest !== '' && !TIME.test(rest)) return null;
  const year = Number(match[1]);
  return {
    year: match[5] === undefined ? year : 1 - year,
    month: Number(match[2]),
    day: Number(match[3]),
    rest,
  };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

export function formatPgDateTime(year: number, month: number, day: number, rest: string): string {
  const bc = year <= 0;
  return `${pad(bc ? 1 - year : year, 4)}-${pad(month, 2)}-${pad(day, 2)}${rest}${bc ? ' BC' : ''}`;
}

/** The time part of `rest` split into hour and the zone suffix (`+05:30`, or empty). */
export function parseTimeRest(rest: string): { readonly hour: string; readonly zone: string } | null {
  const match = TIME.exec(rest);
  if (match === null) return null;
  return { hour: match[1]!, zone: match[4] ?? '' };
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The inverse of `daysFromCivil`. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

/** `infinity` and `-infinity`: left as they are by every date action. */
export function isInfinite(text: string): boolean {
  return text === 'infinity' || text === '-infinity';
}
