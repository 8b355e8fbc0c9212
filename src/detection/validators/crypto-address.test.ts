import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isBitcoinBase58, isBitcoinBech32, isCryptoAddress, isEthereumAddress } from './crypto-address.js';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function base58(bytes: Uint8Array): string {
  let n = BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
  let out = '';
  while (n > 0n) {
    out = (ALPHABET[Number(n % 58n)] ?? '') + out;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    out = `1${out}`;
  }
  return out;
}

function base58check(version: number, payload: Buffer): string {
  const body = Buffer.concat([Buffer.from([version]), payload]);
  const sha = (b: Buffer): Buffer => createHash('sha256').update(b).digest();
  return base58(Buffer.concat([body, sha(sha(body)).subarray(0, 4)]));
}

describe('crypto addresses', () => {
  it('Base58Check P2PKH/P2SH addresses built from a hash pass; a changed character fails', () => {
    const hash = createHash('sha256').update('fixture').digest().subarray(0, 20);
    const p2pkh = base58check(0, hash);
    const p2sh = base58check(5, hash);
    expect(p2pkh.startsWith('1')).toBe(true);
    expect(isBitcoinBase58(p2pkh)).toBe(true);
    expect(isBitcoinBase58(p2sh)).toBe(true);
    const changed = p2pkh.slice(0, 10) + (p2pkh[10] === 'a' ? 'b' : 'a') + p2pkh.slice(11);
    expect(isBitcoinBase58(changed)).toBe(false);
  });

  it('bech32 (v0) and bech32m (v1) test vectors from BIP 173/350; wrong variant fails', () => {
    expect(isBitcoinBech32('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4')).toBe(true);
    expect(isBitcoinBech32('BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4')).toBe(true);
    expect(isBitcoinBech32('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0')).toBe(true);
    expect(isBitcoinBech32('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5')).toBe(false);
    expect(isBitcoinBech32('bc1QW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4')).toBe(false); // mixed case
  });

  it('Ethereum: 0x + 40 hex, not a placeholder', () => {
    expect(isEthereumAddress(`0x${createHash('sha256').update('x').digest('hex').slice(0, 40)}`)).toBe(true);
    expect(isEthereumAddress(`0x${'0'.repeat(40)}`)).toBe(false);
    expect(isEthereumAddress('0x1234')).toBe(false);
    expect(isCryptoAddress('hello')).toBe(false);
  });
});
