import { createHash } from 'node:crypto';
import { inspect } from 'node:util';

/** Minimum key size in bytes: HMAC-SHA256 gains nothing from more, and less is guessable. */
export const MIN_SECRET_BYTES = 32;

/**
 * A key that cannot be printed by accident: string conversion, JSON and util.inspect all show `[secret]`.
 * `keyId` is a public fingerprint for manifests and audit events.
 */
export class Secret {
  readonly #bytes: Buffer;
  readonly keyId: string;

  constructor(bytes: Buffer) {
    this.#bytes = Buffer.from(bytes);
    this.keyId = createHash('sha256')
      .update('lookalike key id\0')
      .update(this.#bytes)
      .digest('hex')
      .slice(0, 16);
  }

  /** The raw key. Only key derivation may call this. */
  reveal(): Buffer {
    return this.#bytes;
  }

  get byteLength(): number {
    return this.#bytes.length;
  }

  toString(): string {
    return '[secret]';
  }

  toJSON(): string {
    return '[secret]';
  }

  [inspect.custom](): string {
    return '[secret]';
  }
}
