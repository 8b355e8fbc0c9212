import { GatewayError } from '../core/index.js';
import type { SeededRandom } from './seeded-random.js';
import type {
  ColumnModel,
  ColumnStats,
  ForeignKeyModel,
  JsonNodeModel,
  JsonShape,
  PrivacyHeader,
  SynthesisModel,
  TableModel,
} from './synthesis-model.js';

/**
 * One row added, removed or replaced changes a count table's L1 norm by at most 2 (replace: one count
 * down, one up). Counts of JSON paths inside arrays are multiplied by the elements a document may add there.
 */
const SENSITIVITY = 2;
/** Elements learnt per JSON array (`MAX_ITEMS` in json-shape): a document adds at most this many per `[*]`. */
const JSON_ITEMS = 10;

export interface PrivacyOptions {
  /** The whole model's budget ε (> 0). */
  readonly epsilon: number;
  /** Noise source: never seeded from anything public (the pipeline passes fresh random bytes). */
  readonly random: SeededRandom;
}

/** Laplace(0, scale) noise. */
export function laplaceNoise(scale: number, random: SeededRandom): number {
  const u = random.next() - 0.5;
  return -scale * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
}

/**
 * Differential privacy for a fitted model's counts (`--epsilon`): every count table the model releases
 * — per modelled column its marginal and conditional tables, per foreign key its child-count histograms
 * and forest, per personal column and JSON path its null and type counts, key presence, array lengths
 * and string frequencies, per table its row count — gets Laplace noise of scale Δ·fan-out / (ε / Q),
 * the budget ε split evenly over the Q tables (sequential composition). Noisy counts are clamped at 0;
 * counts that are 0 stay 0 (which codes, types and keys occur is structure, decided on exact data).
 * Rare-category suppression (k) stays as fitted; the word models of rare text are replaced by made-up
 * strings (their counts are per word, not per row). Reference tables copied as they are (`synth: copy`,
 * non-personal by the policy) are left as they are. Not covered by ε (see README): which categories and
 * cells pass k, which counts are zero, quantile knots of numbers and dates, which columns condition which.
 */
export function privatizeModel(model: SynthesisModel, options: PrivacyOptions): SynthesisModel {
  const { epsilon, random } = options;
  if (!(epsilon > 0) || !Number.isFinite(epsilon))
    throw new GatewayError('usage', '--epsilon must be a positive number');
  // Copied reference tables (`synth: copy`) hold their rows as they are: no count of theirs is noised.
  const countTables = model.tables.reduce((sum, t) => sum + (t.copy === undefined ? tableCount(t) : 0), 0);
  const epsilonPerTable = epsilon / Math.max(1, countTables);
  const scale = (fanOut = 1): number => (SENSITIVITY * fanOut) / epsilonPerTable;
  // Which counts are zero is structure (like which categories pass k): those stay 0, the others get noise.
  const noisy = (n: number, fanOut = 1): number =>
    n === 0 ? 0 : Math.max(0, n + laplaceNoise(scale(fanOut), random));
  const noisyCounts = (counts: readonly number[], fanOut = 1): number[] =>
    counts.map((n) => noisy(n, fanOut));
  /** Sparse `[key, count, …]`: counts noised, keys kept. */
  const noisySparse = (pairs: readonly number[], fanOut = 1): number[] =>
    pairs.map((v, i) => (i % 2 === 1 ? noisy(v, fanOut) : v));
  const noisyRecord = (record: Readonly<Record<string, readonly number[]>>): Record<string, number[]> =>
    Object.fromEntries(Object.entries(record).map(([key, pairs]) => [key, noisySparse(pairs)]));
  /** A share of `rows` as a noisy count over the noisy total. */
  const noisyShare = (share: number, rows: number): number => {
    const total = Math.max(1, rows);
    return Math.min(1, noisy(share * total) / total);
  };

  // NOT NULL is the schema's (public): a column that cannot hold NULL keeps a NULL count of 0.
  const stats = (s: ColumnStats, nullable: boolean): ColumnStats => {
    const noised = noisyCounts(s.counts);
    if (!nullable) noised[noised.length - 1] = 0;
    if (s.type === 'numeric') return { ...s, counts: noised };
    const rare =
      s.rare.fill === 'words'
        ? { fill: 'fake_string' as const, length: meanWordsLength(s.rare), maxLength: s.rare.maxLength }
        : s.rare;
    return { ...s, counts: noised, rare };
  };
  const node = (n: JsonNodeModel, fanOut: number): JsonNodeModel => {
    const inner = fanOut; // elements of arrays above: `items` multiplies it
    return {
      ...n,
      types: noisyCounts(n.types, inner),
      keys: n.keys.map((k) => ({ ...k, present: noisy(k.present, inner), node: node(k.node, inner) })),
      lengths: noisySparse(n.lengths, inner),
      items: n.items === null ? null : node(n.items, inner * JSON_ITEMS),
      strings: n.strings === null ? null : { ...n.strings, counts: noisyCounts(n.strings.counts, inner) },
    };
  };
  const shape = (s: JsonShape, rows: number): JsonShape => ({
    ...s,
    nullShare: noisyShare(s.nullShare, rows),
    root: node(s.root, 1),
  });
  const column = (c: ColumnModel, rows: number, nullable: boolean): ColumnModel => {
    const share = (value: number): number => (nullable ? noisyShare(value, rows) : 0);
    switch (c.role) {
      case 'modelled':
        return {
          ...c,
          stats: stats(c.stats, nullable),
          conditional: {
            parents: c.conditional.parents,
            byFirst: noisyRecord(c.conditional.byFirst),
            byBoth: noisyRecord(c.conditional.byBoth),
          },
        };
      case 'personal':
        return { ...c, nullShare: share(c.nullShare), emptyShare: noisyShare(c.emptyShare, rows) };
      case 'json_document':
        return { ...c, shape: { ...shape(c.shape, rows), nullShare: share(c.shape.nullShare) } };
      default:
        return c;
    }
  };
  const foreignKey = (fk: ForeignKeyModel, rows: number, nullable: boolean): ForeignKeyModel => ({
    ...fk,
    nullShare: nullable ? noisyShare(fk.nullShare, rows) : 0,
    childCounts: {
      condition: fk.childCounts.condition,
      marginal: noisySparse(fk.childCounts.marginal),
      byCode: noisyRecord(fk.childCounts.byCode),
    },
    ...(fk.keyCounts === undefined
      ? {}
      : { keyCounts: fk.keyCounts.map((n) => (n < 0 ? n : Math.round(noisy(n)))) }),
    ...(fk.hierarchy === undefined
      ? {}
      : {
          hierarchy: {
            depths: noisySparse(fk.hierarchy.depths),
            childrenByDepth: noisyRecord(fk.hierarchy.childrenByDepth),
          },
        }),
  });
  const tables = model.tables.map((t): TableModel => {
    if (t.copy !== undefined) return t;
    const rows = t.rows === 0 ? 0 : Math.max(1, Math.round(noisy(t.rows)));
    return {
      ...t,
      rows,
      sampledRows: Math.min(rows, t.sampledRows),
      columns: t.columns.map((c) => column(c, t.sampledRows, nullable(t, c))),
      foreignKeys: t.foreignKeys.map((fk) =>
        foreignKey(
          fk,
          t.sampledRows,
          fk.columns.every((name) => t.nullableColumns?.includes(name) ?? fk.nullShare > 0),
        ),
      ),
    };
  });
  const privacy: PrivacyHeader = {
    mechanism: 'laplace',
    epsilon,
    countTables,
    epsilonPerTable,
    sensitivity: SENSITIVITY,
  };
  return { ...model, privacy, tables };
}

/** Whether a column may hold NULL (older model files without `nullableColumns`: whether the sample had one). */
function nullable(t: TableModel, c: ColumnModel): boolean {
  if (t.nullableColumns !== undefined) return t.nullableColumns.includes(c.name);
  switch (c.role) {
    case 'modelled':
      return (c.stats.counts[c.stats.counts.length - 1] ?? 0) > 0;
    case 'personal':
      return c.nullShare > 0;
    case 'json_document':
      return c.shape.nullShare > 0;
    default:
      return false;
  }
}

/** Count tables one table's model releases (each gets ε / Q). */
function tableCount(t: TableModel): number {
  let n = 1; // the row count
  for (const c of t.columns) {
    if (c.role === 'modelled') {
      n += 1;
      if (Object.keys(c.conditional.byFirst).length > 0) n++;
      if (Object.keys(c.conditional.byBoth).length > 0) n++;
    } else if (c.role === 'personal') n += 2;
    else if (c.role === 'json_document') n += 1 + jsonCount(c.shape.root);
  }
  for (const fk of t.foreignKeys) {
    n += 2; // null share, child-count marginal
    if (Object.keys(fk.childCounts.byCode).length > 0) n++;
    if (fk.hierarchy !== undefined) n += 2;
    if (fk.keyCounts !== undefined) n++;
  }
  return n;
}

function jsonCount(node: JsonNodeModel): number {
  let n = 1; // types
  if (node.lengths.length > 0) n++;
  if (node.strings !== null) n++;
  for (const k of node.keys) n += 1 + jsonCount(k.node);
  if (node.items !== null) n += jsonCount(node.items);
  return n;
}

function meanWordsLength(fill: { readonly lengths: readonly number[] }): number {
  let rows = 0;
  let words = 0;
  for (let i = 0; i + 1 < fill.lengths.length; i += 2) {
    words += (fill.lengths[i] as number) * (fill.lengths[i + 1] as number);
    rows += fill.lengths[i + 1] as number;
  }
  return Math.max(1, Math.round((rows === 0 ? 2 : words / rows) * 6));
}
