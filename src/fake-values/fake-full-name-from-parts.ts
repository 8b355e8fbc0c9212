import type { IsLastName, NameFakes } from './fake-login-from-name.js';

/** A name word: letters with inner apostrophes or hyphens (`O'Brien`, `Jean-Luc`), or an initial (`J.`). */
const WORD = /^\p{L}[\p{L}\p{M}'’-]*$/u;
const INITIAL = /^\p{L}\.$/u;
/** Lower-case words inside names that stay as written: `Ludwig van Beethoven`, `Maria da Silva`. */
const PARTICLES = new Set(
  'van von der den de del della di da das dos do du la le bin ibn al ter ten zu y e'.split(' '),
);
const MAX_WORDS = 5;

/**
 * A full name with each part replaced by the fake its own column gives it: `Mary Smith` → the first-name
 * fake of Mary and the last-name fake of Smith (`Kyla Paolicelli`), `SMITH, Mary` → `PAOLICELLI, Kyla`,
 * `J. Smith` → `K. Paolicelli`. The last word is the last name, the others first (or middle) names; a
 * lone word is a last name when `isLastName` says so. Particles, initials' dots, spacing and each word's
 * case are kept. So a person's name column, first/last name columns and mentions in text all meet in one
 * fake person, from the value alone. Null when the value is not shaped like a name or does not fit.
 */
export function fakeFullNameFromParts(
  value: string,
  names: NameFakes,
  maxLength: number | null,
  isLastName?: IsLastName,
): string | null {
  const comma = value.indexOf(',');
  if (comma !== -1) {
    // "Smith, Mary": the last name first.
    if (value.indexOf(',', comma + 1) !== -1) return null;
    const last = fakeWords(value.slice(0, comma), names, 'last');
    const first = fakeWords(value.slice(comma + 1), names, 'first');
    return last === null || first === null ? null : fits(`${last},${first}`, maxLength);
  }
  return fits(fakeWords(value, names, 'full', isLastName), maxLength);
}

/**
 * The words of `part` replaced, separators kept. `role`: all last names, all first names, or a full name
 * (the last word a last name).
 */
function fakeWords(
  part: string,
  names: NameFakes,
  role: 'first' | 'last' | 'full',
  isLastName?: IsLastName,
): string | null {
  const pieces = part.split(/(\s+)/);
  const words = pieces.filter((p, i) => i % 2 === 0 && p !== '');
  if (words.length === 0 || words.length > MAX_WORDS) return null;
  if (!words.every((w) => WORD.test(w) || INITIAL.test(w))) return null;
  const named = words.filter((w) => !PARTICLES.has(w));
  if (named.length === 0) return null;
  const lastNamed = named[named.length - 1];
  let out = '';
  pieces.forEach((piece, i) => {
    if (i % 2 === 1 || piece === '') {
      out += piece;
      return;
    }
    if (PARTICLES.has(piece)) {
      out += piece;
      return;
    }
    const asLast =
      role === 'last' ||
      (role === 'full' && piece === lastNamed && (named.length > 1 || isLastName?.(piece) === true));
    if (INITIAL.test(piece)) {
      // An initial stands for a name: the initial of that letter's fake.
      out += `${names(asLast ? 'last_name' : 'first_name', piece.charAt(0)).charAt(0)}.`;
      return;
    }
    out += names(asLast ? 'last_name' : 'first_name', piece);
  });
  return out;
}

function fits(value: string | null, maxLength: number | null): string | null {
  return value !== null && (maxLength === null || value.length <= maxLength) ? value : null;
}
