import { COMMON_WORDS, NAME_PARTICLES } from './common-words.js';
import { type LocaleDefinitions, latinStrings, loadFakerLocales } from './faker-locales.js';
import { foldToken } from './fold-token.js';
import { filteredLookup } from './key-filter.js';

/** Bits of `NameLexicon.flagsOf`: every fact about a folded word in one lookup. */
export const NAME_FIRST = 1;
export const NAME_LAST = 2;
export const NAME_COMMON = 4;
export const NAME_PARTICLE = 8;
const FIRST = NAME_FIRST;
const LAST = NAME_LAST;

/** First and last names of every Latin-script faker locale, folded for lookup. */
export interface NameLexicon {
  readonly firstNameCount: number;
  readonly lastNameCount: number;
  /** Arguments are folded tokens (see `foldToken`). */
  isFirstName(folded: string): boolean;
  isLastName(folded: string): boolean;
  /** A word of everyday language: a name hit on it needs support (see common-words.ts). */
  isCommonWord(folded: string): boolean;
  isParticle(folded: string): boolean;
  /** NAME_* bits of a folded word (one map lookup instead of four). */
  flagsOf(folded: string): number;
}

function addName(names: Map<string, number>, raw: string, flag: number): void {
  // "Anh Vũ", "De Luca", "Mary-Kate": the parts are names too, and the hyphenated whole stays one token.
  for (const part of raw.split(/\s+/)) {
    const folded = foldToken(part.replace(/\.$/, ''));
    if (folded.length < 2 || NAME_PARTICLES.has(folded)) continue;
    names.set(folded, (names.get(folded) ?? 0) | flag);
    if (folded.includes('-'))
      for (const piece of folded.split('-')) names.set(piece, (names.get(piece) ?? 0) | flag);
  }
}

export function buildNameLexicon(locales: LocaleDefinitions): NameLexicon {
  const names = new Map<string, number>();
  for (const name of latinStrings(locales, ['person', 'first_name'])) addName(names, name, FIRST);
  for (const name of latinStrings(locales, ['person', 'middle_name'])) addName(names, name, FIRST);
  for (const name of latinStrings(locales, ['person', 'last_name'])) addName(names, name, LAST);
  let firstNameCount = 0;
  let lastNameCount = 0;
  for (const flags of names.values()) {
    if (flags & FIRST) firstNameCount++;
    if (flags & LAST) lastNameCount++;
  }
  const flags = new Map(names);
  for (const word of COMMON_WORDS) flags.set(word, (flags.get(word) ?? 0) | NAME_COMMON);
  for (const word of NAME_PARTICLES) flags.set(word, (flags.get(word) ?? 0) | NAME_PARTICLE);
  return {
    firstNameCount,
    lastNameCount,
    flagsOf: filteredLookup(flags),
    isFirstName: (folded) => ((names.get(folded) ?? 0) & FIRST) !== 0,
    isLastName: (folded) => ((names.get(folded) ?? 0) & LAST) !== 0,
    isCommonWord: (folded) => COMMON_WORDS.has(folded),
    isParticle: (folded) => NAME_PARTICLES.has(folded),
  };
}

let lexicon: Promise<NameLexicon> | undefined;

/** Built once per process on first use (see faker-locales.ts for why it is lazy). */
export function loadNameLexicon(): Promise<NameLexicon> {
  lexicon ??= loadFakerLocales().then(buildNameLexicon);
  return lexicon;
}
