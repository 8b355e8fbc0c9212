/**
 * Which of a fixed set of lower-case literals a text contains, ignoring ASCII case, in one pass over the
 * text. The rules' prefilters ask this for every text; `text.toLowerCase()` plus one `includes` per
 * literal cost more than all the regex scans they were meant to save (a copy of every text and ~50
 * searches). Case folding is ASCII only: the literals are ASCII, and the only non-ASCII characters whose
 * lower case is ASCII (Kelvin sign, dotted capital I) do not occur in the words the rules look for.
 */
export class LiteralPresence {
  /** Per lower-case ASCII first character: the literals starting with it, as indices. */
  readonly #byFirst: (readonly number[] | undefined)[] = [];
  /** Literals that are not all ASCII: looked up the slow way. */
  readonly #other: number[] = [];

  constructor(private readonly literals: readonly string[]) {
    const byFirst: number[][] = [];
    literals.forEach((literal, index) => {
      if (literal.length === 0) return;
      // eslint-disable-next-line no-control-regex -- "all ASCII" is the question
      if (/^[\x00-\x7f]+$/.test(literal)) (byFirst[literal.charCodeAt(0)] ??= []).push(index);
      else this.#other.push(index);
    });
    for (let c = 0; c < 128; c++) this.#byFirst[c] = byFirst[c];
  }

  /** Marks `seen[i]` 1 when literal i occurs in `text`, 2 when it does not. */
  mark(text: string, seen: Uint8Array): void {
    const { literals } = this;
    let left = literals.length;
    seen.fill(0);
    for (let i = 0; i < text.length && left > 0; i++) {
      let c = text.charCodeAt(i);
      if (c >= 65 && c <= 90) c |= 0x20;
      const bucket = c < 128 ? this.#byFirst[c] : undefined;
      if (bucket === undefined) continue;
      for (const index of bucket) {
        if (seen[index] === 1) continue;
        const literal = literals[index] as string;
        if (i + literal.length > text.length) continue;
        let j = 1;
        for (; j < literal.length; j++) {
          let t = text.charCodeAt(i + j);
          if (t >= 65 && t <= 90) t |= 0x20;
          if (t !== literal.charCodeAt(j)) break;
        }
        if (j === literal.length) {
          seen[index] = 1;
          left--;
        }
      }
    }
    if (this.#other.length > 0) {
      const lowered = text.toLowerCase();
      for (const index of this.#other) if (lowered.includes(literals[index] as string)) seen[index] = 1;
    }
    for (let i = 0; i < seen.length; i++) if (seen[i] === 0) seen[i] = 2;
  }
}
