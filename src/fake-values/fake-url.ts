import {
  DISCRIMINATOR_BITS_PER_CHAR,
  DISCRIMINATOR_CHARS,
  uniqueDiscriminator,
} from './unique-discriminator.js';
import { EMAIL_DOMAINS, SHORTEST_DOMAIN } from './email-domains.js';
import { fitLength, longest } from './fit-length.js';
import type { KindGenerator } from './kind-generator.js';
import { SeedStream } from './seed-stream.js';
import { ADJECTIVES, NOUNS } from './word-lists.js';

const SHORTEST_ORIGIN = `https://${SHORTEST_DOMAIN}`;

/** `https://example.org/quiet-lantern` on a reserved domain; with `unique`, `…/quiet-lantern/k3x9q0m2a7bcd`. */
export const fakeUrl: KindGenerator = {
  output: {
    categories: ['string'],
    minLength: SHORTEST_ORIGIN.length,
    typicalMaxLength: 8 + longest(EMAIL_DOMAINS) + 2 + longest(ADJECTIVES) + longest(NOUNS),
    canBeUnique: true,
  },
  generate(seed, maxLength, unique) {
    const stream = new SeedStream(seed);
    const domain = stream.pick(EMAIL_DOMAINS);
    const slug = `${stream.pick(ADJECTIVES)}-${stream.pick(NOUNS)}`;
    const discriminator = unique ? uniqueDiscriminator(seed) : '';
    const path = unique ? `${slug}/${discriminator}` : slug;
    const url = `https://${domain}/${path}`;
    if (url.length <= maxLength) return url;

    const available = maxLength - SHORTEST_ORIGIN.length - 1;
    if (available < 1) return fitLength(SHORTEST_ORIGIN, maxLength);
    if (!unique) return `${SHORTEST_ORIGIN}/${fitLength(slug, available)}`;
    if (available <= DISCRIMINATOR_CHARS + 1)
      return `${SHORTEST_ORIGIN}/${discriminator.slice(0, available)}`;
    return `${SHORTEST_ORIGIN}/${fitLength(slug, available - DISCRIMINATOR_CHARS - 1)}/${discriminator}`;
  },
  uniqueCapacityBits(maxLength) {
    const available = maxLength === null ? DISCRIMINATOR_CHARS : maxLength - SHORTEST_ORIGIN.length - 1;
    return DISCRIMINATOR_BITS_PER_CHAR * Math.max(0, Math.min(DISCRIMINATOR_CHARS, available));
  },
};
