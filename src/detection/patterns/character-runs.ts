/**
 * A cheap, exact prefilter for regex rules: runs of characters of one class. A rule such as `\b[A-Z]{6}…`
 * (a SWIFT code) can only match a text that holds six capital letters in a row, and `\d{3}-\d{2}-\d{4}` only
 * one with three digits in a row. The longest run of each class is read from the text in one pass; what a
 * rule needs is worked out once from its source. A text whose runs are all too short for a rule is never
 * scanned with it — the rule could not match there, so nothing found changes.
 */

/**
 * The classes whose runs are measured, all ASCII: digits, capitals, capitals and digits, letters, letters
 * and digits, digits with the separators of dates, times and addresses (`. / : -`: "12.03.24", "10.0.0.1"),
 * and hex digits with `:` and `-` (MAC addresses).
 */
export const RUN_CLASSES = [
  'digit',
  'upper',
  'upperDigit',
  'letter',
  'alnum',
  'digitPunct',
  'hexPunct',
] as const;
const CLASS_COUNT = RUN_CLASSES.length;

/** Bit c of `CLASS_OF[code]`: the ASCII character `code` belongs to RUN_CLASSES[c]. */
const CLASS_OF = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  const digit = code >= 48 && code <= 57;
  const upper = code >= 65 && code <= 90;
  const lower = code >= 97 && code <= 122;
  const separator = code === 46 || code === 47 || code === 58 || code === 45;
  const hex = (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
  CLASS_OF[code] =
    (digit ? 1 : 0) |
    (upper ? 2 : 0) |
    (upper || digit ? 4 : 0) |
    (upper || lower ? 8 : 0) |
    (upper || lower || digit ? 16 : 0) |
    (digit || separator ? 32 : 0) |
    (digit || hex || code === 58 || code === 45 ? 64 : 0);
}

/** Per class (RUN_CLASSES order), the longest run a text holds or a rule needs (0: a rule needs none). */
export type CharacterRuns = readonly number[];

/** What one pass over a text tells the rule prefilters. */
export interface TextRuns {
  /** The longest run of each class (RUN_CLASSES order). */
  readonly runs: number[];
  /** How many ASCII digits the text holds. */
  readonly digits: number;
  /** The lengths of its maximal ASCII digit runs: bit n for a run of n, bit 31 for 31 and more. */
  readonly digitRunLengths: number;
}

/** The longest run of each class in `text` (non-ASCII characters end every run). */
export function characterRuns(text: string): number[] {
  return textRuns(text).runs;
}

/**
 * `characterRuns` plus the digit figures the prefilters read (`digits`, `digitRunLengths`), in the same
 * single pass over the text: every text needs the digit figures, and most texts also reach a rule that
 * needs the runs, so one pass serves both.
 */
export function textRuns(text: string): TextRuns {
  const out = new Array<number>(CLASS_COUNT);
  let digits = 0;
  let digitRunLengths = 0;
  let digit = 0;
  let upper = 0;
  let upperDigit = 0;
  let letter = 0;
  let alnum = 0;
  let digitPunct = 0;
  let hexPunct = 0;
  let maxDigit = 0;
  let maxUpper = 0;
  let maxUpperDigit = 0;
  let maxLetter = 0;
  let maxAlnum = 0;
  let maxDigitPunct = 0;
  let maxHexPunct = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const c = code < 128 ? (CLASS_OF[code] ?? 0) : 0;
    if (c === 0) {
      if (digit > 0) digitRunLengths |= 1 << Math.min(digit, 31);
      digit = upper = upperDigit = letter = alnum = digitPunct = hexPunct = 0;
      continue;
    }
    if ((c & 1) !== 0) {
      digits++;
      if (++digit > maxDigit) maxDigit = digit;
    } else {
      if (digit > 0) digitRunLengths |= 1 << Math.min(digit, 31);
      digit = 0;
    }
    if ((c & 2) !== 0) {
      if (++upper > maxUpper) maxUpper = upper;
    } else upper = 0;
    if ((c & 4) !== 0) {
      if (++upperDigit > maxUpperDigit) maxUpperDigit = upperDigit;
    } else upperDigit = 0;
    if ((c & 8) !== 0) {
      if (++letter > maxLetter) maxLetter = letter;
    } else letter = 0;
    if ((c & 16) !== 0) {
      if (++alnum > maxAlnum) maxAlnum = alnum;
    } else alnum = 0;
    if ((c & 32) !== 0) {
      if (++digitPunct > maxDigitPunct) maxDigitPunct = digitPunct;
    } else digitPunct = 0;
    if ((c & 64) !== 0) {
      if (++hexPunct > maxHexPunct) maxHexPunct = hexPunct;
    } else hexPunct = 0;
  }
  out[0] = maxDigit;
  out[1] = maxUpper;
  out[2] = maxUpperDigit;
  out[3] = maxLetter;
  out[4] = maxAlnum;
  out[5] = maxDigitPunct;
  out[6] = maxHexPunct;
  if (digit > 0) digitRunLengths |= 1 << Math.min(digit, 31);
  return { runs: out, digits, digitRunLengths };
}

/** True when `text` (its runs) holds every run `needs` asks for. */
export function runsSuffice(text: CharacterRuns, needs: CharacterRuns): boolean {
  for (let c = 0; c < CLASS_COUNT; c++) if ((text[c] ?? 0) < (needs[c] ?? 0)) return false;
  return true;
}

/**
 * What one part of a pattern guarantees about runs of one class, in every match: `inner` the longest run
 * surely inside, `prefix`/`suffix` the run surely at its start/end, `all` every character of every match
 * is of the class (then `min` is the shortest match's length).
 */
interface Runs {
  readonly inner: number;
  readonly prefix: number;
  readonly suffix: number;
  readonly all: boolean;
  readonly min: number;
}

const NONE: Runs = { inner: 0, prefix: 0, suffix: 0, all: false, min: 0 };
/** Zero-width (assertions, lookarounds, an empty alternative): joins its neighbours' runs. */
const EMPTY: Runs = { inner: 0, prefix: 0, suffix: 0, all: true, min: 0 };
const ONE: Runs = { inner: 1, prefix: 1, suffix: 1, all: true, min: 1 };

/** A set of characters as class bits: bit c set when every character of the set is in RUN_CLASSES[c]. */
type ClassBits = number;
const ALL_BITS = (1 << CLASS_COUNT) - 1;

/** Thrown on anything the reader does not know: the rule then gets no prefilter (never a wrong one). */
class Unsupported extends Error {}

/**
 * Reads a regex source as a tree of what it guarantees, for all classes at once (one `Runs` per class).
 * Only the shapes rules use are understood; anything else makes the whole rule unfiltered.
 */
class RunReader {
  #at = 0;
  /** Capturing groups in order of their opening parenthesis (1-based), and named ones by name. */
  #groups = 0;
  readonly #groupRuns = new Map<number, Runs[]>();
  readonly #groupNames = new Map<string, number>();

  constructor(
    private readonly source: string,
    private readonly ignoreCase: boolean,
  ) {}

  read(): Runs[] {
    const result = this.#alternation();
    if (this.#at !== this.source.length) throw new Unsupported();
    return result;
  }

  #alternation(): Runs[] {
    let result = this.#sequence();
    while (this.source.charAt(this.#at) === '|') {
      this.#at++;
      const other = this.#sequence();
      result = result.map((r, c) => either(r, other[c] ?? NONE));
    }
    return result;
  }

  #sequence(): Runs[] {
    let result: Runs[] = new Array<Runs>(CLASS_COUNT).fill(EMPTY);
    for (;;) {
      const c = this.source.charAt(this.#at);
      if (c === '' || c === '|' || c === ')') return result;
      const atom = this.#quantified();
      result = result.map((r, k) => then(r, atom[k] ?? NONE));
    }
  }

  #quantified(): Runs[] {
    const atom = this.#atom();
    const q = this.#quantifier();
    if (q === undefined) return atom;
    return atom.map((r) => repeat(r, q));
  }

  /** `?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}` (and their lazy forms): the least count; undefined when none. */
  #quantifier(): number | undefined {
    const s = this.source;
    const c = s.charAt(this.#at);
    let min: number | undefined;
    if (c === '?' || c === '*') min = 0;
    else if (c === '+') min = 1;
    if (min !== undefined) this.#at++;
    else if (c === '{') {
      const m = /^\{(\d+)(?:,(\d*))?\}/.exec(s.slice(this.#at));
      if (m === null) return undefined;
      min = Number(m[1]);
      this.#at += m[0].length;
    } else return undefined;
    if (s.charAt(this.#at) === '?') this.#at++;
    return min;
  }

  #atom(): Runs[] {
    const s = this.source;
    const c = s.charAt(this.#at);
    if (c === '(') return this.#group();
    if (c === '[') return this.#fromBits(this.#characterClass());
    if (c === '^' || c === '$') {
      this.#at++;
      return this.#fromBits(-1);
    }
    if (c === '.') {
      this.#at++;
      return this.#fromBits(0);
    }
    if (c === '\\') {
      const next = s.charAt(this.#at + 1);
      if (next === 'b' || next === 'B') {
        this.#at += 2;
        return this.#fromBits(-1);
      }
      if (/[1-9]/.test(next) || next === 'k') return this.#backReference();
      return this.#fromBits(this.#escape(false));
    }
    if (c === ')' || c === '|' || c === '*' || c === '+' || c === '?') throw new Unsupported();
    this.#at++;
    return this.#fromBits(this.#literal(c.charCodeAt(0)));
  }

  #group(): Runs[] {
    const s = this.source;
    const rest = s.slice(this.#at, this.#at + 4);
    let zeroWidth = false;
    let group: number | undefined;
    if (rest.startsWith('(?:')) this.#at += 3;
    else if (rest.startsWith('(?=') || rest.startsWith('(?!')) {
      this.#at += 3;
      zeroWidth = true;
    } else if (rest.startsWith('(?<=') || rest.startsWith('(?<!')) {
      this.#at += 4;
      zeroWidth = true;
    } else if (rest.startsWith('(?<')) {
      const m = /^\(\?<([A-Za-z_$][\w$]*)>/.exec(s.slice(this.#at));
      if (m === null) throw new Unsupported();
      this.#at += m[0].length;
      group = ++this.#groups;
      this.#groupNames.set(m[1] ?? '', group);
    } else if (rest.startsWith('(?')) throw new Unsupported();
    else {
      this.#at += 1;
      group = ++this.#groups;
    }
    const inner = this.#alternation();
    if (s.charAt(this.#at) !== ')') throw new Unsupported();
    this.#at++;
    if (group !== undefined) this.#groupRuns.set(group, inner);
    // A lookaround consumes nothing: read for syntax only.
    return zeroWidth ? new Array<Runs>(CLASS_COUNT).fill(EMPTY) : inner;
  }

  /**
   * `\1`, `\k<name>`: the text its group matched, or nothing when the group did not take part. Where every
   * match of the group lies in a class, so does the reference (possibly empty: it joins its neighbours);
   * otherwise, and under the `i` flag (the reference then matches either case), no guarantee.
   */
  #backReference(): Runs[] {
    const s = this.source;
    let group: number | undefined;
    if (s.charAt(this.#at + 1) === 'k') {
      const m = /^\\k<([^>]+)>/.exec(s.slice(this.#at));
      if (m === null) throw new Unsupported();
      this.#at += m[0].length;
      group = this.#groupNames.get(m[1] ?? '');
    } else {
      const m = /^\\(\d+)/.exec(s.slice(this.#at));
      if (m === null) throw new Unsupported();
      this.#at += m[0].length;
      group = Number(m[1]);
    }
    const runs = group === undefined ? undefined : this.#groupRuns.get(group);
    return new Array<Runs>(CLASS_COUNT)
      .fill(NONE)
      .map((_, c) => (runs?.[c]?.all === true && !this.ignoreCase ? EMPTY : NONE));
  }

  /** `[…]` as class bits (a negated class: none). */
  #characterClass(): ClassBits {
    const s = this.source;
    this.#at++;
    let negated = false;
    if (s.charAt(this.#at) === '^') {
      negated = true;
      this.#at++;
    }
    // An empty class matches nothing: every class holds all of its (no) characters.
    let bits = ALL_BITS;
    for (;;) {
      const c = s.charAt(this.#at);
      if (c === '') throw new Unsupported();
      if (c === ']') {
        this.#at++;
        break;
      }
      const from = this.#classAtom();
      if (s.charAt(this.#at) === '-' && s.charAt(this.#at + 1) !== ']' && s.charAt(this.#at + 1) !== '') {
        this.#at++;
        const to = this.#classAtom();
        if (typeof from !== 'number' || typeof to !== 'number' || to < from) throw new Unsupported();
        for (let code = from; code <= to; code++) bits &= this.#literal(code);
      } else bits &= typeof from === 'number' ? this.#literal(from) : from.bits;
    }
    return negated ? 0 : bits;
  }

  /** One member of a class: a code unit (number), or an escape standing for a set (`\d`, `\w`, `\p{…}`). */
  #classAtom(): number | { bits: ClassBits } {
    const s = this.source;
    const c = s.charAt(this.#at);
    if (c !== '\\') {
      this.#at++;
      return c.charCodeAt(0);
    }
    const next = s.charAt(this.#at + 1);
    if (next === 'b') {
      this.#at += 2;
      return 8;
    }
    const single = SINGLE_ESCAPES[next];
    if (single !== undefined) {
      this.#at += 2;
      return single;
    }
    if (/[^A-Za-z0-9]/.test(next)) {
      this.#at += 2;
      return next.charCodeAt(0);
    }
    const code = this.#codeEscape();
    if (code !== undefined) return code;
    return { bits: this.#escape(true) };
  }

  /** `\xHH`, `\uHHHH`: the code unit, or undefined when the escape is not one. */
  #codeEscape(): number | undefined {
    const m = /^\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4}))/.exec(this.source.slice(this.#at));
    if (m === null) return undefined;
    this.#at += m[0].length;
    return parseInt(m[1] ?? m[2] ?? '', 16);
  }

  /** An escape outside a class, or a set escape inside one, as class bits. */
  #escape(inClass: boolean): ClassBits {
    const s = this.source;
    const next = s.charAt(this.#at + 1);
    if (next === 'd') {
      this.#at += 2;
      // Every ASCII digit has the classes of "0" (and `\d` matches ASCII digits only, in every mode).
      return CLASS_OF[48] ?? 0;
    }
    if ('DwWsS'.includes(next)) {
      this.#at += 2;
      return 0;
    }
    if (next === 'p' || next === 'P') {
      const m = /^\\[pP]\{[^}]*\}/.exec(s.slice(this.#at));
      if (m === null) throw new Unsupported();
      this.#at += m[0].length;
      return 0;
    }
    if (!inClass) {
      const single = SINGLE_ESCAPES[next];
      if (single !== undefined) {
        this.#at += 2;
        return this.#literal(single);
      }
      const code = this.#codeEscape();
      if (code !== undefined) return this.#literal(code);
      if (next !== '' && /[^A-Za-z0-9]/.test(next)) {
        this.#at += 2;
        return this.#literal(next.charCodeAt(0));
      }
    }
    throw new Unsupported();
  }

  /** The class bits of one literal code unit (both cases of a letter under the `i` flag). */
  #literal(code: number): ClassBits {
    if (code >= 128) return 0;
    const bits = CLASS_OF[code] ?? 0;
    const letter = (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
    if (!this.ignoreCase || !letter) return bits;
    return bits & (CLASS_OF[code ^ 0x20] ?? 0);
  }

  /** Runs of one atom given its class bits; -1 stands for zero width. */
  #fromBits(bits: ClassBits): Runs[] {
    const out = new Array<Runs>(CLASS_COUNT);
    for (let c = 0; c < CLASS_COUNT; c++) out[c] = bits === -1 ? EMPTY : (bits & (1 << c)) !== 0 ? ONE : NONE;
    return out;
  }
}

const SINGLE_ESCAPES: Readonly<Record<string, number>> = { n: 10, r: 13, t: 9, f: 12, v: 11, '0': 0 };

/** `a` then `b`. */
function then(a: Runs, b: Runs): Runs {
  if (a.all && b.all) {
    const min = a.min + b.min;
    return { inner: min, prefix: min, suffix: min, all: true, min };
  }
  const join = a.suffix + b.prefix;
  return {
    inner: Math.max(a.inner, b.inner, join),
    prefix: a.all ? a.min + b.prefix : a.prefix,
    suffix: b.all ? a.suffix + b.min : b.suffix,
    all: false,
    min: 0,
  };
}

/** `a` or `b`: only what both guarantee. */
function either(a: Runs, b: Runs): Runs {
  const all = a.all && b.all;
  return {
    inner: Math.min(a.inner, b.inner),
    prefix: Math.min(a.prefix, b.prefix),
    suffix: Math.min(a.suffix, b.suffix),
    all,
    min: all ? Math.min(a.min, b.min) : 0,
  };
}

/** `a` repeated at least `min` times. */
function repeat(a: Runs, min: number): Runs {
  if (min === 0) return a.all ? EMPTY : NONE;
  if (a.all) {
    const length = a.min * min;
    return { inner: length, prefix: length, suffix: length, all: true, min: length };
  }
  return {
    inner: Math.max(a.inner, min >= 2 ? a.suffix + a.prefix : 0),
    prefix: a.prefix,
    suffix: a.suffix,
    all: false,
    min: 0,
  };
}

/**
 * The runs every match of a regex holds, per class (RUN_CLASSES order); all zero when the source uses
 * something this reader does not understand, or flags under which ASCII classes could match other
 * characters (`i` with `u` or `v`: the Kelvin sign matches `k`).
 */
export function requiredRuns(source: string, flags: string): CharacterRuns {
  const none = new Array<number>(CLASS_COUNT).fill(0);
  const ignoreCase = flags.includes('i');
  if (ignoreCase && (flags.includes('u') || flags.includes('v'))) return none;
  if (flags.includes('v') || flags.includes('x')) return none;
  try {
    return new RunReader(source, ignoreCase)
      .read()
      .map((r) => Math.max(r.inner, r.prefix, r.suffix, r.all ? r.min : 0));
  } catch (error) {
    if (error instanceof Unsupported) return none;
    throw error;
  }
}
