import { allSameChar, digitAt, isDigits } from './digits.js';

/** Numbers printed in advertising and documentation (Woolworth's wallet card, the textbook example). */
const SSN_DUMMIES = new Set(['078051120', '219099999', '123456789', '987654320', '987654321', '457555462']);

function nineDigits(candidate: string): string | undefined {
  const s = candidate.trim();
  if (/^\d{9}$/.test(s)) return s;
  // Grouped 3-2-4 with one delimiter used twice; mixed delimiters (`123-45 6789`) are not how SSNs are written.
  const m = /^(\d{3})([- .])(\d{2})\2(\d{4})$/.exec(s);
  return m ? `${m[1] ?? ''}${m[3] ?? ''}${m[4] ?? ''}` : undefined;
}

/** US Social Security Number: area not 000/666/9xx, group not 00, serial not 0000, no known dummies. */
export function isUsSsn(candidate: string): boolean {
  const d = nineDigits(candidate);
  if (d === undefined || allSameChar(d) || SSN_DUMMIES.has(d)) return false;
  const area = d.slice(0, 3);
  if (area === '000' || area === '666' || area[0] === '9') return false;
  return d.slice(3, 5) !== '00' && d.slice(5) !== '0000';
}

/** US ITIN: 9xx-xx-xxxx with the 4th–5th digits in 50–65, 70–88, 90–92 or 94–99 (IRS ranges). */
export function isUsItin(candidate: string): boolean {
  const d = nineDigits(candidate);
  if (d === undefined || d[0] !== '9') return false;
  const group = Number(d.slice(3, 5));
  return (
    (group >= 50 && group <= 65) ||
    (group >= 70 && group <= 88) ||
    (group >= 90 && group <= 92) ||
    (group >= 94 && group <= 99)
  );
}

/** ABA routing transit number: 9 digits, weights 3-7-1 repeating sum to a multiple of 10, valid prefix. */
export function isAbaRouting(candidate: string): boolean {
  const d = candidate.replace(/[\s-]/g, '');
  if (d.length !== 9 || !isDigits(d) || allSameChar(d)) return false;
  const prefix = Number(d.slice(0, 2));
  // Federal Reserve districts 00–12, thrifts 21–32, electronic 61–72, traveller's cheques 80.
  const prefixOk =
    prefix <= 12 || (prefix >= 21 && prefix <= 32) || (prefix >= 61 && prefix <= 72) || prefix === 80;
  if (!prefixOk) return false;
  const weights = [3, 7, 1];
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += digitAt(d, i) * (weights[i % 3] ?? 0);
  return sum % 10 === 0;
}
