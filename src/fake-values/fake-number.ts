import type { KindGenerator } from './kind-generator.js';
import { SeedStream } from './seed-stream.js';

const DEFAULT_DIGITS = 9;
/** Digits that carry ≥ 64 bits: 9 · 10^19 > 2^66. */
const UNIQUE_DIGITS = 20;
const MAX_DIGITS = 1000;
const MAX_BITS = 128;

function digitBits(digits: number): number {
  if (digits <= 0) return 0;
  return Math.min(MAX_BITS, Math.floor(Math.log2(9) + (digits - 1) * Math.log2(10)));
}

/**
 * A digit string as long as the original (`sourceLength`, else 9), never starting with 0 unless it is one
 * digit (an empty original gives an empty string). With `unique`, at least 20 digits when the column allows (66 keyed bits).
 */
export const fakeNumber: KindGenerator = {
  output: {
    categories: ['integer', 'decimal', 'string'],
    minLength: 1,
    typicalMaxLength: 10,
    canBeUnique: true,
  },
  generate(seed, maxLength, unique, sourceLength) {
    const stream = new SeedStream(seed);
    let length = sourceLength ?? DEFAULT_DIGITS;
    if (unique) length = Math.max(length, UNIQUE_DIGITS);
    length = Math.min(length, maxLength, MAX_DIGITS);
    if (length <= 0) return '';
    if (length === 1) return stream.digits(1);
    return String(stream.between(1, 9)) + stream.digits(length - 1);
  },
  uniqueCapacityBits: (maxLength) => digitBits(Math.min(maxLength ?? UNIQUE_DIGITS, UNIQUE_DIGITS)),
};

/**
 * Replaces the digits of a number in text form (`-1234.50`, `1.5e+20`, `$1,234.56`), keeping its sign,
 * separators, decimal point, exponent and number of digits, so it fits any column the original fit.
 * A leading digit of a multi-digit integer part stays non-zero. For integer columns pass `maxAbs` (e.g.
 * 32767 for int2): a same-length value above it is folded back into range. Text without digits (`NaN`,
 * `Infinity`) is returned as is.
 */
export function fakeNumberLike(seed: Uint8Array, source: string, maxAbs: bigint | null = null): string {
  const stream = new SeedStream(seed);
  let out = '';
  let inExponent = false;
  let afterPoint = false;
  let runStart = true;
  for (let i = 0; i < source.length; i++) {
    const code = source.charCodeAt(i);
    if (code >= 48 && code <= 57 && !inExponent) {
      const next = source.charCodeAt(i + 1);
      const isRunLead = runStart && !afterPoint && next >= 48 && next <= 57;
      out += isRunLead ? String(stream.between(1, 9)) : String(stream.below(10));
      runStart = false;
      continue;
    }
    if (code === 101 || code === 69) inExponent = true;
    else if (code === 46) afterPoint = true;
    runStart = true;
    out += source.charAt(i);
  }
  if (maxAbs !== null) return foldIntoRange(out, maxAbs);
  return out;
}

function foldIntoRange(text: string, maxAbs: bigint): string {
  const negative = text.startsWith('-');
  const digits = negative ? text.slice(1) : text;
  if (!/^\d+$/.test(digits)) return text;
  const value = BigInt(digits);
  if (value <= maxAbs) return text;
  // Same number of digits as the original, which fit: [10^(n−1), maxAbs] is not empty.
  const low = 10n ** BigInt(digits.length - 1);
  const folded = low + (value % (maxAbs - low + 1n));
  return (negative ? '-' : '') + folded.toString();
}
