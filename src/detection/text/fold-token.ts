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
  const lower = token.toLowerCase();
  if (ASCII.test(lower)) return lower;
  return lower
    .normalize('NFD')
    .replace(MARKS, '')
    .replace(EXTRA, (c) => EXTRA_FOLDS[c] ?? c);
}
