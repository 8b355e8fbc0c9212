import { allSameChar, isDigits, stripSeparators } from './digits.js';

/** Luhn (mod 10) over a digit string. */
export function luhnValid(digits: string): boolean {
  if (!isDigits(digits) || digits.length < 2) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** The Luhn check digit that completes `body`. */
export function luhnCheckDigit(body: string): number {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + String(d))) return d;
  return -1;
}

/**
 * Issuer prefixes (IIN ranges) that card networks use, with their lengths. A Luhn pass alone accepts one
 * random digit string in ten; the prefix table removes most order numbers and other long digit runs.
 */
const CARD_RANGES: readonly {
  readonly from: number;
  readonly to: number;
  readonly len: readonly number[];
}[] = [
  { from: 4, to: 4, len: [13, 16, 19] }, // Visa
  { from: 51, to: 55, len: [16] }, // Mastercard
  { from: 2221, to: 2720, len: [16] }, // Mastercard 2-series
  { from: 34, to: 34, len: [15] }, // American Express
  { from: 37, to: 37, len: [15] },
  { from: 300, to: 305, len: [14, 16, 19] }, // Diners Club
  { from: 36, to: 36, len: [14, 16, 19] },
  { from: 38, to: 39, len: [14, 16, 19] },
  { from: 6011, to: 6011, len: [16, 19] }, // Discover
  { from: 644, to: 649, len: [16, 19] },
  { from: 65, to: 65, len: [16, 19] },
  { from: 622126, to: 622925, len: [16, 19] },
  { from: 3528, to: 3589, len: [16, 17, 18, 19] }, // JCB
  { from: 62, to: 62, len: [16, 17, 18, 19] }, // UnionPay
  { from: 50, to: 50, len: [12, 13, 14, 15, 16, 17, 18, 19] }, // Maestro
  { from: 56, to: 58, len: [12, 13, 14, 15, 16, 17, 18, 19] },
  { from: 6, to: 6, len: [12, 13, 14, 15, 16, 17, 18, 19] }, // Maestro / other 6-series
  { from: 2200, to: 2204, len: [16, 17, 18, 19] }, // Mir
  { from: 1, to: 1, len: [15] }, // UATP
];

function hasCardPrefix(digits: string): boolean {
  return CARD_RANGES.some((r) => {
    const width = String(r.from).length;
    const prefix = Number(digits.slice(0, width));
    return prefix >= r.from && prefix <= r.to && r.len.includes(digits.length);
  });
}

/** A payment card number: 12–19 digits (spaces/dashes allowed), a known issuer prefix and Luhn. */
export function isCreditCard(candidate: string): boolean {
  const digits = candidate.replace(/[\s-]/g, '');
  if (!isDigits(digits) || digits.length < 12 || digits.length > 19) return false;
  if (allSameChar(digits)) return false;
  return hasCardPrefix(digits) && luhnValid(digits);
}

/** An IMEI: 15 digits with a Luhn check digit (the 14-digit body is the TAC + serial). */
export function isImei(candidate: string): boolean {
  const digits = stripSeparators(candidate);
  return digits.length === 15 && !allSameChar(digits) && luhnValid(digits);
}

/** A Canadian Social Insurance Number: 9 digits, Luhn, first digit not 0 or 8 (never issued). */
export function isCaSin(candidate: string): boolean {
  const digits = stripSeparators(candidate);
  if (digits.length !== 9 || !isDigits(digits) || allSameChar(digits)) return false;
  if (digits[0] === '0' || digits[0] === '8') return false;
  return luhnValid(digits);
}
