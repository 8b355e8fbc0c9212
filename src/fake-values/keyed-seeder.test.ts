import { createHmac, hkdfSync } from 'node:crypto';
import { inspect } from 'node:util';

import { describe, expect, it } from 'vitest';

import { Secret } from '../core/index.js';
import type { GatewayError } from '../core/index.js';
import { createKeyedSeeder, SEEDER_KEY_LABEL } from './keyed-seeder.js';

const keyBytes = Buffer.from(Array.from({ length: 32 }, (_, i) => i));

describe('createKeyedSeeder', () => {
  it('seeds with HMAC-SHA256(HKDF(secret, label), scope \\0 input)', () => {
    const subkey = Buffer.from(hkdfSync('sha256', keyBytes, new Uint8Array(0), SEEDER_KEY_LABEL, 32));
    const expected = createHmac('sha256', subkey).update('email\0ada@corp.invalid').digest('hex');
    const seed = createKeyedSeeder(new Secret(keyBytes)).seed('email', 'ada@corp.invalid');
    expect(Buffer.from(seed).toString('hex')).toBe(expected);
  });

  it('pins the seed of one input so a change of derivation is caught', () => {
    const seed = createKeyedSeeder(new Secret(keyBytes)).seed('email', 'ada@corp.invalid');
    expect(Buffer.from(seed).toString('hex')).toBe(
      '0b64465abd7a1ca2b8e659c1745e1d2ab45d44f0cb7a66be8d414456c7921278',
    );
  });

  it('gives the same seed from two seeders built from the same key', () => {
    const a = createKeyedSeeder(new Secret(keyBytes));
    const b = createKeyedSeeder(new Secret(Buffer.from(keyBytes)));
    expect(a.seed('first_name', 'Ada')).toEqual(b.seed('first_name', 'Ada'));
  });

  it('gives different seeds for another key, another scope or another input', () => {
    const seeder = createKeyedSeeder(new Secret(keyBytes));
    const other = createKeyedSeeder(new Secret(Buffer.alloc(32, 1)));
    const base = seeder.seed('first_name', 'Ada');
    expect(other.seed('first_name', 'Ada')).not.toEqual(base);
    expect(seeder.seed('last_name', 'Ada')).not.toEqual(base);
    expect(seeder.seed('first_name', 'Ada ')).not.toEqual(base);
  });

  it('refuses a key shorter than 32 bytes with secret_invalid', () => {
    expect(() => createKeyedSeeder(new Secret(Buffer.alloc(16, 1)))).toThrow(
      expect.objectContaining({ code: 'secret_invalid' }) as GatewayError,
    );
  });

  it('exposes the key id but not the key when printed', () => {
    const secret = new Secret(keyBytes);
    const seeder = createKeyedSeeder(secret);
    const printed = `${inspect(seeder, { depth: 5, showHidden: true })} ${JSON.stringify(seeder)}`;
    expect(printed).toContain(secret.keyId);
    expect(printed).not.toContain(keyBytes.toString('hex'));
    expect(printed).not.toContain('0, 1, 2, 3, 4');
    expect(Object.keys(seeder).sort()).toEqual(['formatCipher', 'keyId', 'seed']);
  });
});
