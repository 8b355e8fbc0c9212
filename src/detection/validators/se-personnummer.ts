import { isCalendarDate } from './digits.js';
import { luhnValid } from './luhn.js';

/**
 * Swedish personnummer: (CC)YYMMDD[-+]NNNC, Luhn over the 10-digit form, birth date exists
 * (day + 60 for samordningsnummer).
 */
export function isSePersonnummer(candidate: string): boolean {
  const m = /^(\d{2})?(\d{2})(\d{2})(\d{2})[-+]?(\d{4})$/.exec(candidate.trim());
  if (!m) return false;
  const yy = Number(m[2]);
  const month = Number(m[3]);
  let day = Number(m[4]);
  if (day > 60) day -= 60;
  const year = m[1] === undefined ? 2000 + yy : Number(m[1]) * 100 + yy;
  if (!isCalendarDate(year, month, day)) return false;
  return luhnValid(`${m[2] ?? ''}${m[3] ?? ''}${m[4] ?? ''}${m[5] ?? ''}`);
}
