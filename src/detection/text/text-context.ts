import { foldToken } from './fold-token.js';
import type { NerFinding, TextResources } from './text-resources.js';
import { scanText, type TextToken } from './tokenize-text.js';

/**
 * NLP calls allowed per text: one per 16 KB (none for a short text). compromise reads ~0.1 MB/s, so a tight budget is
 * what keeps the text passes above 4 MB/s; cheaper passes have already decided everything else.
 */
const NER_CHARS_PER_CALL = 16_384;

/** Longest stretch either side of a candidate that the NLP pass reads (it runs at ~0.14 MB/s). */
const WINDOW_REACH = 160;

/** One text, tokenised once and shared by the person, location and organisation passes. */
export interface TextContext {
  readonly text: string;
  readonly tokens: readonly TextToken[];
  readonly resources: TextResources;
  /** The text's letters are all one case (ALL CAPS, all lower): word shape carries no signal in it. */
  readonly caseless: boolean;
  /** The text holds a combining mark or an apostrophe (' or ’) anywhere. */
  readonly markOrApostrophe: boolean;
  /** Folded form of token `i` (computed once, on demand). */
  folded(i: number): string;
  /** NAME_* bits of token `i`'s folded form (name-lexicon.ts), 0 for numbers and punctuation; cached. */
  nameFlags(i: number): number;
  /** PLACE_* bits of token `i`'s folded form as a one-word phrase (place-gazetteer.ts); cached. */
  placeFlags(i: number): number;
  /** NLP findings in the sentence around [start, end), in offsets of the whole text; cached per sentence. */
  nerAround(start: number, end: number): readonly NerFinding[];
  /** How many sentences were given to the NLP library (for the bench). */
  readonly nerCalls: () => number;
}

function sentenceWindow(text: string, start: number, end: number): [number, number] {
  let from = start;
  const lowest = Math.max(0, start - WINDOW_REACH);
  while (from > lowest) {
    const c = text.charAt(from - 1);
    if (c === '\n' || ((c === ' ' || c === '\t') && /[.!?]/.test(text.charAt(from - 2)))) break;
    from--;
  }
  let to = end;
  const highest = Math.min(text.length, end + WINDOW_REACH);
  while (to < highest) {
    const c = text.charAt(to);
    if (c === '\n' || (/[.!?]/.test(c) && /\s/.test(text.charAt(to + 1) || ' '))) {
      if (c !== '\n') to++;
      break;
    }
    to++;
  }
  return [from, to];
}

/**
 * A class rather than an object of closures: one context per text, and its methods live on the prototype
 * instead of being made again for every text (measurable on short texts).
 */
class SharedTextContext implements TextContext {
  readonly tokens: readonly TextToken[];
  readonly caseless: boolean;
  readonly markOrApostrophe: boolean;
  readonly #folded: (string | undefined)[];
  // -1: not looked up yet. One lexicon lookup per token serves every pass and every question.
  // Plain arrays: a typed array this small is allocated off the heap, which costs more than the lookups.
  readonly #flags: number[];
  readonly #placeFlags: number[];
  #ner: Map<string, readonly NerFinding[]> | undefined;
  #calls = 0;

  constructor(
    readonly text: string,
    readonly resources: TextResources,
  ) {
    // One pass gives the tokens, the letter cases and the marks.
    const scan = scanText(text);
    const tokens = scan.tokens;
    this.tokens = tokens;
    this.#folded = new Array<string | undefined>(tokens.length);
    this.#flags = new Array<number>(tokens.length).fill(-1);
    this.#placeFlags = new Array<number>(tokens.length).fill(-1);
    this.caseless = !scan.lower || !scan.upper;
    this.markOrApostrophe = scan.markOrApostrophe;
  }

  folded(i: number): string {
    let value = this.#folded[i];
    if (value === undefined) {
      value = foldToken(this.tokens[i]?.text ?? '');
      this.#folded[i] = value;
    }
    return value;
  }

  nameFlags(i: number): number {
    let value = this.#flags[i] ?? 0;
    if (value === -1) {
      value = this.tokens[i]?.kind === 'word' ? this.resources.names.flagsOf(this.folded(i)) : 0;
      this.#flags[i] = value;
    }
    return value;
  }

  placeFlags(i: number): number {
    let value = this.#placeFlags[i] ?? 0;
    if (value === -1) {
      value = this.tokens[i]?.kind === 'word' ? this.resources.places.lookup(this.folded(i)) : 0;
      this.#placeFlags[i] = value;
    }
    return value;
  }

  nerAround(start: number, end: number): readonly NerFinding[] {
    const { text } = this;
    const budget = Math.floor(text.length / NER_CHARS_PER_CALL);
    // Nothing asked yet and no call allowed (every text under 16 KB): no sentence to find.
    if (this.#ner === undefined && this.#calls >= budget) return [];
    const [from, to] = sentenceWindow(text, start, end);
    const key = `${from}:${to}`;
    this.#ner ??= new Map();
    let found = this.#ner.get(key);
    if (found === undefined && this.#calls >= budget) return [];
    if (found === undefined) {
      this.#calls++;
      found = this.resources
        .ner(text.slice(from, to))
        .map((f) => ({ ...f, start: f.start + from, end: f.end + from }));
      this.#ner.set(key, found);
    }
    return found;
  }

  nerCalls(): number {
    return this.#calls;
  }
}

let cached: TextContext | undefined;

/** The context of `text`, reused when the three passes run one after another on the same string. */
export function textContext(text: string, resources: TextResources): TextContext {
  if (cached?.text === text && cached.resources === resources) return cached;
  cached = new SharedTextContext(text, resources);
  return cached;
}
