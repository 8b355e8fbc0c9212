import type { ColumnInfo } from '../core/index.js';
import { drawSparse, type SeededRandom } from './seeded-random.js';
import {
  NUMERIC_BINS,
  PARENT_CATEGORIES,
  type CategoricalStats,
  type ColumnStats,
  type NumericStats,
  type RareFill,
  type WordsFill,
} from './synthesis-model.js';
import { decimalsOf, formatNumeric, parseNumeric, resolutionOf, type NumericKind } from './value-codec.js';

/** Quantile knots kept per numeric column: the marginal is exact to within 1 % in probability. */
const KNOTS = 100;
/** Categories kept per column (the most frequent with at least k rows). */
const MAX_CATEGORIES = 2000;

export interface FittedColumn {
  readonly stats: ColumnStats;
  /** Per sampled row: the full code (category, rare or null; or quantile bin or null). */
  readonly codes: Uint16Array;
}

/** Number of codes of a column: categories + rare + null, or bins + null. */
export function codeCount(stats: ColumnStats): number {
  return stats.counts.length;
}

/** Codes folded for conditioning: at most PARENT_CATEGORIES + 2 values, so two-parent cells stay dense. */
export function coarseCode(stats: ColumnStats, code: number): number {
  if (stats.type === 'numeric') return code;
  const kept = stats.categories.length;
  if (code === kept + 1) return PARENT_CATEGORIES + 1;
  return code < Math.min(kept, PARENT_CATEGORIES) ? code : PARENT_CATEGORIES;
}

export function coarseCount(stats: ColumnStats): number {
  return stats.type === 'numeric' ? NUMERIC_BINS + 1 : PARENT_CATEGORIES + 2;
}

/**
 * Categorical statistics: categories with at least `minRows` rows keep their frequency; the others are
 * pooled into one "rare" code whose values are never stored (they are drawn as fakes or enum labels).
 */
export function fitCategorical(
  values: readonly (string | null)[],
  column: ColumnInfo,
  minRows: number,
): FittedColumn {
  const counts = new Map<string, number>();
  let nulls = 0;
  for (const value of values) {
    if (value === null) nulls++;
    else counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  const sorted = [...counts.entries()].sort(
    (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
  );
  const kept = sorted.filter(([, n]) => n >= minRows).slice(0, MAX_CATEGORIES);
  const index = new Map(kept.map(([value], i) => [value, i]));
  let rare = 0;
  let rareLength = 0;
  for (const [value, n] of counts) {
    if (!index.has(value)) {
      rare += n;
      rareLength += value.length * n;
    }
  }
  const categories = kept.map(([value]) => value);
  const codes = new Uint16Array(values.length);
  values.forEach((value, i) => {
    codes[i] = value === null ? categories.length + 1 : (index.get(value) ?? categories.length);
  });
  const stats: CategoricalStats = {
    type: 'categorical',
    categories,
    counts: [...kept.map(([, n]) => n), rare, nulls],
    rare:
      (column.category === 'string' && column.enumLabels === null
        ? wordsFill(counts, index, minRows, column.maxLength)
        : null) ?? rareFill(column, categories, rare === 0 ? 12 : Math.max(1, Math.round(rareLength / rare))),
  };
  return { stats, codes };
}

const LETTERS = /^\p{L}+$/u;

/**
 * A word model of a text column's rare values (see `WordsFill`), or null when no word count has k rows
 * or the rare words are not plain letter words (codes, numbers: drawn as fake strings instead). Only
 * words, transitions, word counts and word lengths seen at least `minRows` times are stored.
 */
export function wordsFill(
  counts: ReadonlyMap<string, number>,
  kept: ReadonlyMap<string, number>,
  minRows: number,
  maxLength: number | null,
): WordsFill | null {
  const wordTimes = new Map<string, number>();
  const lengthRows = new Map<number, number>();
  let occurrences = 0;
  for (const [value, n] of counts) {
    if (kept.has(value)) continue;
    const tokens = value.split(' ');
    lengthRows.set(tokens.length, (lengthRows.get(tokens.length) ?? 0) + n);
    for (const token of tokens) wordTimes.set(token, (wordTimes.get(token) ?? 0) + n);
    occurrences += tokens.length * n;
  }
  const words = [...wordTimes.entries()]
    .filter(([word, n]) => n >= minRows && word !== '')
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const lengths = [...lengthRows.entries()].filter(([, n]) => n >= minRows).sort((a, b) => a[0] - b[0]);
  if (occurrences === 0 || lengths.length === 0) return null;
  const madeUpLengths = new Map<number, number>();
  let upper = 0;
  let lower = 0;
  let rareTimes = 0;
  for (const [word, n] of wordTimes) {
    if (n >= minRows && word !== '') continue;
    // Digits mean codes (drawn as fake strings); punctuation around letters is dropped.
    if (/\d/.test(word)) return null;
    const plain = word.replace(/[^\p{L}]/gu, '');
    if (!LETTERS.test(plain)) continue;
    madeUpLengths.set(plain.length, (madeUpLengths.get(plain.length) ?? 0) + n);
    if (plain === plain.toUpperCase()) upper += n;
    else if (plain === plain.toLowerCase()) lower += n;
    rareTimes += n;
  }
  const letters = [...madeUpLengths.entries()].filter(([, n]) => n >= minRows).sort((a, b) => a[0] - b[0]);
  if (rareTimes > 0 && letters.length === 0) return null;
  const wordIndex = new Map(words.map(([word], i) => [word, i]));
  const transitions = new Map<number, Map<number, number>>();
  for (const [value, n] of counts) {
    if (kept.has(value)) continue;
    let previous = -1;
    for (const token of value.split(' ')) {
      const current = wordIndex.get(token);
      if (current === undefined) {
        previous = -2; // an unknown word breaks the chain
        continue;
      }
      if (previous !== -2) {
        const row = transitions.get(previous) ?? new Map<number, number>();
        row.set(current, (row.get(current) ?? 0) + n);
        transitions.set(previous, row);
      }
      previous = current;
    }
  }
  const next: Record<string, number[]> = {};
  for (const [from, row] of [...transitions.entries()].sort((a, b) => a[0] - b[0])) {
    const pairs = [...row.entries()].filter(([, n]) => n >= minRows).sort((a, b) => a[0] - b[0]);
    if (pairs.length > 0) next[String(from)] = pairs.flat();
  }
  return {
    fill: 'words',
    lengths: lengths.flat(),
    words: words.map(([word]) => word),
    counts: words.map(([, n]) => n),
    next,
    madeUpShare: rareTimes / occurrences,
    madeUpLengths: letters.flat(),
    casing:
      upper === rareTimes && rareTimes > 0
        ? 'upper'
        : lower === rareTimes && rareTimes > 0
          ? 'lower'
          : 'title',
    maxLength,
  };
}

/** Draws text from a word model: a word count, then a bigram chain (unigram where no transition is known). */
export function drawWords(fill: WordsFill, random: SeededRandom): string {
  const length = drawSparse(fill.lengths, random) ?? 1;
  const parts: string[] = [];
  let previous = -1;
  let size = 0;
  for (let i = 0; i < length; i++) {
    let word = -2;
    let text: string;
    if (fill.words.length === 0 || random.next() < fill.madeUpShare) text = madeUpWord(fill, random);
    else {
      const known = fill.next[String(previous)];
      word =
        (known === undefined ? undefined : drawSparse(known, random)) ?? drawFromCounts(fill.counts, random);
      text = fill.words[word] ?? '';
    }
    if (fill.maxLength !== null && size + text.length + (i > 0 ? 1 : 0) > fill.maxLength) break;
    size += text.length + (i > 0 ? 1 : 0);
    parts.push(text);
    previous = word;
  }
  return parts.join(' ');
}

const ALPHABET = 'etaoinshrdlcumwfgypbvkjxqz';
/** Letter frequencies of English text (per mille, in ALPHABET order): made-up words read like words. */
const LETTER_WEIGHTS = [
  127, 91, 82, 75, 70, 67, 63, 61, 60, 43, 40, 28, 28, 24, 24, 22, 20, 20, 19, 15, 10, 8, 2, 2, 1, 1,
];
const LETTER_TOTAL = LETTER_WEIGHTS.reduce((a, b) => a + b, 0);

function madeUpWord(fill: WordsFill, random: SeededRandom): string {
  const size = drawSparse(fill.madeUpLengths, random) ?? 5;
  let word = '';
  for (let i = 0; i < size; i++) {
    let target = random.next() * LETTER_TOTAL;
    let j = 0;
    while (j < LETTER_WEIGHTS.length - 1 && (target -= LETTER_WEIGHTS[j] as number) >= 0) j++;
    word += ALPHABET[j] as string;
  }
  if (fill.casing === 'upper') return word.toUpperCase();
  if (fill.casing === 'lower') return word;
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function drawFromCounts(counts: readonly number[], random: SeededRandom): number {
  let total = 0;
  for (const n of counts) total += n;
  let target = random.next() * total;
  for (let i = 0; i < counts.length; i++) {
    target -= counts[i] as number;
    if (target < 0) return i;
  }
  return counts.length - 1;
}

function rareFill(column: ColumnInfo, kept: readonly string[], length: number): RareFill {
  if (column.enumLabels !== null && column.enumLabels.length > 0) {
    const others = column.enumLabels.filter((label) => !kept.includes(label));
    return { fill: 'enum', labels: others.length > 0 ? others : column.enumLabels };
  }
  if (column.category === 'uuid') return { fill: 'uuid' };
  if (column.category === 'string') return { fill: 'fake_string', length, maxLength: column.maxLength };
  if (kept.length > 0) return { fill: 'kept' };
  if (column.category === 'array') return { fill: 'literal', value: '{}' };
  if (column.category === 'json') return { fill: 'literal', value: '{}' };
  if (column.category === 'boolean') return { fill: 'literal', value: 'f' };
  return { fill: 'literal', value: '' };
}

/**
 * Numeric statistics from parsed values (`null` for SQL NULL): KNOTS + 1 quantile knots between the k-th
 * smallest and k-th largest value (so no singleton extreme is stored), and per row a quantile bin drawn by
 * randomised probability integral transform (ties spread over the bins their atom spans).
 */
export function fitNumeric(
  numbers: readonly (number | null)[],
  kind: NumericKind,
  decimals: number,
  minRows: number,
  random: SeededRandom,
  anchor: string | null = null,
): FittedColumn {
  const present: number[] = [];
  for (const n of numbers) if (n !== null) present.push(n);
  present.sort((a, b) => a - b);
  const knots = quantileKnots(present, minRows);
  let resolution = Infinity;
  for (const n of present) {
    resolution = Math.min(resolution, resolutionOf(kind, n));
    if (resolution === 1 || resolution === 0.001) break;
  }
  if (!Number.isFinite(resolution)) resolution = 1;
  const counts = new Array<number>(NUMERIC_BINS + 1).fill(0);
  const codes = new Uint16Array(numbers.length);
  numbers.forEach((n, i) => {
    const code = n === null ? NUMERIC_BINS : binOf(quantileOf(knots, n, random));
    codes[i] = code;
    counts[code] = (counts[code] ?? 0) + 1;
  });
  const stats: NumericStats = { type: 'numeric', kind, decimals, resolution, knots, counts, anchor };
  return { stats, codes };
}

export function quantileKnots(sorted: readonly number[], minRows: number): number[] {
  const n = sorted.length;
  if (n === 0) return [];
  const clip = Math.min(Math.max(0, minRows - 1), Math.floor((n - 1) / 2));
  const lo = clip;
  const hi = n - 1 - clip;
  const steps = Math.min(KNOTS, hi - lo);
  if (steps === 0) return [sorted[lo] as number];
  const knots: number[] = [];
  for (let i = 0; i <= steps; i++) knots.push(sorted[lo + Math.round((i * (hi - lo)) / steps)] as number);
  return knots;
}

/** Where a value sits in the knots' distribution, in [0, 1); a value equal to several knots gets a random spot among them. */
export function quantileOf(knots: readonly number[], value: number, random: SeededRandom): number {
  const steps = knots.length - 1;
  if (steps <= 0) return random.next();
  let low = 0;
  let high = knots.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((knots[mid] as number) < value) low = mid + 1;
    else high = mid;
  }
  const first = low; // first knot >= value
  let last = first;
  while (last + 1 < knots.length && knots[last + 1] === value) last++;
  let position: number;
  if (first < knots.length && knots[first] === value) {
    position = first === last ? first : first + random.next() * (last - first);
  } else if (first === 0) position = 0;
  else if (first >= knots.length) position = steps;
  else {
    const a = knots[first - 1] as number;
    const b = knots[first] as number;
    position = first - 1 + (value - a) / (b - a);
  }
  return Math.min(position / steps, 1 - 1e-12);
}

function binOf(quantile: number): number {
  return Math.min(NUMERIC_BINS - 1, Math.floor(quantile * NUMERIC_BINS));
}

/** Inverse of the knots' distribution: linear between knots, so atoms (repeated knots) come back exactly. */
export function valueAtQuantile(knots: readonly number[], quantile: number): number {
  const steps = knots.length - 1;
  if (steps <= 0) return knots[0] ?? 0;
  const t = quantile * steps;
  const i = Math.min(steps - 1, Math.floor(t));
  const a = knots[i] as number;
  const b = knots[i + 1] as number;
  return a + (t - i) * (b - a);
}

/** What the drawing of one value needs besides the statistics. */
export interface DrawContext {
  readonly random: SeededRandom;
  /** The anchor column's drawn number in this row (for `anchor + offset` columns). */
  readonly anchorValue: number | null;
  /** A fake for a rare code of a text column (seeded per row, never a real value). */
  readonly fakeString: (length: number, maxLength: number | null) => string;
  readonly fakeUuid: () => string;
}

export interface DrawnValue {
  readonly text: string | null;
  /** The number behind a numeric value (the anchor of later columns), else null. */
  readonly number: number | null;
}

const NULL_VALUE: DrawnValue = { text: null, number: null };

export function drawValue(stats: ColumnStats, code: number, context: DrawContext): DrawnValue {
  if (stats.type === 'numeric') {
    if (code >= NUMERIC_BINS || stats.knots.length === 0) return NULL_VALUE;
    const quantile = (code + context.random.next()) / NUMERIC_BINS;
    let value = roundTo(stats, valueAtQuantile(stats.knots, quantile));
    if (stats.anchor !== null) {
      if (context.anchorValue === null) return NULL_VALUE;
      value = context.anchorValue + value;
    }
    return { text: formatNumeric(stats.kind, value, stats.decimals, stats.resolution), number: value };
  }
  const kept = stats.categories.length;
  if (code < kept) return { text: stats.categories[code] as string, number: null };
  if (code === kept + 1) return NULL_VALUE;
  const fill = stats.rare;
  switch (fill.fill) {
    case 'enum':
      return { text: fill.labels[context.random.below(fill.labels.length)] as string, number: null };
    case 'uuid':
      return { text: context.fakeUuid(), number: null };
    case 'fake_string':
      return { text: context.fakeString(fill.length, fill.maxLength), number: null };
    case 'words':
      return { text: drawWords(fill, context.random), number: null };
    case 'literal':
      return { text: fill.value, number: null };
    case 'kept': {
      const total = stats.counts.slice(0, kept).reduce((a, b) => a + b, 0);
      let target = context.random.next() * total;
      for (let i = 0; i < kept; i++) {
        target -= stats.counts[i] as number;
        if (target < 0) return { text: stats.categories[i] as string, number: null };
      }
      return { text: stats.categories[kept - 1] ?? '', number: null };
    }
  }
}

export function roundTo(stats: NumericStats, value: number): number {
  switch (stats.kind) {
    case 'integer':
    case 'date':
      return Math.round(value);
    case 'decimal': {
      const factor = 10 ** stats.decimals;
      return Math.round(value * factor) / factor;
    }
    default:
      return Math.round(value / stats.resolution) * stats.resolution;
  }
}

/** Parses a column's sampled text; null when a value does not parse (the column is then categorical). */
export function parseColumn(
  kind: NumericKind,
  values: readonly (string | null)[],
): { numbers: (number | null)[]; decimals: number } | null {
  const numbers: (number | null)[] = [];
  let decimals = 0;
  for (const value of values) {
    if (value === null) {
      numbers.push(null);
      continue;
    }
    const parsed = parseNumeric(kind, value);
    if (parsed === null) return null;
    if (kind === 'decimal') decimals = Math.max(decimals, Math.min(8, decimalsOf(value)));
    numbers.push(parsed);
  }
  return { numbers, decimals };
}
