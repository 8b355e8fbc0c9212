import type { KindGenerator } from './kind-generator.js';
import { SeedStream } from './seed-stream.js';

const DEFAULT_LENGTH = 12;
/** Letters that carry ≥ 64 bits: 26^14 > 2^65. */
const UNIQUE_LENGTH = 14;
const MAX_LENGTH = 65_536;
const BITS_PER_LETTER = Math.log2(26);
const MAX_BITS = 128;

/** Lowercase letters, as long as the original (`sourceLength`, else 12); with `unique`, at least 14. */
export const fakeString: KindGenerator = {
  output: { categories: ['string'], minLength: 1, typicalMaxLength: DEFAULT_LENGTH, canBeUnique: true },
  generate(seed, maxLength, unique, sourceLength) {
    const stream = new SeedStream(seed);
    let length = sourceLength ?? DEFAULT_LENGTH;
    if (unique) length = Math.max(length, UNIQUE_LENGTH);
    length = Math.min(length, maxLength, MAX_LENGTH);
    let out = '';
    for (let i = 0; i < length; i++) out += String.fromCharCode(97 + stream.below(26));
    return out;
  },
  uniqueCapacityBits: (maxLength) =>
    Math.min(MAX_BITS, Math.floor(Math.min(maxLength ?? UNIQUE_LENGTH, UNIQUE_LENGTH) * BITS_PER_LETTER)),
};
