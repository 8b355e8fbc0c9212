import { createSecretKey, hkdfSync } from 'node:crypto';

import { GatewayError, MIN_SECRET_BYTES } from '../core/index.js';
import type { EncryptAlphabet, Secret } from '../core/index.js';
import { createFf1, FF1_MIN_DOMAIN, type Ff1 } from './ff1.js';

/** HKDF `info` for the FF1 subkey: changing it changes every ciphertext, so it carries a version. */
export const FORMAT_CIPHER_KEY_LABEL = 'lookalike encrypt ff1 v1';

/** Digits a value needs, under `digits` (and for `auto` to encipher digits alone): 10^6 = FF1's minimum. */
export const MIN_DIGITS = 6;
/** Fewest characters that can reach FF1's minimum domain: five letters (26^5 ≥ 10^6). */
export const MIN_ALPHANUMERIC_CHARS = 5;

/** A value whose enciphered characters are too few for FF1's minimum domain of 1,000,000. */
export class DomainTooSmallError extends Error {
  constructor(readonly characters: number) {
    super(`${characters} enciphered characters are too few: FF1 needs a domain of at least 1,000,000`);
  }
}

/**
 * Format-preserving encryption of identifiers, reversible with the key. Only ASCII digits (and, by
 * alphabet, letters) change, each staying in its class — digit, lower-case or upper-case letter — so
 * separators, punctuation, the case pattern and the length are kept, and the ciphertext's classes tell
 * `decrypt` which characters were enciphered. A bijection on every class pattern, never the identity on
 * any value (see `permute`), so distinct inputs give distinct outputs and no value is its own ciphertext.
 */
export interface FormatCipher {
  /** Throws `DomainTooSmallError` when the value has too few characters to encipher. */
  encrypt(value: string, scope: string, alphabet: EncryptAlphabet): string;
  decrypt(value: string, scope: string, alphabet: EncryptAlphabet): string;
}

/** The FF1 key: AES-256, HKDF-SHA256(secret, salt = empty, info = FORMAT_CIPHER_KEY_LABEL). */
export function createFormatCipher(secret: Secret): FormatCipher {
  if (secret.byteLength < MIN_SECRET_BYTES) {
    throw new GatewayError(
      'secret_invalid',
      `the key must be at least ${MIN_SECRET_BYTES} bytes, got ${secret.byteLength}`,
    );
  }
  const bytes = Buffer.from(
    hkdfSync('sha256', secret.reveal(), new Uint8Array(0), FORMAT_CIPHER_KEY_LABEL, 32),
  );
  // A KeyObject: printing it shows no key; the derived bytes are wiped.
  const key = createSecretKey(bytes);
  bytes.fill(0);
  return formatCipherOf(createFf1(key));
}

const DIGIT = 0;
const LOWER = 1;
const UPPER = 2;
const RADIX_OF_CLASS = [10, 26, 26] as const;
const BASE_OF_CLASS = [48, 97, 65] as const;
const CLASS_LETTER = ['d', 'l', 'u'] as const;

function classOf(code: number, letters: boolean): number {
  if (code >= 48 && code <= 57) return DIGIT;
  if (!letters) return -1;
  if (code >= 97 && code <= 122) return LOWER;
  if (code >= 65 && code <= 90) return UPPER;
  return -1;
}

function digitCount(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/**
 * Whether letters are enciphered too. `auto` decides per value from its digit count, which encryption
 * keeps, so encryption and decryption decide alike and the two kinds of value never meet (injective).
 */
function withLetters(value: string, alphabet: EncryptAlphabet): boolean {
  if (alphabet === 'auto') return digitCount(value) < MIN_DIGITS;
  return alphabet === 'alphanumeric';
}

export function formatCipherOf(ff1: Ff1): FormatCipher {
  const transform = (value: string, scope: string, alphabet: EncryptAlphabet, forward: boolean): string => {
    const letters = withLetters(value, alphabet);
    const positions: number[] = [];
    const classes: number[] = [];
    for (let i = 0; i < value.length; i++) {
      const cls = classOf(value.charCodeAt(i), letters);
      if (cls < 0) continue;
      positions.push(i);
      classes.push(cls);
    }
    let size = 1n;
    for (const cls of classes) size *= BigInt(RADIX_OF_CLASS[cls]!);
    if (size < FF1_MIN_DOMAIN) throw new DomainTooSmallError(classes.length);
    // The tweak binds the scope and the class pattern: every pattern is its own permutation.
    const tweak = Buffer.from(`${scope}\u0000${classes.map((c) => CLASS_LETTER[c]).join('')}`, 'utf8');
    let x = 0n;
    for (let k = 0; k < positions.length; k++) {
      const cls = classes[k]!;
      x = x * BigInt(RADIX_OF_CLASS[cls]!) + BigInt(value.charCodeAt(positions[k]!) - BASE_OF_CLASS[cls]!);
    }
    const domain = new Domain(ff1, classes, size, tweak);
    let y = forward ? domain.next(x) : domain.previous(x);
    const out = value.split('');
    for (let k = positions.length - 1; k >= 0; k--) {
      const cls = classes[k]!;
      const radix = BigInt(RADIX_OF_CLASS[cls]!);
      out[positions[k]!] = String.fromCharCode(BASE_OF_CLASS[cls]! + Number(y % radix));
      y /= radix;
    }
    return out.join('');
  };
  return {
    encrypt: (value, scope, alphabet) => transform(value, scope, alphabet, true),
    decrypt: (value, scope, alphabet) => transform(value, scope, alphabet, false),
  };
}

/**
 * The integers [0, size) of one class pattern (mixed radix, most significant first) and FF1 on them:
 * one radix for a uniform pattern (all digits: radix 10); otherwise FF1 in radix 2 over just enough
 * bits, cycle-walking until the result falls inside the domain again (fewer than two steps on average).
 */
class Domain {
  readonly #radix: number;
  readonly #length: number;

  constructor(
    private readonly ff1: Ff1,
    classes: readonly number[],
    private readonly size: bigint,
    private readonly tweak: Uint8Array,
  ) {
    const uniform = classes.every((c) => RADIX_OF_CLASS[c] === RADIX_OF_CLASS[classes[0]!]);
    this.#radix = uniform ? RADIX_OF_CLASS[classes[0]!]! : 2;
    this.#length = uniform ? classes.length : (size - 1n).toString(2).length;
  }

  /**
   * g(x) = P⁻¹((P(x) + 1) mod size): the FF1 permutation P turned into one cycle through the whole domain,
   * so it is still a keyed bijection but never maps a value to itself — an encrypted column never holds
   * its row's own identifier, not even by a one-in-a-million chance.
   */
  next(x: bigint): bigint {
    return this.#permute((this.#permute(x, true) + 1n) % this.size, false);
  }

  previous(y: bigint): bigint {
    return this.#permute((this.#permute(y, true) - 1n + this.size) % this.size, false);
  }

  #permute(x: bigint, forward: boolean): bigint {
    let y = x;
    do {
      y = forward
        ? this.ff1.encryptNumber(y, this.#radix, this.#length, this.tweak)
        : this.ff1.decryptNumber(y, this.#radix, this.#length, this.tweak);
    } while (y >= this.size);
    return y;
  }
}
