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
  const lower = token.toLowerCase();
  if (ASCII.test(lower)) return lower;
  return lower
    .normalize('NFD')
    .replace(MARKS, '')
    .replace(EXTRA, (c) => EXTRA_FOLDS[c] ?? c);
}
