import {
  DISCRIMINATOR_BITS_PER_CHAR,
  DISCRIMINATOR_CHARS,
  uniqueDiscriminator,
} from './unique-discriminator.js';
import type { KindGenerator } from './kind-generator.js';
import { SeedStream } from './seed-stream.js';
import { ADJECTIVES, ADVERBS, NOUNS, VERBS } from './word-lists.js';

/** Longest text built to match a long original; longer originals get this much. */
const MAX_TEXT_LENGTH = 2000;

/** `a` or `an`, by the first letter (good enough for this word list). */
function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

function sentence(stream: SeedStream): string {
  switch (stream.below(5)) {
    case 0:
      return `The ${stream.pick(ADJECTIVES)} ${stream.pick(NOUNS)} was ${stream.pick(ADJECTIVES)}.`;
    case 1:
      return `We ${stream.pick(VERBS)} the ${stream.pick(NOUNS)} ${stream.pick(ADVERBS)}.`;
    case 2:
      return `Please ${stream.pick(VERBS)} the ${stream.pick(ADJECTIVES)} ${stream.pick(NOUNS)}.`;
    case 3: {
      const first = article(stream.pick(NOUNS));
      return `${first.charAt(0).toUpperCase()}${first.slice(1)} and ${article(stream.pick(ADJECTIVES))} ${stream.pick(NOUNS)} arrived ${stream.pick(ADVERBS)}.`;
    }
    default:
      return `The ${stream.pick(NOUNS)} ${stream.pick(ADVERBS)} needs ${article(stream.pick(ADJECTIVES))} ${stream.pick(NOUNS)}.`;
  }
}

/** Cuts at the last word boundary that leaves room for a closing period (a hard cut inside one long word). */
function cutWords(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  if (maxLength < 2) return text.slice(0, Math.max(0, maxLength));
  const space = text.lastIndexOf(' ', maxLength - 1);
  const cut = space > 0 ? text.slice(0, space) : text.slice(0, maxLength - 1);
  return cut.endsWith('.') ? cut : `${cut}.`;
}

/**
 * Short neutral sentences from faker's word lists, as many as it takes to reach the original's length
 * (`sourceLength`, capped at 2000). With `unique`, a ` Ref k3x9q0m2a7bcd.` suffix (65 keyed bits) that
 * survives cuts.
 */
export const fakeFreeText: KindGenerator = {
  output: { categories: ['string'], minLength: 2, typicalMaxLength: 80, canBeUnique: true },
  generate(seed, maxLength, unique, sourceLength) {
    const stream = new SeedStream(seed);
    const target = Math.min(sourceLength ?? 0, MAX_TEXT_LENGTH, maxLength);
    let text = sentence(stream);
    while (text.length < target) text += ` ${sentence(stream)}`;
    if (!unique) return cutWords(text, Math.min(maxLength, Math.max(target, text.length)));
    const reference = `Ref ${uniqueDiscriminator(seed)}.`;
    if (text.length + 1 + reference.length <= maxLength) return `${text} ${reference}`;
    if (reference.length + 2 <= maxLength) {
      return `${cutWords(text, maxLength - reference.length - 1)} ${reference}`;
    }
    return uniqueDiscriminator(seed, Math.max(0, maxLength));
  },
  uniqueCapacityBits(maxLength) {
    const available = maxLength ?? DISCRIMINATOR_CHARS;
    return DISCRIMINATOR_BITS_PER_CHAR * Math.max(0, Math.min(DISCRIMINATOR_CHARS, available));
  },
};
