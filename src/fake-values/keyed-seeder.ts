import { hkdfSync } from 'node:crypto';

import { GatewayError, MIN_SECRET_BYTES } from '../core/index.js';
import type { Secret } from '../core/index.js';
import { createFormatCipher, type FormatCipher } from './format-cipher.js';
import { createScopedHmac } from './hmac-sha256.js';

/** HKDF `info` for the substitution subkey: changing it changes every fake, so it carries a version. */
export const SEEDER_KEY_LABEL = 'lookalike substitute v1';

/** Bytes in every seed. */
export const SEED_BYTES = 32;

/**
 * Turns (scope, input) into 32 keyed bytes: HMAC-SHA256(subkey, scope ‖ 0x00 ‖ input), UTF-8, where
 * subkey = HKDF-SHA256(secret, salt = empty, info = SEEDER_KEY_LABEL). The same scope and input give the
 * same seed in every table, run and process holding the same secret.
 */
export interface KeyedSeeder {
  /** Public fingerprint of the secret, for manifests; never the key. */
  readonly keyId: string;
  seed(scope: string, input: string): Uint8Array;
  /** Format-preserving encryption (`encrypt`) under its own subkey derived from the same secret. */
  readonly formatCipher: FormatCipher;
}

/**
 * Derives the subkey once; only the HMAC pad states derived from it stay in memory (and the FF1 key of
 * `formatCipher`, held as a KeyObject inside the cipher).
 */
export function createKeyedSeeder(secret: Secret): KeyedSeeder {
  if (secret.byteLength < MIN_SECRET_BYTES) {
    throw new GatewayError(
      'secret_invalid',
      `the key must be at least ${MIN_SECRET_BYTES} bytes, got ${secret.byteLength}`,
    );
  }
  const subkey = new Uint8Array(hkdfSync('sha256', secret.reveal(), new Uint8Array(0), SEEDER_KEY_LABEL, 32));
  const seed = createScopedHmac(subkey);
  subkey.fill(0);
  return Object.freeze({ keyId: secret.keyId, seed, formatCipher: createFormatCipher(secret) });
}
