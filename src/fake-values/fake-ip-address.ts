import { fitLength } from './fit-length.js';
import type { KindGenerator } from './kind-generator.js';
import { SeedStream } from './seed-stream.js';

/** IPv4 special-purpose and non-unicast blocks (IANA registry, RFC 6890), as [first address, prefix]. */
// prettier-ignore
const RESERVED: readonly (readonly [number, number])[] = [
  [0x00000000, 8], [0x0a000000, 8], [0x64400000, 10], [0x7f000000, 8], [0xa9fe0000, 16],
  [0xac100000, 12], [0xc0000000, 24], [0xc0000200, 24], [0xc01fc400, 24], [0xc034c100, 24],
  [0xc0586300, 24], [0xc0a80000, 16], [0xc0af3000, 24], [0xc6120000, 15], [0xc6336400, 24],
  [0xcb007100, 24], [0xe0000000, 4], [0xf0000000, 4],
];

export function isReservedIpv4(address: number): boolean {
  for (const [first, prefix] of RESERVED) {
    if (address >>> (32 - prefix) === first >>> (32 - prefix)) return true;
  }
  return false;
}

function format(address: number): string {
  return `${address >>> 24}.${(address >>> 16) & 255}.${(address >>> 8) & 255}.${address & 255}`;
}

/** Draws before giving up on a short column (each draw is public with p ≈ 0.86). */
const MAX_DRAWS = 64;

/** A public unicast IPv4 address: never private, loopback, link-local, documentation or multicast. */
export const fakeIpAddress: KindGenerator = {
  output: { categories: ['network', 'string'], minLength: 15, typicalMaxLength: 15, canBeUnique: false },
  generate(seed, maxLength) {
    const stream = new SeedStream(seed);
    let fallback = 0x0b000001;
    for (let i = 0; i < MAX_DRAWS; i++) {
      const address = stream.next();
      if (isReservedIpv4(address)) continue;
      const text = format(address);
      if (text.length <= maxLength) return text;
      if (i === 0) fallback = address;
    }
    return fitLength(format(fallback), maxLength);
  },
  // Public unicast space is ~3.7·10^9 addresses.
  uniqueCapacityBits: () => 31,
};
