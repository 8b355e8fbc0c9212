import {
  DISCRIMINATOR_BITS_PER_CHAR,
  DISCRIMINATOR_CHARS,
  uniqueDiscriminator,
} from './unique-discriminator.js';
import type { KindGenerator } from './kind-generator.js';
import { cutHandle, LONGEST_HANDLE, nameHandle } from './name-handle.js';
import { SeedStream } from './seed-stream.js';

/** `jane.doe`, `jdoe`, `jane_doe84`…; with `unique`, `jane.doe_k3x9q0m2a7bcd` (65 keyed bits). */
export const fakeUsername: KindGenerator = {
  output: { categories: ['string'], minLength: 1, typicalMaxLength: LONGEST_HANDLE, canBeUnique: true },
  generate(seed, maxLength, unique) {
    const handle = nameHandle(new SeedStream(seed));
    if (!unique) return cutHandle(handle, maxLength);
    const discriminator = uniqueDiscriminator(seed);
    if (handle.length + 1 + DISCRIMINATOR_CHARS <= maxLength) return `${handle}_${discriminator}`;
    if (maxLength <= DISCRIMINATOR_CHARS + 1) return discriminator.slice(0, Math.max(0, maxLength));
    return `${cutHandle(handle, maxLength - DISCRIMINATOR_CHARS - 1)}_${discriminator}`;
  },
  uniqueCapacityBits(maxLength) {
    const available = maxLength ?? DISCRIMINATOR_CHARS;
    return DISCRIMINATOR_BITS_PER_CHAR * Math.max(0, Math.min(DISCRIMINATOR_CHARS, available));
  },
};
