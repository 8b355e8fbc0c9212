/** How a word is written: the main signal for names in text that is not all one case. */
export type TokenShape = 'lower' | 'capital' | 'upper' | 'mixed';

export interface TextToken {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** `number`: any token holding a digit ("96c", "6033391") — never part of a name. */
  readonly kind: 'word' | 'number' | 'punct';
  readonly shape: TokenShape;
  /** Only spaces or tabs separate this token from the previous one (no line break, no punctuation). */
  readonly spaceBefore: boolean;
  /** A line break lies between the previous token and this one. */
  readonly lineBefore: boolean;
}

// Apostrophes and hyphens stay inside words so that O'Brien and Jean-Luc are one token each.
const TOKEN = /[\p{L}\p{M}\p{N}]+(?:['’-][\p{L}\p{M}\p{N}]+)*|\S/gu;
const HAS_DIGIT = /\p{N}/u;
const HAS_LETTER = /[\p{L}]/u;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;

function shapeOf(word: string): TokenShape {
  const first = word.charAt(0);
  const hasLower = LOWER.test(word);
  if (!UPPER.test(word)) return 'lower';
  if (!hasLower) return word.length > 1 ? 'upper' : 'capital';
  return UPPER.test(first) ? 'capital' : 'mixed';
}

export function tokenizeText(text: string): TextToken[] {
  const tokens: TextToken[] = [];
  let previousEnd = 0;
  for (const match of text.matchAll(TOKEN)) {
    const word = match[0];
    const start = match.index;
    const gap = text.slice(previousEnd, start);
    const isWord = HAS_LETTER.test(word) || HAS_DIGIT.test(word);
    tokens.push({
      text: word,
      start,
      end: start + word.length,
      kind: !isWord ? 'punct' : HAS_DIGIT.test(word) ? 'number' : 'word',
      shape: shapeOf(word),
      spaceBefore: gap.length > 0 && /^[ \t\u00a0]+$/.test(gap),
      lineBefore: gap.includes('\n'),
    });
    previousEnd = start + word.length;
  }
  return tokens;
}
