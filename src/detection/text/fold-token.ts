/** Letters that Unicode decomposition does not reduce to ASCII, folded the way people type them. */
const EXTRA_FOLDS: Readonly<Record<string, string>> = {
  ß: 'ss',
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  '’': "'",
  ʼ: "'",
};
const EXTRA = /[ßøæœłđðþı’ʼ]/g;
const MARKS = /\p{M}+/gu;
const ASCII = /^[\x20-\x7e]*$/;

/**
 * Lower-cases and strips diacritics so that "Søren", "SOREN" and "soren" meet in one lookup key.
 * ASCII tokens (the common case) skip normalisation, which is the expensive part.
 */
export function foldToken(token: string): string {
  // Printable ASCII (nearly every token): lower-casing is all there is to do, and a token with no capital
  // is its own folded form. One pass over the code units instead of a copy and a regex test.
  let upper = false;
  let printable = true;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) {
      printable = false;
      break;
    }
    if (c >= 65 && c <= 90) upper = true;
  }
  if (printable) return upper ? token.toLowerCase() : token;
  return foldByUnit(token) ?? foldWhole(token);
}

/**
 * Folded form of each code unit of printable ASCII, Latin (Latin-1 to IPA, combining marks, Latin Extended
 * Additional: where nearly every non-ASCII letter of names and places lies) and the right quote, filled on
 * first use. There a token's fold is the concatenation of its units' folds: lower-casing has no context
 * outside Greek (final sigma, left out), decomposition is per character and every mark it could reorder is
 * dropped (checked on every pair of these units, and on a unit before two marks).
 */
const unitFolds = new Array<string | undefined>(0x2020).fill(undefined);

function foldableUnit(code: number): boolean {
  return (
    (code >= 0x20 && code <= 0x7e) ||
    (code >= 0x80 && code < 0x370) ||
    (code >= 0x1e00 && code < 0x1f00) ||
    code === 0x2019
  );
}

/** `foldWhole(token)` a code unit at a time, or undefined when a unit lies outside the table's ranges. */
function foldByUnit(token: string): string | undefined {
  let out = '';
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    let fold = unitFolds[code];
    if (fold === undefined) {
      if (!foldableUnit(code)) return undefined;
      fold = foldWhole(String.fromCharCode(code));
      unitFolds[code] = fold;
    }
    out += fold;
  }
  return out;
}

function foldWhole(token: string): string {
  const lower = token.toLowerCase();
  if (ASCII.test(lower)) return lower;
  return lower
    .normalize('NFD')
    .replace(MARKS, '')
    .replace(EXTRA, (c) => EXTRA_FOLDS[c] ?? c);
}
