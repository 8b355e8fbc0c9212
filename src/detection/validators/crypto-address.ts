import { createHash } from 'node:crypto';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** Decodes base58 into bytes, or undefined for a character outside the alphabet. */
export function base58Decode(s: string): Uint8Array | undefined {
  const bytes: number[] = [];
  for (const ch of s) {
    const value = BASE58.indexOf(ch);
    if (value < 0) return undefined;
    let carry = value;
    for (let i = 0; i < bytes.length; i++) {
      carry += (bytes[i] ?? 0) * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  for (const ch of s) {
    if (ch !== '1') break;
    bytes.push(0);
  }
  return Uint8Array.from(bytes.reverse());
}

/** Base58Check: the last four bytes are the first four of SHA-256(SHA-256(payload)). */
export function isBase58Check(s: string): boolean {
  const bytes = base58Decode(s);
  if (bytes === undefined || bytes.length < 5) return false;
  const payload = bytes.subarray(0, bytes.length - 4);
  const check = sha256(sha256(payload)).subarray(0, 4);
  return Buffer.from(bytes.subarray(bytes.length - 4)).equals(check);
}

/** A legacy Bitcoin address: P2PKH (`1…`, version 0) or P2SH (`3…`, version 5), 25 bytes, Base58Check. */
export function isBitcoinBase58(candidate: string): boolean {
  if (!/^[13][1-9A-HJ-NP-Za-km-z]{25,34}$/.test(candidate)) return false;
  const bytes = base58Decode(candidate);
  if (bytes?.length !== 25 || (bytes[0] !== 0 && bytes[0] !== 5)) return false;
  return isBase58Check(candidate);
}

const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const BECH32_CONST = 1;
const BECH32M_CONST = 0x2bc830a3;

function polymod(values: readonly number[]): number {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= gen[i] ?? 0;
  }
  return chk >>> 0;
}

function hrpExpand(hrp: string): number[] {
  const out: number[] = [];
  for (const c of hrp) out.push(c.charCodeAt(0) >> 5);
  out.push(0);
  for (const c of hrp) out.push(c.charCodeAt(0) & 31);
  return out;
}

/** The bech32 data part of a string with a valid checksum, and which constant it used. */
export function bech32Decode(
  s: string,
): { hrp: string; data: number[]; variant: 'bech32' | 'bech32m' } | undefined {
  if (s !== s.toLowerCase() && s !== s.toUpperCase()) return undefined;
  const lower = s.toLowerCase();
  const sep = lower.lastIndexOf('1');
  if (sep < 1 || sep + 7 > lower.length || lower.length > 90) return undefined;
  const hrp = lower.slice(0, sep);
  const data: number[] = [];
  for (const c of lower.slice(sep + 1)) {
    const v = BECH32_CHARSET.indexOf(c);
    if (v < 0) return undefined;
    data.push(v);
  }
  const check = polymod([...hrpExpand(hrp), ...data]);
  const variant = check === BECH32_CONST ? 'bech32' : check === BECH32M_CONST ? 'bech32m' : undefined;
  return variant === undefined ? undefined : { hrp, data: data.slice(0, -6), variant };
}

/** A SegWit address (`bc1…`/`tb1…`): witness v0 uses bech32, v1+ bech32m (BIP 173 / BIP 350). */
export function isBitcoinBech32(candidate: string): boolean {
  const decoded = bech32Decode(candidate);
  if (decoded === undefined || (decoded.hrp !== 'bc' && decoded.hrp !== 'tb')) return false;
  const version = decoded.data[0];
  if (version === undefined || version > 16) return false;
  return version === 0 ? decoded.variant === 'bech32' : decoded.variant === 'bech32m';
}

/**
 * An Ethereum address: `0x` + 40 hex. EIP-55 mixed-case checksums need Keccak-256, which node:crypto
 * lacks, so case is not checked; all-zero and single-digit runs are placeholders.
 */
export function isEthereumAddress(candidate: string): boolean {
  if (!/^0x[0-9a-fA-F]{40}$/.test(candidate)) return false;
  return !/^0x(.)\1{39}$/i.test(candidate);
}

/** Any supported wallet address. */
export function isCryptoAddress(candidate: string): boolean {
  return isBitcoinBase58(candidate) || isBitcoinBech32(candidate) || isEthereumAddress(candidate);
}
