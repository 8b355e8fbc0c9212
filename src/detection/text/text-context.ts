import { foldToken } from './fold-token.js';
import type { NerFinding, TextResources } from './text-resources.js';
import { letterCases, type TextToken, tokenizeText } from './tokenize-text.js';

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

let cached: TextContext | undefined;

/** The context of `text`, reused when the three passes run one after another on the same string. */
export function textContext(text: string, resources: TextResources): TextContext {
  if (cached?.text === text && cached.resources === resources) return cached;
  const tokens = tokenizeText(text);
  const folded: (string | undefined)[] = new Array<string | undefined>(tokens.length);
  // -1: not looked up yet. One lexicon lookup per token serves every pass and every question.
  const flags = new Int32Array(tokens.length).fill(-1);
  const placeFlags = new Int32Array(tokens.length).fill(-1);
  const ner = new Map<string, readonly NerFinding[]>();
  const cases = letterCases(text);
  let calls = 0;
  const foldedAt = (i: number): string => {
    let value = folded[i];
    if (value === undefined) {
      value = foldToken(tokens[i]?.text ?? '');
      folded[i] = value;
    }
    return value;
  };
  const context: TextContext = {
    text,
    tokens,
    resources,
    caseless: !cases.lower || !cases.upper,
    folded: foldedAt,
    nameFlags(i) {
      let value = flags[i] ?? 0;
      if (value === -1) {
        value = tokens[i]?.kind === 'word' ? resources.names.flagsOf(foldedAt(i)) : 0;
        flags[i] = value;
      }
      return value;
    },
    placeFlags(i) {
      let value = placeFlags[i] ?? 0;
      if (value === -1) {
        value = tokens[i]?.kind === 'word' ? resources.places.lookup(foldedAt(i)) : 0;
        placeFlags[i] = value;
      }
      return value;
    },
    nerAround(start, end) {
      const [from, to] = sentenceWindow(text, start, end);
      const key = `${from}:${to}`;
      let found = ner.get(key);
      if (found === undefined && calls >= Math.floor(text.length / NER_CHARS_PER_CALL)) return [];
      if (found === undefined) {
        calls++;
        found = resources
          .ner(text.slice(from, to))
          .map((f) => ({ ...f, start: f.start + from, end: f.end + from }));
        ner.set(key, found);
      }
      return found;
    },
    nerCalls: () => calls,
  };
  cached = context;
  return context;
}
