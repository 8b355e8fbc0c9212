import { allSameChar, digitAt, isDigits, stripSeparators } from './digits.js';

/** Dutch BSN: 8–9 digits, "11-proof": weights 9..2 and −1 on the last digit, sum divisible by 11. */
export function isNlBsn(candidate: string): boolean {
  let d = stripSeparators(candidate);
  if (!isDigits(d) || d.length < 8 || d.length > 9) return false;
  d = d.padStart(9, '0');
  if (allSameChar(d)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += digitAt(d, i) * (9 - i);
  sum -= digitAt(d, 8);
  return sum % 11 === 0 && sum !== 0;
}
