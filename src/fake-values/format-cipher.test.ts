import { createSecretKey, hkdfSync } from 'node:crypto';
import { inspect } from 'node:util';

import { describe, expect, it } from 'vitest';

import { Secret, type EncryptAlphabet } from '../core/index.js';
import { createFf1 } from './ff1.js';
import {
  createFormatCipher,
  DomainTooSmallError,
  FORMAT_CIPHER_KEY_LABEL,
  formatCipherOf,
} from './format-cipher.js';
import { createKeyedSeeder } from './keyed-seeder.js';

const keyBytes = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const otherKey = Buffer.from(Array.from({ length: 32 }, (_, i) => 255 - i));
const cipher = createFormatCipher(new Secret(keyBytes));

/** A character's class: d digit, l lower, u upper, or the character itself (kept). */
function shape(value: string, letters: boolean): string {
  return [...value]
    .map((c) => {
      if (/[0-9]/.test(c)) return 'd';
      if (letters && /[a-z]/.test(c)) return 'l';
      if (letters && /[A-Z]/.test(c)) return 'u';
      return c;
    })
    .join('');
}

function randomValue(length: number, chars: string): string {
  return Array.from({ length }, () => chars[Math.floor(Math.random() * chars.length)]).join('');
}

const DIGITS = '0123456789';
const ALNUM = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

describe('FormatCipher', () => {
  it('round-trips random values of several alphabets and lengths, keeping their format', () => {
    const cases: readonly (readonly [EncryptAlphabet, string, number])[] = [
      ['digits', DIGITS, 6],
      ['digits', DIGITS, 9],
      ['digits', `${DIGITS}-- `, 16],
      ['digits', `${DIGITS}ABC`, 40],
      ['alphanumeric', ALNUM, 5],
      ['alphanumeric', ALNUM, 12],
      ['alphanumeric', `${ALNUM}-_.@`, 30],
      ['auto', `${ALNUM}-`, 10],
      ['auto', `${DIGITS}-X`, 14],
    ];
    let checked = 0;
    for (const [alphabet, chars, length] of cases) {
      for (let trial = 0; trial < 40; trial++) {
        const value = randomValue(length, chars);
        let encrypted: string;
        try {
          encrypted = cipher.encrypt(value, 'accounts', alphabet);
        } catch (error) {
          // Random draws with too few enciphered characters are refused, never passed through.
          expect(error).toBeInstanceOf(DomainTooSmallError);
          continue;
        }
        const letters =
          alphabet === 'alphanumeric' ||
          // Digits counted in the value itself: its shape writes a digit as `d`, like the letter d.
          (alphabet === 'auto' && value.replace(/[^0-9]/g, '').length < 6);
        expect(encrypted).toHaveLength(value.length);
        expect(shape(encrypted, letters)).toBe(shape(value, letters));
        // Never the value itself: the cipher has no fixed point.
        expect(encrypted).not.toBe(value);
        expect(cipher.decrypt(encrypted, 'accounts', alphabet)).toBe(value);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('keeps separators, punctuation, case and (with digits) letters in place', () => {
    const account = cipher.encrypt('ACC-0042-1337-99', 'accounts', 'digits');
    expect(account).toMatch(/^ACC-\d{4}-\d{4}-\d{2}$/);
    const mixed = cipher.encrypt('Ab-12.cD', 'accounts', 'alphanumeric');
    expect(mixed).toMatch(/^[A-Z][a-z]-\d\d\.[a-z][A-Z]$/);
    // auto: six digits or more → only the digits change, so an INV- prefix stays readable.
    expect(cipher.encrypt('INV-2024-000123', 'invoices', 'auto')).toMatch(/^INV-\d{4}-\d{6}$/);
    // auto with fewer digits: letters are enciphered too.
    const short = cipher.encrypt('abcde12', 'x', 'auto');
    expect(short).toMatch(/^[a-z]{5}\d\d$/);
  });

  it('is deterministic for one key and scope, and differs across keys and scopes', () => {
    const again = createFormatCipher(new Secret(Buffer.from(keyBytes)));
    const other = createFormatCipher(new Secret(otherKey));
    const value = '4111-2222-3333';
    const a = cipher.encrypt(value, 'accounts', 'digits');
    expect(again.encrypt(value, 'accounts', 'digits')).toBe(a);
    expect(other.encrypt(value, 'accounts', 'digits')).not.toBe(a);
    expect(cipher.encrypt(value, 'orders', 'digits')).not.toBe(a);
    // The wrong scope or key does not recover the value.
    expect(cipher.decrypt(a, 'orders', 'digits')).not.toBe(value);
    expect(other.decrypt(a, 'accounts', 'digits')).not.toBe(value);
  });

  it('pins one ciphertext so a change of key derivation or construction is caught', () => {
    expect(cipher.encrypt('ACC-0042-1337-99', 'accounts', 'digits')).toBe(PINNED);
    // By hand: g(x) = P⁻¹((P(x) + 1) mod 10^10), P = FF1 radix 10 with tweak scope ‖ 0 ‖ class pattern.
    const key = createSecretKey(
      Buffer.from(hkdfSync('sha256', keyBytes, new Uint8Array(0), FORMAT_CIPHER_KEY_LABEL, 32)),
    );
    const ff1 = createFf1(key);
    const tweak = Buffer.from('accounts\u0000dddddddddd', 'utf8');
    const p = BigInt(ff1.encrypt([0, 0, 4, 2, 1, 3, 3, 7, 9, 9], 10, tweak).join('')) + 1n;
    const digits = [...(p % 10n ** 10n).toString().padStart(10, '0')].map(Number);
    const g = ff1.decrypt(digits, 10, tweak).join('');
    expect(PINNED).toBe(`ACC-${g.slice(0, 4)}-${g.slice(4, 8)}-${g.slice(8)}`);
  });

  it('derives its AES-256 key with HKDF under its own label and is what the keyed seeder carries', () => {
    const key = createSecretKey(
      Buffer.from(hkdfSync('sha256', keyBytes, new Uint8Array(0), FORMAT_CIPHER_KEY_LABEL, 32)),
    );
    const byHand = formatCipherOf(createFf1(key));
    expect(byHand.encrypt('123456789', 's', 'digits')).toBe(cipher.encrypt('123456789', 's', 'digits'));
    const seeder = createKeyedSeeder(new Secret(keyBytes));
    expect(seeder.formatCipher.encrypt('123456789', 's', 'digits')).toBe(
      cipher.encrypt('123456789', 's', 'digits'),
    );
    // Nothing printable leads to the key.
    expect(inspect(seeder, { depth: 5 })).not.toContain(keyBytes.toString('hex'));
    expect(JSON.stringify(seeder)).not.toContain('"key"');
  });

  it('is injective: distinct inputs of one format never share an output', () => {
    const outputs = new Set<string>();
    for (let i = 0; i < 20_000; i++)
      outputs.add(cipher.encrypt(`C-${String(i).padStart(7, '0')}`, 'c', 'digits'));
    expect(outputs.size).toBe(20_000);
  });

  it('refuses values with fewer enciphered characters than FF1 allows, naming only the count', () => {
    expect(() => cipher.encrypt('12345', 's', 'digits')).toThrow(DomainTooSmallError);
    expect(() => cipher.encrypt('AB-12345', 's', 'digits')).toThrow(/5 enciphered characters/);
    expect(() => cipher.encrypt('abcd', 's', 'alphanumeric')).toThrow(DomainTooSmallError);
    // Five letters reach 26^5 ≥ 10^6; six digits 10^6.
    expect(cipher.encrypt('abcde', 's', 'alphanumeric')).toMatch(/^[a-z]{5}$/);
    expect(cipher.encrypt('000000', 's', 'digits')).toMatch(/^\d{6}$/);
    try {
      cipher.encrypt('A1B2C', 's', 'alphanumeric');
    } catch (error) {
      expect(String(error)).not.toContain('A1B2C');
    }
  });
});

const PINNED = 'ACC-4462-4134-98';
