import { COMMON_WORDS, NAME_PARTICLES } from './common-words.js';
import { type LocaleDefinitions, latinStrings, loadFakerLocales } from './faker-locales.js';
import { foldToken } from './fold-token.js';
import { SharedWordTable, type SharedWordTableData } from './shared-word-table.js';

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
  /** Hands the lexicon to worker threads (shared memory, see `nameLexiconFromShared`). */
  share(): SharedNameLexicon;
}

/** A name lexicon built in another thread: its table in shared memory, its counts. */
export interface SharedNameLexicon {
  readonly table: SharedWordTableData;
  readonly firstNameCount: number;
  readonly lastNameCount: number;
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
  // One table for every fact: the common-word and particle bits never change a word's name bits, and every
  // common word and particle has its bit, so each question below is a bit of the same lookup.
  const flags = names;
  for (const word of COMMON_WORDS) flags.set(word, (flags.get(word) ?? 0) | NAME_COMMON);
  for (const word of NAME_PARTICLES) flags.set(word, (flags.get(word) ?? 0) | NAME_PARTICLE);
  return nameLexiconOf({ table: SharedWordTable.build(flags).share(), firstNameCount, lastNameCount });
}

/** The lexicon over a table built elsewhere (another thread's `share()`), without a copy. */
export function nameLexiconFromShared(shared: SharedNameLexicon): NameLexicon {
  return nameLexiconOf(shared);
}

function nameLexiconOf(shared: SharedNameLexicon): NameLexicon {
  const table = SharedWordTable.fromShared(shared.table);
  return {
    firstNameCount: shared.firstNameCount,
    lastNameCount: shared.lastNameCount,
    flagsOf: (folded) => table.get(folded),
    isFirstName: (folded) => (table.get(folded) & FIRST) !== 0,
    isLastName: (folded) => (table.get(folded) & LAST) !== 0,
    isCommonWord: (folded) => (table.get(folded) & NAME_COMMON) !== 0,
    isParticle: (folded) => (table.get(folded) & NAME_PARTICLE) !== 0,
    share: () => shared,
  };
}

let lexicon: Promise<NameLexicon> | undefined;

/** Built once per process on first use (see faker-locales.ts for why it is lazy). */
export function loadNameLexicon(): Promise<NameLexicon> {
  lexicon ??= loadFakerLocales().then(buildNameLexicon);
  return lexicon;
}
