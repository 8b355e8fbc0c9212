import { createHmac, randomBytes } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { createScopedHmac } from './hmac-sha256.js';

function reference(key: Uint8Array, scope: string, input: string): string {
  return createHmac('sha256', key).update(`${scope}\0${input}`, 'utf8').digest('hex');
}

describe('createScopedHmac', () => {
  const key = randomBytes(32);
  const hmac = createScopedHmac(key);

  it('equals node createHmac over scope \\0 input for every message length across block boundaries', () => {
    for (let length = 0; length <= 300; length++) {
      const input = 'x'.repeat(length);
      expect(Buffer.from(hmac('email', input)).toString('hex')).toBe(reference(key, 'email', input));
    }
  });

  it('equals node createHmac for non-ASCII, astral and lone-surrogate input', () => {
    const inputs = [
      'Zoë Ångström',
      'ab😀cd',
      '日本語テキスト',
      '\ud800',
      'x\udfffy',
      'é'.repeat(100),
      '\u0000',
    ];
    for (const input of inputs) {
      expect(Buffer.from(hmac('scope é', input)).toString('hex')).toBe(reference(key, 'scope é', input));
    }
  });

  it('equals node createHmac for random inputs and a long input that exceeds the shared buffer', () => {
    for (let i = 0; i < 200; i++) {
      const input = randomBytes(i % 90).toString('base64');
      expect(Buffer.from(hmac('', input)).toString('hex')).toBe(reference(key, '', input));
    }
    const long = 'long value '.repeat(5000);
    expect(Buffer.from(hmac('free_text', long)).toString('hex')).toBe(reference(key, 'free_text', long));
    expect(Buffer.from(hmac('free_text', 'after')).toString('hex')).toBe(
      reference(key, 'free_text', 'after'),
    );
  });

  it('equals node createHmac for keys shorter than a block and of a full block', () => {
    for (const size of [1, 16, 33, 64]) {
      const k = randomBytes(size);
      expect(Buffer.from(createScopedHmac(k)('s', 'v')).toString('hex')).toBe(reference(k, 's', 'v'));
    }
  });

  it('separates scope from input with a zero byte', () => {
    expect(Buffer.from(hmac('ab', 'c'))).not.toEqual(Buffer.from(hmac('a', 'bc')));
  });

  it('returns a fresh 32-byte array on every call', () => {
    const first = hmac('s', 'v');
    const second = hmac('s', 'v');
    expect(first).toHaveLength(32);
    expect(first).not.toBe(second);
    expect(first).toEqual(second);
  });

  it('refuses keys longer than one block', () => {
    expect(() => createScopedHmac(new Uint8Array(65))).toThrow(RangeError);
  });
});
