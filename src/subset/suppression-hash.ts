import { createHmac } from 'node:crypto';
import type { Secret } from '../core/index.js';

/**
 * Keyed hashes for suppression lists: a list of hashes can be kept and shared where the identifiers
 * themselves may not. The suppression key is derived from the job's key, so only holders of that key can
 * make or test hashes, and it is a different key from the one that seeds substitution.
 */

export function suppressionKey(secret: Secret): Buffer {
  return createHmac('sha256', secret.reveal()).update('lookalike suppression v1').digest();
}

/** Lower-case hex HMAC-SHA256 of a value's text form (e.g. an email exactly as stored). */
export function suppressionHash(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex');
}
