import {
  DISCRIMINATOR_BITS_PER_CHAR,
  DISCRIMINATOR_CHARS,
  uniqueDiscriminator,
} from './unique-discriminator.js';
import { EMAIL_DOMAINS, SHORTEST_DOMAIN } from './email-domains.js';
import { fitLength, longest } from './fit-length.js';
import type { KindGenerator } from './kind-generator.js';
import { cutHandle, LONGEST_HANDLE, nameHandle } from './name-handle.js';
import { SeedStream } from './seed-stream.js';

/** `x@mail.test`: the shortest well-formed fake. */
const MIN_LENGTH = 2 + SHORTEST_DOMAIN.length;

/**
 * `jane.doe@example.com`; with `unique`, `jane.doe.k3x9q0m2a7bcd@example.com` (65 keyed bits). When the
 * column is short, the domain falls back to `mail.test`, then the name part is cut, the discriminator last.
 */
export const fakeEmail: KindGenerator = {
  output: {
    categories: ['string'],
    minLength: MIN_LENGTH,
    typicalMaxLength: LONGEST_HANDLE + 1 + longest(EMAIL_DOMAINS),
    canBeUnique: true,
  },
  generate(seed, maxLength, unique) {
    const stream = new SeedStream(seed);
    const handle = nameHandle(stream);
    let domain = stream.pick(EMAIL_DOMAINS);
    const discriminator = unique ? uniqueDiscriminator(seed) : '';
    const local = unique ? `${handle}.${discriminator}` : handle;
    if (local.length + 1 + domain.length <= maxLength) return `${local}@${domain}`;

    domain = SHORTEST_DOMAIN;
    const available = maxLength - 1 - domain.length;
    if (available < 1) return fitLength(`${handle}@${domain}`, maxLength);
    if (!unique) return `${cutHandle(handle, available)}@${domain}`;
    if (available <= DISCRIMINATOR_CHARS + 1) return `${discriminator.slice(0, available)}@${domain}`;
    return `${cutHandle(handle, available - DISCRIMINATOR_CHARS - 1)}.${discriminator}@${domain}`;
  },
  uniqueCapacityBits(maxLength) {
    const available = maxLength === null ? DISCRIMINATOR_CHARS : maxLength - 1 - SHORTEST_DOMAIN.length;
    return DISCRIMINATOR_BITS_PER_CHAR * Math.max(0, Math.min(DISCRIMINATOR_CHARS, available));
  },
};
