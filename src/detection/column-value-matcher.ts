import type { EntityCatalogue } from './catalogue/index.js';
import type { ValueMatch } from './detection-types.js';
import { matchValue } from './patterns/index.js';
import { foldToken, type NameLexicon, type TextDetectors } from './text/index.js';

/** Kinds the text passes can recognise in a value on its own (streets, places). */
const PLACE_KINDS = new Set(['STREET_ADDRESS', 'CITY', 'STATE', 'COUNTRY', 'POSTAL_CODE', 'LOCATION']);
const MAX_PLACE_CHARS = 80;

/**
 * Whole-value recognition for column classification: the catalogue's patterns and validators, then — for
 * values no pattern explains — the place gazetteers and street patterns of the text passes, when their span
 * covers the whole value. This is what lets a column named `c5` holding street lines or city names be
 * classified by its values.
 */
export function createColumnValueMatcher(
  catalogue: EntityCatalogue,
  text: TextDetectors,
  names: NameLexicon,
): (value: string) => ValueMatch[] {
  return (value) => {
    const matches = matchValue(value, catalogue);
    const trimmed = value.trim();
    if (matches.length > 0 || trimmed.length < 2) return matches;
    const shaped = shapeMatch(trimmed, names);
    if (shaped !== null) return [shaped];
    if (trimmed.length > MAX_PLACE_CHARS) return matches;
    if (!/\p{L}/u.test(trimmed)) return matches;
    const offset = value.indexOf(trimmed);
    for (const span of text.findLocationSpans(trimmed)) {
      if (!PLACE_KINDS.has(span.type)) continue;
      const covered = (span.end - span.start) / trimmed.length;
      if (covered >= 0.9 && span.start <= 1 && offset >= 0)
        matches.push({ type: span.type, score: Math.min(0.9, span.score), validated: false });
    }
    return matches;
  };
}

/** Phone numbers as people type them: 7–15 digits with the usual separators, maybe an extension. */
const PHONE_SHAPE = /^\+?(?:\(\d{1,5}\)[ .-]?)?\d[\d .-]{5,18}\d(?:\s*(?:x|ext\.?)\s*\d{1,6})?$/i;
const PHONE_SEPARATOR = /[ ().+-]/;
/** ZIP / ZIP+4, UK and Canadian postcodes: weak alone (many codes are five digits), decided by hit rate. */
const POSTAL_SHAPE = /^(?:\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d)$/;
/** A login: letters, digits and . _ -, no spaces, starting with a letter. */
const USERNAME_SHAPE = /^[A-Za-z][A-Za-z0-9._-]{2,31}$/;

/**
 * Shapes that no validator confirms but that, over a whole column, point at a kind: phone numbers that do not
 * parse as real numbers (test data, old formats), postal codes, and logins built from a person's name.
 * Scores are low: a column is decided by how many of its values share the shape.
 */
function shapeMatch(value: string, names: NameLexicon): ValueMatch | null {
  if (PHONE_SHAPE.test(value) && PHONE_SEPARATOR.test(value)) {
    const digits = value.replace(/(?:x|ext\.?)\s*\d+$/i, '').replace(/\D/g, '').length;
    if (digits >= 7 && digits <= 15) return { type: 'PHONE_NUMBER', score: 0.45, validated: false };
  }
  if (POSTAL_SHAPE.test(value)) return { type: 'POSTAL_CODE', score: 0.35, validated: false };
  if (USERNAME_SHAPE.test(value) && /[._\d]/.test(value)) {
    const parts = value.split(/[._\-\d]+/).filter((p) => p.length >= 3);
    const named = parts.some((p) => {
      const folded = foldToken(p);
      return (names.isFirstName(folded) || names.isLastName(folded)) && !names.isCommonWord(folded);
    });
    if (named) return { type: 'USERNAME', score: 0.5, validated: false };
  }
  return null;
}
