import { createCipheriv, type Cipher, type KeyObject } from 'node:crypto';

/**
 * FF1 (NIST SP 800-38G, section 5.1) over AES: a keyed, tweakable permutation of the strings of `n`
 * numerals in radix `radix`. Numerals are numbers in [0, radix); BigInt arithmetic throughout, so any
 * radix 2..65536 and any length works. The domain must hold at least one million strings
 * (radix^n ≥ 1,000,000), as the standard requires.
 */

/** SP 800-38G: radix^minlen ≥ 1,000,000. */
export const FF1_MIN_DOMAIN = 1_000_000n;
const MAX_RADIX = 65_536;
const BLOCK = 16;
const ROUNDS = 10;
/** Numerals at most (FF1 allows 2^32; a column value is far shorter). */
const MAX_LENGTH = 1 << 20;

export interface Ff1 {
  encrypt(numerals: readonly number[], radix: number, tweak: Uint8Array): number[];
  decrypt(numerals: readonly number[], radix: number, tweak: Uint8Array): number[];
  /**
   * The same permutation on NUM_radix of the `length` numerals (0 ≤ x < radix^length): FF1 only ever adds
   * and reduces whole halves, so it needs no numeral arrays.
   */
  encryptNumber(x: bigint, radix: number, length: number, tweak: Uint8Array): bigint;
  decryptNumber(x: bigint, radix: number, length: number, tweak: Uint8Array): bigint;
}

/** Per (radix, length, tweak): the constants of steps 1–5 and the CBC-MAC state after P ‖ T ‖ padding. */
interface Setup {
  readonly b: number;
  readonly d: number;
  readonly modU: bigint;
  readonly modV: bigint;
  readonly state: Uint8Array;
  /** The last, partial block of P ‖ T ‖ padding, followed by room for [i]¹ ‖ [NUM(B)]^b. */
  readonly tail: Uint8Array;
}

/** Setups kept (a column has a handful of value formats; the map is cleared when it fills). */
const MAX_SETUPS = 1024;

/**
 * An FF1 cipher under an AES key (16, 24 or 32 bytes; a `KeyObject` keeps the bytes out of reach of
 * printing). One long-lived AES-ECB context serves every block: ECB output for a full block depends on
 * that block alone, so successive `update` calls are independent block encryptions.
 */
export function createFf1(key: KeyObject): Ff1 {
  const size = key.symmetricKeySize ?? 0;
  if (size !== 16 && size !== 24 && size !== 32) throw new RangeError('FF1 needs a 128, 192 or 256-bit key');
  const aes: Cipher = createCipheriv(`aes-${size * 8}-ecb`, key, null);
  aes.setAutoPadding(false);
  const block = (input: Uint8Array): Buffer => aes.update(input);
  const setups = new Map<string, Setup>();
  const setupOf = (radix: number, n: number, tweak: Uint8Array): Setup => {
    const id = `${radix}:${n}:${Buffer.from(tweak).toString('latin1')}`;
    let setup = setups.get(id);
    if (setup === undefined) {
      checkDomain(radix, n);
      if (setups.size >= MAX_SETUPS) setups.clear();
      setup = prepare(block, radix, n, tweak);
      setups.set(id, setup);
    }
    return setup;
  };
  const onNumber = (x: bigint, radix: number, n: number, tweak: Uint8Array, forward: boolean): bigint => {
    const setup = setupOf(radix, n, tweak);
    if (x < 0n || x >= setup.modU * setup.modV) throw new RangeError('FF1 input out of range');
    return ff1(block, setup, x, forward);
  };
  const onNumerals = (X: readonly number[], radix: number, tweak: Uint8Array, forward: boolean): number[] => {
    checkDomain(radix, X.length);
    for (const x of X) {
      if (!Number.isInteger(x) || x < 0 || x >= radix) throw new RangeError('FF1 numeral out of range');
    }
    const r = BigInt(radix);
    return str(onNumber(num(X, r), radix, X.length, tweak, forward), X.length, r);
  };
  return {
    encrypt: (numerals, radix, tweak) => onNumerals(numerals, radix, tweak, true),
    decrypt: (numerals, radix, tweak) => onNumerals(numerals, radix, tweak, false),
    encryptNumber: (x, radix, length, tweak) => onNumber(x, radix, length, tweak, true),
    decryptNumber: (x, radix, length, tweak) => onNumber(x, radix, length, tweak, false),
  };
}

function checkDomain(radix: number, n: number): void {
  if (!Number.isInteger(radix) || radix < 2 || radix > MAX_RADIX) {
    throw new RangeError(`FF1 radix must be 2..${MAX_RADIX}`);
  }
  if (!Number.isInteger(n) || n < 2 || n > MAX_LENGTH || BigInt(radix) ** BigInt(n) < FF1_MIN_DOMAIN) {
    throw new RangeError('FF1 domain too small: radix^length must be at least 1,000,000');
  }
}

/** NUM_radix(X): the numerals as a number, most significant first. */
function num(numerals: readonly number[], radix: bigint): bigint {
  let x = 0n;
  for (const d of numerals) x = x * radix + BigInt(d);
  return x;
}

/** STR^m_radix(x): x as exactly m numerals, most significant first. */
function str(x: bigint, m: number, radix: bigint): number[] {
  const out = new Array<number>(m);
  for (let i = m - 1; i >= 0; i--) {
    out[i] = Number(x % radix);
    x /= radix;
  }
  return out;
}

/** Steps 1–5, and the CBC-MAC over the part of P ‖ Q that no round changes. */
function prepare(block: (input: Uint8Array) => Buffer, radix: number, n: number, T: Uint8Array): Setup {
  const t = T.length;
  const r = BigInt(radix);
  const u = Math.floor(n / 2);
  const v = n - u;
  const modU = r ** BigInt(u);
  const modV = r ** BigInt(v);
  // b = ⌈⌈v·log2(radix)⌉ / 8⌉, exactly: the bytes of radix^v − 1.
  const b = Math.ceil((modV - 1n).toString(16).length / 2);
  const d = 4 * Math.ceil(b / 4) + 4;
  // P = [1]¹ [2]¹ [1]¹ [radix]³ [10]¹ [u mod 256]¹ [n]⁴ [t]⁴.
  const P = new Uint8Array(BLOCK);
  P.set([1, 2, 1, (radix >>> 16) & 0xff, (radix >>> 8) & 0xff, radix & 0xff, 10, u & 0xff]);
  new DataView(P.buffer).setUint32(8, n);
  new DataView(P.buffer).setUint32(12, t);
  // Q = T ‖ [0]^((−t−b−1) mod 16) ‖ [i]¹ ‖ [NUM(B)]^b: all before [i] is the same in every round.
  const pad = (((-t - b - 1) % BLOCK) + BLOCK) % BLOCK;
  const head = new Uint8Array(BLOCK + t + pad);
  head.set(P, 0);
  head.set(T, BLOCK);
  const fixedBlocks = Math.floor(head.length / BLOCK);
  let state: Uint8Array = new Uint8Array(BLOCK);
  for (let j = 0; j < fixedBlocks; j++) state = cbcStep(block, state, head, j * BLOCK);
  const tail = new Uint8Array(head.length - fixedBlocks * BLOCK + 1 + b);
  tail.set(head.subarray(fixedBlocks * BLOCK), 0);
  return { b, d, modU, modV, state, tail };
}

function ff1(block: (input: Uint8Array) => Buffer, setup: Setup, x: bigint, encrypt: boolean): bigint {
  const { b, d, modU, modV, state } = setup;
  const tail = Uint8Array.from(setup.tail);
  const roundIndex = tail.length - 1 - b;
  const sBlocks = Math.ceil(d / BLOCK);
  const S = Buffer.alloc(sBlocks * BLOCK);

  const roundValue = (i: number, half: bigint): bigint => {
    // Steps 6.i–iv: R = PRF(P ‖ Q); S = first d bytes of R ‖ CIPH(R ⊕ [1]¹⁶) ‖ …; y = NUM(S).
    tail[roundIndex] = i;
    writeNumber(tail, roundIndex + 1, b, half);
    let R: Uint8Array = state;
    for (let j = 0; j < tail.length; j += BLOCK) R = cbcStep(block, R, tail, j);
    S.set(R, 0);
    for (let j = 1; j < sBlocks; j++) {
      const x = Uint8Array.from(R);
      x[15] = x[15]! ^ (j & 0xff);
      x[14] = x[14]! ^ ((j >>> 8) & 0xff);
      S.set(block(x), j * BLOCK);
    }
    return readNumber(S, d);
  };

  // Step 2: A = the first u numerals, B = the last v, as numbers.
  let A = x / modV;
  let B = x % modV;
  if (encrypt) {
    for (let i = 0; i < ROUNDS; i++) {
      const mod = i % 2 === 0 ? modU : modV;
      const c = (A + roundValue(i, B)) % mod;
      A = B;
      B = c;
    }
  } else {
    for (let i = ROUNDS - 1; i >= 0; i--) {
      const mod = i % 2 === 0 ? modU : modV;
      const c = (((B - roundValue(i, A)) % mod) + mod) % mod;
      B = A;
      A = c;
    }
  }
  // A holds u numerals and B v: A ‖ B.
  return A * modV + B;
}

/** [x]^length at `offset`, big-endian (x < 256^length). */
function writeNumber(target: Uint8Array, offset: number, length: number, x: bigint): void {
  if (length <= 6) {
    let n = Number(x);
    for (let k = offset + length - 1; k >= offset; k--) {
      target[k] = n % 256;
      n = Math.floor(n / 256);
    }
    return;
  }
  target.set(Buffer.from(x.toString(16).padStart(2 * length, '0'), 'hex'), offset);
}

/** NUM(S[0 .. d]) for d a multiple of 4, eight bytes at a time. */
function readNumber(S: Buffer, d: number): bigint {
  let y = 0n;
  let k = 0;
  for (; k + 8 <= d; k += 8) y = (y << 64n) | S.readBigUInt64BE(k);
  if (k < d) y = (y << 32n) | BigInt(S.readUInt32BE(k));
  return y;
}

/** One CBC-MAC step: CIPH(state ⊕ message[offset .. offset+16]). */
function cbcStep(
  block: (input: Uint8Array) => Buffer,
  state: Uint8Array,
  message: Uint8Array,
  offset: number,
): Uint8Array {
  const x = new Uint8Array(BLOCK);
  for (let k = 0; k < BLOCK; k++) x[k] = state[k]! ^ message[offset + k]!;
  return block(x);
}
