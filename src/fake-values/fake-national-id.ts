import { bitsOf, fitLength } from './fit-length.js';
import type { KindGenerator } from './kind-generator.js';
import { SeedStream } from './seed-stream.js';

/**
 * A US Social Security number that was never issued and is not an ITIN either: area 900–999 is never
 * assigned as an SSN, and ITINs (also 9xx) use only groups 50–65, 70–88, 90–92 and 94–99, so groups
 * 01–49 are free. `9xx-xx-xxxx`, or 9 bare digits when the original (or the column) had no dashes.
 */
export const fakeNationalId: KindGenerator = {
  output: { categories: ['string'], minLength: 9, typicalMaxLength: 11, canBeUnique: false },
  generate(seed, maxLength, _unique, sourceLength) {
    const stream = new SeedStream(seed);
    const area = `9${stream.digits(2)}`;
    const groupNumber = String(stream.between(1, 49)).padStart(2, '0');
    const serial = String(stream.between(1, 9999)).padStart(4, '0');
    if (maxLength < 11 || (sourceLength !== undefined && sourceLength < 11)) {
      return fitLength(`${area}${groupNumber}${serial}`, maxLength);
    }
    return `${area}-${groupNumber}-${serial}`;
  },
  uniqueCapacityBits: () => bitsOf(100 * 49 * 9999),
};
