import { isCalendarDate } from './digits.js';

/** Month names and abbreviations in English, German, French, Spanish, Italian, Dutch and Portuguese. */
const MONTHS: Readonly<Record<string, number>> = Object.fromEntries(
  [
    ['january jan januar janvier janv enero ene gennaio gen januari janeiro', 1],
    ['february feb februar feb février fevrier févr fevr febrero febbraio februari fevereiro fev', 2],
    ['march mar märz maerz mrz mars marzo maart março marco', 3],
    ['april apr avril avr abril aprile', 4],
    ['may mai mayo maggio mag mei maio', 5],
    ['june jun juni juin junio giugno giu junho', 6],
    ['july jul juli juillet juil julio luglio lug julho', 7],
    ['august aug augusti août aout agosto ago augustus', 8],
    ['september sep sept septembre septiembre settembre set setembro', 9],
    ['october oct oktober okt octobre octubre ottobre ott oktober outubro out', 10],
    ['november nov novembre noviembre novembre novembro', 11],
    ['december dec dezember dez décembre decembre déc diciembre dic dicembre dezembro', 12],
  ].flatMap(([names, month]) =>
    String(names)
      .split(' ')
      .map((n) => [n, Number(month)]),
  ),
);

/** The month number for a name or abbreviation (any case, optional trailing dot), or undefined. */
export function monthFromName(name: string): number | undefined {
  return MONTHS[name.toLowerCase().replace(/\.$/, '')];
}

export interface ParsedDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const MIN_YEAR = 1850;
const MAX_YEAR = 2150;

function make(year: number, month: number, day: number): ParsedDate | undefined {
  if (year < MIN_YEAR || year > MAX_YEAR || !isCalendarDate(year, month, day)) return undefined;
  return { year, month, day };
}

/** Two-digit years: 00–(this year + 10) are 20xx, the rest 19xx. */
function fullYear(text: string): number {
  const y = Number(text);
  if (text.length === 4) return y;
  const pivot = (new Date().getUTCFullYear() % 100) + 10;
  return y <= pivot ? 2000 + y : 1900 + y;
}

/**
 * Parses a date written as ISO `YYYY-MM-DD` (optionally followed by a time), `YYYY/MM/DD`, `DD/MM/YYYY`
 * or `MM/DD/YYYY` (either reading that exists), `DD.MM.YYYY`, `DD-MM-YYYY`, or with a month name
 * (`12 March 1985`, `March 12, 1985`, `12. März 1985`, `12 de marzo de 1985`, `Mar 12 1985`).
 * Returns the first reading that is a real calendar date between 1850 and 2150.
 */
export function parseDate(candidate: string): ParsedDate | undefined {
  const s = candidate.trim().replace(/\s+/g, ' ');
  let m =
    /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?: ?(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT))?)?$/i.exec(
      s,
    );
  if (m) return make(Number(m[1]), Number(m[3]), Number(m[4]));
  m = /^(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?:,? \d{1,2}:\d{2}(?::\d{2})?(?: ?[AP]M)?)?$/i.exec(s);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[3]);
    const year = fullYear(m[4] ?? '');
    return make(year, b, a) ?? make(year, a, b);
  }
  m = /^(\d{1,2})(?:st|nd|rd|th|\.)? (?:de |of )?([\p{L}]+\.?),? (?:de )?(\d{4})$/iu.exec(s);
  if (m) {
    const month = monthFromName(m[2] ?? '');
    return month === undefined ? undefined : make(Number(m[3]), month, Number(m[1]));
  }
  m = /^([\p{L}]+\.?) (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$/iu.exec(s);
  if (m) {
    const month = monthFromName(m[1] ?? '');
    return month === undefined ? undefined : make(Number(m[3]), month, Number(m[2]));
  }
  return undefined;
}

/** A real calendar date in one of the formats `parseDate` reads. */
export function isDate(candidate: string): boolean {
  return parseDate(candidate) !== undefined;
}

/** True when a date is in the past and at most `maxAge` years ago: a plausible date of birth. */
export function isPlausibleBirthDate(date: ParsedDate, now: Date = new Date(), maxAge = 120): boolean {
  const value = Date.UTC(date.year, date.month - 1, date.day);
  return value <= now.getTime() && date.year >= now.getUTCFullYear() - maxAge;
}

/** A date that could be someone's date of birth: parses, in the past, within 120 years. */
export function isDateOfBirth(candidate: string): boolean {
  const date = parseDate(candidate);
  return date !== undefined && isPlausibleBirthDate(date);
}

/**
 * Any date or time expression the catalogue's DATE_TIME rules find: a full date (`parseDate`), a month and
 * year (`March 2021`, `03/2021`), or a time of day (`14:30`, `2:30 pm`).
 */
export function isDateTime(candidate: string): boolean {
  if (isDate(candidate)) return true;
  const s = candidate.trim().replace(/\s+/g, ' ');
  const monthYear = /^([\p{L}]+)\.?,? (\d{4})$/iu.exec(s);
  if (monthYear) {
    const year = Number(monthYear[2]);
    return monthFromName(monthYear[1] ?? '') !== undefined && year >= MIN_YEAR && year <= MAX_YEAR;
  }
  const time = /^([01]?\d|2[0-3])[:.h]([0-5]\d)(?::([0-5]\d))?(?: ?([ap])\.?m\.?)?$/i.exec(s);
  if (time) return time[4] === undefined || (Number(time[1]) >= 1 && Number(time[1]) <= 12);
  return false;
}

/** An age in years: an integer 0–120. */
export function isAge(candidate: string): boolean {
  const s = candidate.trim();
  return /^\d{1,3}$/.test(s) && Number(s) <= 120;
}
