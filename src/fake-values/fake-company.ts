import { bitsOf, fitLength, longest, pickFitting, shortest } from './fit-length.js';
import type { KindGenerator } from './kind-generator.js';
import { SeedStream } from './seed-stream.js';
import { LAST_NAMES, LEGAL_ENTITY_TYPES } from './word-lists.js';

/** `Kuhn LLC`, `Kuhn-Ortiz`, `Kuhn, Ortiz and Lang` (faker's company name patterns). */
export const fakeCompany: KindGenerator = {
  output: {
    categories: ['string'],
    minLength: shortest(LAST_NAMES),
    typicalMaxLength: 3 * longest(LAST_NAMES) + 7,
    canBeUnique: false,
  },
  generate(seed, maxLength) {
    const stream = new SeedStream(seed);
    const a = stream.pick(LAST_NAMES);
    const b = stream.pick(LAST_NAMES);
    let name: string;
    switch (stream.below(3)) {
      case 0:
        name = `${a} ${stream.pick(LEGAL_ENTITY_TYPES)}`;
        break;
      case 1:
        name = `${a}-${b}`;
        break;
      default:
        name = `${a}, ${b} and ${stream.pick(LAST_NAMES)}`;
    }
    if (name.length <= maxLength) return name;
    if (a.length + 4 <= maxLength) return fitLength(`${a} LLC`, maxLength);
    return pickFitting(stream, LAST_NAMES, maxLength);
  },
  uniqueCapacityBits: () => bitsOf(LAST_NAMES.length ** 2),
};
