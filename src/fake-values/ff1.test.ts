import { createSecretKey } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { createFf1 } from './ff1.js';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
const numerals = (text: string): number[] => [...text].map((c) => ALPHABET.indexOf(c));
const text = (digits: readonly number[]): string => digits.map((d) => ALPHABET[d]).join('');

const KEY_128 = '2B7E151628AED2A6ABF7158809CF4F3C';
const KEY_192 = '2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F';
const KEY_256 = '2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94';
const TWEAK_10 = '39383736353433323130';
const TWEAK_11 = '3737373770717273373737';

/** NIST SP 800-38G FF1 examples (csrc.nist.gov, "FF1samples.pdf"): key, radix, tweak, plaintext, ciphertext. */
const NIST_SAMPLES: readonly (readonly [string, string, number, string, string, string])[] = [
  ['Sample 1', KEY_128, 10, '', '0123456789', '2433477484'],
  ['Sample 2', KEY_128, 10, TWEAK_10, '0123456789', '6124200773'],
  ['Sample 3', KEY_128, 36, TWEAK_11, '0123456789abcdefghi', 'a9tv40mll9kdu509eum'],
  ['Sample 4', KEY_192, 10, '', '0123456789', '2830668132'],
  ['Sample 5', KEY_192, 10, TWEAK_10, '0123456789', '2496655549'],
  ['Sample 6', KEY_192, 36, TWEAK_11, '0123456789abcdefghi', 'xbj3kv35jrawxv32ysr'],
  ['Sample 7', KEY_256, 10, '', '0123456789', '6657667009'],
  ['Sample 8', KEY_256, 10, TWEAK_10, '0123456789', '1001623463'],
  ['Sample 9', KEY_256, 36, TWEAK_11, '0123456789abcdefghi', 'xs8a0azh2avyalyzuwd'],
];

const ff1Of = (hex: string) => createFf1(createSecretKey(Buffer.from(hex, 'hex')));

describe('FF1 (NIST SP 800-38G)', () => {
  it.each(NIST_SAMPLES)('%s: encrypts and decrypts the published vector', (_, key, radix, tweak, pt, ct) => {
    const ff1 = ff1Of(key);
    const T = Buffer.from(tweak, 'hex');
    expect(text(ff1.encrypt(numerals(pt), radix, T))).toBe(ct);
    expect(text(ff1.decrypt(numerals(ct), radix, T))).toBe(pt);
  });

  it('round-trips random inputs of many radixes, lengths and tweaks, including S longer than a block', () => {
    const ff1 = ff1Of(KEY_256);
    // radix 2 ... 65536; long inputs make b > 16 (several CBC blocks for Q, d > 16 bytes of S).
    for (const [radix, length] of [
      [2, 20],
      [2, 301],
      [10, 6],
      [10, 7],
      [10, 120],
      [26, 5],
      [36, 33],
      [62, 4],
      [65536, 2],
    ] as const) {
      for (let trial = 0; trial < 20; trial++) {
        const x = Array.from({ length }, () => Math.floor(Math.random() * radix));
        const tweak = Buffer.from(Array.from({ length: trial }, () => Math.floor(Math.random() * 256)));
        const y = ff1.encrypt(x, radix, tweak);
        expect(y).toHaveLength(length);
        expect(y.every((d) => Number.isInteger(d) && d >= 0 && d < radix)).toBe(true);
        expect(ff1.decrypt(y, radix, tweak)).toEqual(x);
      }
    }
  });

  it('is a permutation: every input of a small domain has its own output', () => {
    // radix 1000 (allowed up to 65536) × 2 numerals = 1,000,000 values: FF1's smallest domain.
    const ff1 = ff1Of(KEY_128);
    const seen = new Set<number>();
    for (let a = 0; a < 1000; a += 7) {
      for (let b = 0; b < 1000; b += 7) {
        const [c, d] = ff1.encrypt([a, b], 1000, new Uint8Array(0)) as [number, number];
        seen.add(c * 1000 + d);
      }
    }
    expect(seen.size).toBe(143 * 143);
  });

  it('refuses domains below a million values, bad radixes and numerals, and keys that are not AES keys', () => {
    const ff1 = ff1Of(KEY_128);
    expect(() => ff1.encrypt([1, 2, 3, 4, 5], 10, new Uint8Array(0))).toThrow(/at least 1,000,000/);
    expect(() => ff1.encrypt([1, 2, 3, 4, 5, 6], 1, new Uint8Array(0))).toThrow(/radix/);
    expect(() => ff1.encrypt([1, 2, 3, 4, 5, 10], 10, new Uint8Array(0))).toThrow(/numeral/);
    expect(() => ff1Of('00112233')).toThrow(/128, 192 or 256-bit/);
  });
});
