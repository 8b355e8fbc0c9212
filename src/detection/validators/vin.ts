const TRANSLIT: Readonly<Record<string, number>> = {
  A: 1,
  B: 2,
  C: 3,
  D: 4,
  E: 5,
  F: 6,
  G: 7,
  H: 8,
  J: 1,
  K: 2,
  L: 3,
  M: 4,
  N: 5,
  P: 7,
  R: 9,
  S: 2,
  T: 3,
  U: 4,
  V: 5,
  W: 6,
  X: 7,
  Y: 8,
  Z: 9,
};
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

function value(ch: string): number {
  return ch >= '0' && ch <= '9' ? Number(ch) : (TRANSLIT[ch] ?? 0);
}

/** The check character (position 9) a VIN should carry: weighted sum mod 11, 10 written as X. */
export function vinCheckChar(vin: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += value(vin[i] ?? '0') * (WEIGHTS[i] ?? 0);
  const r = sum % 11;
  return r === 10 ? 'X' : String(r);
}

/**
 * Vehicle identification number: 17 characters without I, O, Q, at least one letter and one digit, and the
 * North-American check digit at position 9 (mandatory there; elsewhere a pass is strong evidence).
 */
export function isVin(candidate: string): boolean {
  const s = candidate.trim().toUpperCase();
  if (!/^[A-HJ-NPR-Z0-9]{17}$/.test(s) || !/[A-Z]/.test(s) || !/\d/.test(s)) return false;
  // The last four characters are always digits in the serial of any modern VIN.
  if (!/\d{4}$/.test(s)) return false;
  return vinCheckChar(s) === s[8];
}
