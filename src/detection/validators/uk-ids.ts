import { allSameChar, digitAt, isDigits, stripSeparators } from './digits.js';

/** NHS number: 10 digits, weights 10..2 over the first nine, 11 − (sum mod 11) is the check digit (10 invalid). */
export function isUkNhs(candidate: string): boolean {
  const d = stripSeparators(candidate);
  if (d.length !== 10 || !isDigits(d) || allSameChar(d)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += digitAt(d, i) * (10 - i);
  let check = 11 - (sum % 11);
  if (check === 11) check = 0;
  return check !== 10 && check === digitAt(d, 9);
}

/** National Insurance number: prefix letters exclude D F I Q U V, second letter not O, and BG GB KN NK NT TN ZZ. */
export function isUkNino(candidate: string): boolean {
  const s = candidate.replace(/\s/g, '').toUpperCase();
  const m = /^([A-CEGHJ-PR-TW-Z])([A-CEGHJ-NPR-TW-Z])(\d{6})([A-D])?$/.exec(s);
  if (!m) return false;
  const prefix = (m[1] ?? '') + (m[2] ?? '');
  if (['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(prefix)) return false;
  return !allSameChar(m[3] ?? '');
}
