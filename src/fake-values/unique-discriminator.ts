/** Lowercase Crockford base32 (no i, l, o, u): safe in emails, usernames, URLs and identifiers. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** Bits carried by one discriminator character. */
export const DISCRIMINATOR_BITS_PER_CHAR = 5;

/** Characters that carry at least 64 bits (13 × 5 = 65). */
export const DISCRIMINATOR_CHARS = 13;

/** Seed bytes 16..31 feed the discriminator; bytes 0..15 feed `SeedStream`, so the two are independent. */
const FIRST_BYTE = 16;
const MAX_CHARS = Math.floor(((32 - FIRST_BYTE) * 8) / DISCRIMINATOR_BITS_PER_CHAR);

/**
 * `chars` base32 characters (at most 25) read straight from seed bytes 16..31: distinct seeds give
 * distinct discriminators except with probability ~ n² / 2^(5·chars+1) among n values.
 */
export function uniqueDiscriminator(seed: Uint8Array, chars: number = DISCRIMINATOR_CHARS): string {
  const count = Math.min(chars, MAX_CHARS);
  let out = '';
  let buffer = 0;
  let bufferBits = 0;
  let byte = FIRST_BYTE;
  for (let i = 0; i < count; i++) {
    if (bufferBits < DISCRIMINATOR_BITS_PER_CHAR) {
      buffer = ((buffer << 8) | seed[byte++]!) & 0xffff;
      bufferBits += 8;
    }
    bufferBits -= DISCRIMINATOR_BITS_PER_CHAR;
    out += ALPHABET[(buffer >>> bufferBits) & 31]!;
  }
  return out;
}

/** Letters that carry at least 64 bits (26^14 > 2^65). */
export const LETTER_DISCRIMINATOR_CHARS = 14;

/**
 * `chars` lower-case letters (at most 14) from the same seed bytes 16..31 as `uniqueDiscriminator`, for
 * formats that hold letters only (a name): distinct seeds give distinct discriminators except with
 * probability ~ n² / 2^(4.7·chars+1) among n values.
 */
export function letterDiscriminator(seed: Uint8Array, chars: number = LETTER_DISCRIMINATOR_CHARS): string {
  let value = 0n;
  for (let byte = FIRST_BYTE; byte < 32; byte++) value = (value << 8n) | BigInt(seed[byte] ?? 0);
  let out = '';
  for (let i = 0; i < Math.min(chars, LETTER_DISCRIMINATOR_CHARS); i++) {
    out += String.fromCharCode(97 + Number(value % 26n));
    value /= 26n;
  }
  return out;
}

/** Whole bits carried by `chars` letters. */
export function letterDiscriminatorBits(chars: number): number {
  return Math.floor(Math.min(chars, LETTER_DISCRIMINATOR_CHARS) * Math.log2(26));
}
