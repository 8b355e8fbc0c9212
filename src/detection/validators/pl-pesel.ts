import { digitAt, isCalendarDate, isDigits } from './digits.js';

const WEIGHTS = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];

/** Polish PESEL: 11 digits, weighted check digit, and an encoded birth date that exists (century in month). */
export function isPlPesel(candidate: string): boolean {
  const d = candidate.replace(/\s/g, '');
  if (d.length !== 11 || !isDigits(d)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += digitAt(d, i) * (WEIGHTS[i] ?? 0);
  if ((10 - (sum % 10)) % 10 !== digitAt(d, 10)) return false;
  const yy = Number(d.slice(0, 2));
  const mm = Number(d.slice(2, 4));
  const dd = Number(d.slice(4, 6));
  const centuries: readonly [number, number][] = [
    [80, 1800],
    [0, 1900],
    [20, 2000],
    [40, 2100],
    [60, 2200],
  ];
  for (const [offset, century] of centuries) {
    if (mm > offset && mm <= offset + 12) return isCalendarDate(century + yy, mm - offset, dd);
  }
  return false;
}
