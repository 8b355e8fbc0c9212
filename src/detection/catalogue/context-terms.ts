/** A run of Unicode letters and digits: the unit context words are matched on. */
const WORD = /[\p{L}\p{N}]+/gu;

/** Lower-cased words of a text, in order. `e-mail` → ['e', 'mail']; `lic#` → ['lic']. */
export function wordsOf(text: string): string[] {
  return (text.match(WORD) ?? []).map((w) => w.toLowerCase());
}

/** Context terms after normalisation: single words in a set, multi-word phrases as word sequences. */
export interface ContextTerms {
  readonly words: ReadonlySet<string>;
  readonly phrases: readonly (readonly string[])[];
}

export const NO_TERMS: ContextTerms = { words: new Set(), phrases: [] };

/** Normalises context entries; entries that contain no letter or digit are returned in `empty`. */
export function compileContextTerms(entries: readonly string[]): { terms: ContextTerms; empty: number[] } {
  const words = new Set<string>();
  const phrases: string[][] = [];
  const empty: number[] = [];
  entries.forEach((entry, i) => {
    const tokens = wordsOf(entry);
    if (tokens.length === 0) empty.push(i);
    else if (tokens.length === 1) words.add(tokens[0] ?? '');
    else phrases.push(tokens);
  });
  return { terms: { words, phrases }, empty };
}

/** True when any term occurs as whole words in `window` (a phrase as consecutive words). */
export function matchesTerms(window: readonly string[], terms: ContextTerms): boolean {
  for (const w of window) if (terms.words.has(w)) return true;
  for (const phrase of terms.phrases) {
    for (let i = 0; i + phrase.length <= window.length; i++) {
      let all = true;
      for (let j = 0; j < phrase.length && all; j++) all = window[i + j] === phrase[j];
      if (all) return true;
    }
  }
  return false;
}
