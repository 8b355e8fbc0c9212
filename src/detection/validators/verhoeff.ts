import { isDigits, stripSeparators } from './digits.js';

const D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
const INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

function verhoeffChecksum(digits: string, withCheck: boolean): number {
  let c = 0;
  const n = digits.length;
  for (let i = 0; i < n; i++) {
    const digit = digits.charCodeAt(n - 1 - i) - 48;
    const pos = withCheck ? i : i + 1;
    c = D[c]?.[P[pos % 8]?.[digit] ?? 0] ?? 0;
  }
  return c;
}

export function verhoeffValid(digits: string): boolean {
  return isDigits(digits) && verhoeffChecksum(digits, true) === 0;
}

export function verhoeffCheckDigit(body: string): number {
  return INV[verhoeffChecksum(body, false)] ?? -1;
}

/** Indian Aadhaar: 12 digits, first not 0 or 1, not a palindrome, Verhoeff check digit. */
export function isInAadhaar(candidate: string): boolean {
  const d = stripSeparators(candidate);
  if (d.length !== 12 || !isDigits(d) || d[0] === '0' || d[0] === '1') return false;
  if (d === d.split('').reverse().join('')) return false;
  return verhoeffValid(d);
}
