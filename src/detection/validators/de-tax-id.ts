import { digitAt, isDigits, stripSeparators } from './digits.js';

/** ISO 7064 MOD 11,10 check digit of a digit string. */
export function iso7064Mod11_10(body: string): number {
  let product = 10;
  for (let i = 0; i < body.length; i++) {
    let sum = (digitAt(body, i) + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = 11 - product;
  return check === 10 ? 0 : check;
}

/**
 * German Steuer-IdNr: 11 digits, first not 0; in the first ten, exactly one digit repeats (twice, or
 * three times but not three in a row) and all others appear once; ISO 7064 MOD 11,10 check digit.
 */
export function isDeTaxId(candidate: string): boolean {
  const d = stripSeparators(candidate);
  if (d.length !== 11 || !isDigits(d) || d[0] === '0') return false;
  const body = d.slice(0, 10);
  const counts = new Map<string, number>();
  for (const c of body) counts.set(c, (counts.get(c) ?? 0) + 1);
  const repeated = [...counts.values()].filter((n) => n > 1);
  if (repeated.length !== 1 || (repeated[0] ?? 0) > 3) return false;
  if (repeated[0] === 3 && /(\d)\1\1/.test(body)) return false;
  return iso7064Mod11_10(body) === digitAt(d, 10);
}
