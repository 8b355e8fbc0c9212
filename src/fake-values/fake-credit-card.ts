import { bitsOf, fitLength } from './fit-length.js';
import type { KindGenerator } from './kind-generator.js';
import { SeedStream } from './seed-stream.js';

/**
 * Issuer prefixes of the card numbers that payment providers publish for testing (Visa 4111 11…,
 * 4242 42…, 4012 88…; Mastercard 5555 55…, 5105 10…; Discover 6011 11…; Amex 3782 82…, 3714 49…), so a
 * fake looks like a test card to anyone who reads it.
 */
const PREFIXES_16 = ['411111', '424242', '401288', '555555', '510510', '601111'] as const;
const PREFIXES_15 = ['378282', '371449'] as const;

/** The Luhn check digit for `digits` (the number without its last digit). */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  let double = true;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return (10 - (sum % 10)) % 10;
}

function group(number: string, sizes: readonly number[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const size of sizes) {
    parts.push(number.slice(at, at + size));
    at += size;
  }
  return parts.join(' ');
}

/**
 * A 16-digit number that passes Luhn (15 for Amex-style originals or 15-character columns); grouped with
 * spaces when the original was (`sourceLength` 19 or 17).
 */
export const fakeCreditCard: KindGenerator = {
  output: { categories: ['string'], minLength: 15, typicalMaxLength: 16, canBeUnique: false },
  generate(seed, maxLength, _unique, sourceLength) {
    const stream = new SeedStream(seed);
    const amex = maxLength < 16 || sourceLength === 15 || sourceLength === 17;
    const prefix = amex ? stream.pick(PREFIXES_15) : stream.pick(PREFIXES_16);
    const body = prefix + stream.digits((amex ? 14 : 15) - prefix.length);
    const number = body + String(luhnCheckDigit(body));
    const grouped = amex ? group(number, [4, 6, 5]) : group(number, [4, 4, 4, 4]);
    if (sourceLength !== undefined && sourceLength === grouped.length && grouped.length <= maxLength)
      return grouped;
    return fitLength(number, maxLength);
  },
  uniqueCapacityBits: () => bitsOf(PREFIXES_16.length * 1e9),
};
