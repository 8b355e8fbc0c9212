/**
 * Which of a fixed set of lower-case literals a text contains, ignoring ASCII case, in one pass over the
 * text. The rules' prefilters ask this for every text; `text.toLowerCase()` plus one `includes` per
 * literal cost more than all the regex scans they were meant to save (a copy of every text and ~50
 * searches). The pass looks up each character pair in a table of the literals' first two characters, so
 * a position no literal starts at costs one array read. Case folding is ASCII only: the literals are
 * ASCII, and the only non-ASCII characters whose lower case is ASCII (Kelvin sign, dotted capital I) do
 * not occur in the words the rules look for.
 */
export class LiteralPresence {
  /** Per lower-case ASCII character: 1 + the index of the one-character literal it is, or 0. */
  readonly #single = new Int16Array(128);
  /** Per pair of lower-case ASCII characters (`a * 128 + b`): 1 + a bucket of `#buckets`, or 0. */
  readonly #pairs = new Int16Array(128 * 128);
  /** Literals of two characters or more, grouped by their first two. */
  readonly #buckets: (readonly number[])[] = [];
  /** Literals that are not all ASCII: looked up the slow way. */
  readonly #other: number[] = [];

  constructor(private readonly literals: readonly string[]) {
    literals.forEach((literal, index) => {
      // eslint-disable-next-line no-control-regex -- "all ASCII" is the question
      if (literal.length === 0 || !/^[\x00-\x7f]+$/.test(literal)) {
        if (literal.length > 0) this.#other.push(index);
        return;
      }
      if (literal.length === 1) {
        this.#single[literal.charCodeAt(0)] = index + 1;
        return;
      }
      const pair = literal.charCodeAt(0) * 128 + literal.charCodeAt(1);
      let bucket = this.#pairs[pair] ?? 0;
      if (bucket === 0) {
        this.#buckets.push([]);
        bucket = this.#buckets.length;
        this.#pairs[pair] = bucket;
      }
      (this.#buckets[bucket - 1] as number[]).push(index);
    });
  }

  /** Marks `seen[at + i]` 1 when literal i occurs in `text`, 2 when it does not. */
  mark(text: string, seen: Uint8Array, at = 0): void {
    const { literals } = this;
    const single = this.#single;
    const pairs = this.#pairs;
    seen.fill(0, at, at + literals.length);
    const length = text.length;
    let next = length > 0 ? lowerAscii(text.charCodeAt(0)) : 0;
    for (let i = 0; i < length; i++) {
      const c = next;
      next = i + 1 < length ? lowerAscii(text.charCodeAt(i + 1)) : 0;
      if (c >= 128) continue;
      const one = single[c] ?? 0;
      if (one !== 0) seen[at + one - 1] = 1;
      if (next >= 128) continue;
      const bucket = pairs[c * 128 + next] ?? 0;
      if (bucket === 0) continue;
      for (const index of this.#buckets[bucket - 1] as number[]) {
        if (seen[at + index] === 1) continue;
        const literal = literals[index] as string;
        if (i + literal.length > length) continue;
        let j = 2;
        while (j < literal.length && lowerAscii(text.charCodeAt(i + j)) === literal.charCodeAt(j)) j++;
        if (j === literal.length) seen[at + index] = 1;
      }
    }
    if (this.#other.length > 0) {
      const lowered = text.toLowerCase();
      for (const index of this.#other) if (lowered.includes(literals[index] as string)) seen[at + index] = 1;
    }
    for (let i = at; i < at + literals.length; i++) if (seen[i] === 0) seen[i] = 2;
  }
}

function lowerAscii(c: number): number {
  return c >= 65 && c <= 90 ? c | 0x20 : c;
}
