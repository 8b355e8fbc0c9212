import { fitLength } from './fit-length.js';
import type { KindGenerator } from './kind-generator.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A version 4, variant 1 UUID from seed bytes 0..15 (122 keyed bits); 32 bare hex digits in a column of 32–35. */
export const fakeUuid: KindGenerator = {
  output: { categories: ['uuid', 'string'], minLength: 32, typicalMaxLength: 36, canBeUnique: true },
  generate(seed, maxLength) {
    let hex = '';
    for (let i = 0; i < 16; i++) {
      let byte = seed[i]!;
      if (i === 6) byte = (byte & 0x0f) | 0x40;
      else if (i === 8) byte = (byte & 0x3f) | 0x80;
      hex += HEX[byte]!;
    }
    if (maxLength < 36) return fitLength(hex, maxLength);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  },
  // Cut below 32, the version and variant bits count as free: slightly generous.
  uniqueCapacityBits: (maxLength) =>
    maxLength === null || maxLength >= 32 ? 122 : Math.max(0, 4 * maxLength - 6),
};
