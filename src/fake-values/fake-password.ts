import type { KindGenerator } from './kind-generator.js';
import { SeedStream } from './seed-stream.js';

/** bcrypt's own base64 alphabet. */
const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const BCRYPT_LENGTH = 60;
/** The stream's state is 128 bits: no fake carries more. */
const MAX_BITS = 128;

function draw(stream: SeedStream, alphabet: string, count: number, step = 1): string {
  let out = '';
  for (let i = 0; i < count; i++) out += alphabet.charAt(stream.below(alphabet.length / step) * step);
  return out;
}

/**
 * A bcrypt-shaped hash (`$2b$10$` + 22 salt + 31 hash characters, canonical final characters) that matches
 * no password; in a column shorter than 60, a random token of the column's length.
 */
export const fakePassword: KindGenerator = {
  output: { categories: ['string'], minLength: 8, typicalMaxLength: BCRYPT_LENGTH, canBeUnique: true },
  generate(seed, maxLength) {
    const stream = new SeedStream(seed);
    if (maxLength < BCRYPT_LENGTH) return draw(stream, TOKEN_ALPHABET, Math.max(0, maxLength));
    // A 16-byte salt leaves 4 unused bits in its 22nd character, a 23-byte hash 2 in its 31st.
    const salt = draw(stream, BCRYPT_ALPHABET, 21) + draw(stream, BCRYPT_ALPHABET, 1, 16);
    const hash = draw(stream, BCRYPT_ALPHABET, 30) + draw(stream, BCRYPT_ALPHABET, 1, 4);
    return `$2b$10$${salt}${hash}`;
  },
  uniqueCapacityBits(maxLength) {
    if (maxLength === null || maxLength >= BCRYPT_LENGTH) return MAX_BITS;
    return Math.min(MAX_BITS, Math.floor(maxLength * Math.log2(TOKEN_ALPHABET.length)));
  },
};
