/** A small, fast, seeded generator (sfc32): synthesis must give the same rows for the same `--seed`. */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  below(n: number): number;
}

/** FNV-1a over the label's UTF-16 units, four rounds with different offsets: 128 seed bits. */
function hashLabel(label: string, salt: number): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The generator for one label (e.g. `seed ‖ table`): independent streams per table, reproducible. */
export function seededRandom(label: string): SeededRandom {
  let a = hashLabel(label, 1);
  let b = hashLabel(label, 2);
  let c = hashLabel(label, 3);
  let d = hashLabel(label, 4) | 1;
  const next32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next32();
  return {
    next: () => next32() / 4294967296,
    below: (n) => Math.floor((next32() / 4294967296) * n),
  };
}

/** Draws an index from non-negative weights (total > 0). */
export function drawWeighted(weights: ArrayLike<number>, total: number, random: SeededRandom): number {
  let target = random.next() * total;
  for (let i = 0; i < weights.length; i++) {
    target -= weights[i] as number;
    if (target < 0) return i;
  }
  // Rounding left a sliver: the last non-zero weight takes it.
  for (let i = weights.length - 1; i >= 0; i--) if ((weights[i] as number) > 0) return i;
  return 0;
}

/** Draws the key of a sparse `[key, weight, key, weight, …]` list; undefined when every weight is 0. */
export function drawSparse(pairs: readonly number[], random: SeededRandom): number | undefined {
  let total = 0;
  for (let i = 1; i < pairs.length; i += 2) total += pairs[i] as number;
  if (total === 0) return undefined;
  let target = random.next() * total;
  for (let i = 1; i < pairs.length; i += 2) {
    target -= pairs[i] as number;
    if (target < 0) return pairs[i - 1];
  }
  return pairs[pairs.length - 2];
}

/** Shuffles in place (Fisher–Yates). */
export function shuffle<T>(items: T[], random: SeededRandom): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.below(i + 1);
    const t = items[i] as T;
    items[i] = items[j] as T;
    items[j] = t;
  }
}
