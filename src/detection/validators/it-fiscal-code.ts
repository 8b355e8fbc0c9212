/** Odd-position values of the codice fiscale check character, for 0-9 then A-Z. */
const ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21];
const ODD_LETTERS = [
  1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];
/** Digits that omocodia (collision handling) may replace with letters, in position order. */
const OMOCODE = 'LMNPQRSTUV';

function oddValue(ch: string): number {
  const c = ch.charCodeAt(0);
  return c <= 57 ? (ODD[c - 48] ?? 0) : (ODD_LETTERS[c - 65] ?? 0);
}

function evenValue(ch: string): number {
  const c = ch.charCodeAt(0);
  return c <= 57 ? c - 48 : c - 65;
}

/** The check character of the first 15 characters. */
export function itFiscalCheckChar(body: string): string {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const ch = body[i] ?? '0';
    // Positions are 1-based in the specification: odd positions are indexes 0, 2, 4…
    sum += i % 2 === 0 ? oddValue(ch) : evenValue(ch);
  }
  return String.fromCharCode(65 + (sum % 26));
}

/** Italian codice fiscale (16 chars): shape incl. omocodia letters, month letter, day range, check char. */
export function isItFiscalCode(candidate: string): boolean {
  const s = candidate.replace(/\s/g, '').toUpperCase();
  const digit = `[0-9${OMOCODE}]`;
  const shape = new RegExp(`^[A-Z]{6}${digit}{2}[ABCDEHLMPRST]${digit}{2}[A-Z]${digit}{3}[A-Z]$`);
  if (!shape.test(s)) return false;
  const dayText = (s.slice(9, 11) ?? '').replace(/[LMNPQRSTUV]/g, (c) => String(OMOCODE.indexOf(c)));
  const day = Number(dayText);
  // Women have 40 added to the day of birth.
  if (!((day >= 1 && day <= 31) || (day >= 41 && day <= 71))) return false;
  return itFiscalCheckChar(s) === s[15];
}
