import { seededRandom } from '../seeded-random.js';
import type { BookkeepingReason } from './bookkeeping-columns.js';
import {
  contingencySimilarity,
  correlationSimilarity,
  cramersV,
  equalWidthBins,
  ksComplement,
  pearson,
  textShape,
  tvComplement,
} from './column-metrics.js';
import { closerToTrainingShare, closestDistances, columnRanges, type DcrValue } from './dcr.js';

/** One compared column: numbers for numeric and datetime columns, text for the others. */
export type ReportColumn =
  | {
      readonly name: string;
      readonly type: 'numeric';
      readonly real: readonly (number | null)[];
      readonly synthetic: readonly (number | null)[];
      readonly holdout?: readonly (number | null)[];
      /** Set on bookkeeping dates/times (see `bookkeepingReason`): left out of Intertable Trends by default. */
      readonly bookkeeping?: BookkeepingReason;
    }
  | {
      readonly name: string;
      /** Categorical: TV complement; text (values nearly all distinct): text shape, no pair trends. */
      readonly type: 'categorical' | 'text';
      readonly real: readonly (string | null)[];
      readonly synthetic: readonly (string | null)[];
      readonly holdout?: readonly (string | null)[];
      readonly bookkeeping?: BookkeepingReason;
    };

export interface ReportTableInput {
  readonly table: string;
  readonly columns: readonly ReportColumn[];
  /**
   * Per row, the text the exact-match rate compares (every non-key column, scored or not, so a row of
   * fakes is not a match). Absent: the scored columns are compared.
   */
  readonly rowKeys?: { readonly real: readonly string[]; readonly synthetic: readonly string[] };
}

/** Children per parent row (parents without children count 0), real and synthetic. */
export interface ReportRelationInput {
  readonly name: string;
  readonly child: string;
  readonly parent: string;
  readonly realCounts: readonly number[];
  readonly syntheticCounts: readonly number[];
}

/**
 * One foreign key's join, per side: child row `childRows[k]` joins parent row `parentRows[k]`, indexes
 * into the row-aligned values of `parentColumns` / `childColumns` (the tables' own compared columns, not
 * copies). Intertable Trends score every parent column × child column pair over these joined rows.
 */
export interface ReportIntertableInput {
  readonly name: string;
  readonly child: string;
  readonly parent: string;
  readonly parentColumns: readonly ReportColumn[];
  readonly childColumns: readonly ReportColumn[];
  readonly real: JoinedRows;
  readonly synthetic: JoinedRows;
}

export interface JoinedRows {
  readonly childRows: ArrayLike<number>;
  readonly parentRows: ArrayLike<number>;
}

/** One pair's trend: the same metrics within a table (Column Pair Trends) and across a foreign key (Intertable Trends). */
export interface PairTrend {
  readonly columns: readonly [string, string];
  readonly metric: 'correlation_similarity' | 'contingency_similarity';
  readonly score: number | null;
  /** |Pearson r| or Cramér's V of the real data. */
  readonly realAssociation: number | null;
  readonly meetsThreshold: boolean;
}

export interface IntertableReport {
  readonly name: string;
  readonly child: string;
  readonly parent: string;
  /** Joined rows compared (child rows of the sample whose parent row is in the sample). */
  readonly realRows: number;
  readonly syntheticRows: number;
  /** Mean over the pairs with a real trend (null when none has one). */
  readonly score: number | null;
  readonly scoreAllPairs: number | null;
  /** `columns` is [parent column, child column]. */
  readonly pairs: readonly PairTrend[];
  /** Bookkeeping columns left out of the pairs (empty when they are included). */
  readonly excludedColumns: readonly ExcludedColumn[];
}

export interface ExcludedColumn {
  readonly table: string;
  readonly column: string;
  readonly reason: BookkeepingReason;
}

export interface ReportOptions {
  /** Score bookkeeping columns in Intertable Trends too (default: left out, and listed). */
  readonly includeBookkeeping?: boolean;
  /** Reference tables copied as they are (`synth: copy`): listed, never scored. */
  readonly copiedTables?: readonly CopiedTableReport[];
}

/**
 * A reference table the policy has synthesis copy as it is (`synth: copy`): not synthesized, so not scored
 * (a perfect score would flatter the synthesis); listed with whether the two samples hold the same rows.
 */
export interface CopiedTableReport {
  readonly table: string;
  readonly realRows: number;
  readonly syntheticRows: number;
  /** The same rows on both sides (as multisets); null when a side was read only in part (`--sample-rows`). */
  readonly identical: boolean | null;
}

export const CORRELATION_THRESHOLD = 0.5;
export const ASSOCIATION_THRESHOLD = 0.3;
/** Rows compared by the distance-to-closest-record figures (brute force, so bounded). */
const DCR_SYNTHETIC_ROWS = 1000;
const DCR_REFERENCE_ROWS = 2000;

export interface QualityReport {
  readonly formatVersion: 1;
  /**
   * Mean of the properties: column shapes, column pair trends and intertable trends (pairs with a real
   * trend), and cardinality; a property without a score (no pair with a real trend, no relation) is left out.
   */
  readonly overall: number | null;
  /** The same with pair trends and intertable trends over all pairs (SDMetrics before 0.27). */
  readonly overallAllPairs: number | null;
  readonly columnShapes: number | null;
  readonly columnPairTrends: number | null;
  readonly columnPairTrendsAllPairs: number | null;
  readonly cardinality: number | null;
  /** Parent column × child column pair trends over each foreign key's join, pooled over pairs with a real trend. */
  readonly intertableTrends: number | null;
  readonly intertableTrendsAllPairs: number | null;
  readonly tables: readonly TableReport[];
  /** Reference tables copied as they are (`synth: copy`): not in the scores above. */
  readonly copiedTables: readonly CopiedTableReport[];
  readonly relations: readonly { name: string; child: string; parent: string; score: number | null }[];
  readonly intertable: readonly IntertableReport[];
  /**
   * Bookkeeping columns (timestamps named like `last_update`, or all values in one load window) and
   * whether they were scored in Intertable Trends; `excluded` lists every one left out, with its reason.
   */
  readonly bookkeeping: { readonly included: boolean; readonly excluded: readonly ExcludedColumn[] };
  readonly privacy: PrivacyReport;
}

export interface TableReport {
  readonly table: string;
  readonly realRows: number;
  readonly syntheticRows: number;
  readonly columns: readonly {
    readonly column: string;
    readonly metric: 'ks_complement' | 'tv_complement' | 'text_shape';
    readonly score: number | null;
    /** Shares per bin (numeric: 10 equal-width bins over the real range) or per category rank (top 10 real categories, then the rest): shapes, no values. */
    readonly histogram: { readonly real: readonly number[]; readonly synthetic: readonly number[] };
  }[];
  readonly pairs: readonly PairTrend[];
  /** Share of this table's synthetic rows equal to a real row on the compared columns; null when not compared. */
  readonly exactMatchRate: number | null;
}

export interface PrivacyReport {
  /** Share of synthetic rows equal to some real row on every compared column (see `rowKeys`). */
  readonly exactMatchRate: number | null;
  /** Closer-to-training share (0.5 ideal); null without a holdout. */
  readonly closerToTrainingShare: number | null;
  readonly medianDcrToTraining: number | null;
  readonly medianDcrToHoldout: number | null;
  readonly syntheticRowsCompared: number;
}

const mean = (values: readonly (number | null)[]): number | null => {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return present.length === 0 ? null : present.reduce((a, b) => a + b, 0) / present.length;
};

const median = (values: readonly number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

function discrete(column: ReportColumn, side: 'real' | 'synthetic'): (string | null)[] {
  return column.type === 'numeric' ? equalWidthBins(column[side]) : [...column[side]];
}

/**
 * Scores a synthetic dataset against the real one (and a held-out real share for the privacy figure).
 * Property scores are means over all columns / pairs pooled across tables, as SDMetrics' multi-table
 * report computes them; undefined scores are skipped.
 */
export function buildQualityReport(
  tables: readonly ReportTableInput[],
  relations: readonly ReportRelationInput[],
  intertable: readonly ReportIntertableInput[] = [],
  seed = 'report',
  options: ReportOptions = {},
): QualityReport {
  const includeBookkeeping = options.includeBookkeeping === true;
  const tableReports: TableReport[] = tables.map((t) => {
    const columns = t.columns.map((c) => ({
      column: c.name,
      metric:
        c.type === 'numeric'
          ? ('ks_complement' as const)
          : c.type === 'text'
            ? ('text_shape' as const)
            : ('tv_complement' as const),
      score:
        c.type === 'numeric'
          ? ksComplement(present(c.real), present(c.synthetic))
          : c.type === 'text'
            ? textShape(c.real, c.synthetic)
            : tvComplement(c.real, c.synthetic),
      histogram: histogram(c),
    }));
    const pairs: PairTrend[] = [];
    // Text columns have no pair trends (every value distinct: no contingency to compare).
    const paired = t.columns.filter((c) => c.type !== 'text');
    for (let i = 0; i < paired.length; i++) {
      for (let j = i + 1; j < paired.length; j++)
        pairs.push(pairTrend(paired[i] as ReportColumn, paired[j] as ReportColumn));
    }
    return {
      table: t.table,
      exactMatchRate: exactMatches(t),
      realRows: t.columns[0]?.real.length ?? 0,
      syntheticRows: t.columns[0]?.synthetic.length ?? 0,
      columns,
      pairs,
    };
  });
  const relationScores = relations.map((r) => ({
    name: r.name,
    child: r.child,
    parent: r.parent,
    score: ksComplement(r.realCounts, r.syntheticCounts),
  }));
  const columnShapes = mean(tableReports.flatMap((t) => t.columns.map((c) => c.score)));
  const allPairs = tableReports.flatMap((t) => t.pairs);
  const columnPairTrendsAllPairs = mean(allPairs.map((p) => p.score));
  const columnPairTrends = mean(allPairs.filter((p) => p.meetsThreshold).map((p) => p.score));
  const cardinality = mean(relationScores.map((r) => r.score));
  const intertableReports = intertable.map((input) => intertableTrends(input, { includeBookkeeping }));
  const excluded = new Map<string, ExcludedColumn>();
  for (const c of intertableReports.flatMap((r) => r.excludedColumns))
    excluded.set(`${c.table}\u0000${c.column}`, c);
  const crossPairs = intertableReports.flatMap((r) => r.pairs);
  const intertableTrendsAllPairs = mean(crossPairs.map((p) => p.score));
  const intertableTrendsScore = mean(crossPairs.filter((p) => p.meetsThreshold).map((p) => p.score));
  return {
    formatVersion: 1,
    overall: mean([columnShapes, columnPairTrends, cardinality, intertableTrendsScore]),
    overallAllPairs: mean([columnShapes, columnPairTrendsAllPairs, cardinality, intertableTrendsAllPairs]),
    columnShapes,
    columnPairTrends,
    columnPairTrendsAllPairs,
    cardinality,
    intertableTrends: intertableTrendsScore,
    intertableTrendsAllPairs,
    tables: tableReports,
    copiedTables: options.copiedTables ?? [],
    relations: relationScores,
    intertable: intertableReports,
    bookkeeping: {
      included: includeBookkeeping,
      excluded: [...excluded.values()].sort((a, b) =>
        a.table === b.table ? a.column.localeCompare(b.column) : a.table.localeCompare(b.table),
      ),
    },
    privacy: privacyReport(tables, seed),
  };
}

/** Correlation similarity for two numeric columns, else contingency similarity (numerics binned). */
export function pairTrend(
  a: ReportColumn,
  b: ReportColumn,
  names: readonly [string, string] = [a.name, b.name],
): PairTrend {
  if (a.type === 'numeric' && b.type === 'numeric') {
    const r = pearson(a.real, b.real);
    return {
      columns: names,
      metric: 'correlation_similarity',
      score: correlationSimilarity(r, pearson(a.synthetic, b.synthetic)),
      realAssociation: r === null ? null : Math.abs(r),
      meetsThreshold: r !== null && Math.abs(r) > CORRELATION_THRESHOLD,
    };
  }
  const ra = discrete(a, 'real');
  const rb = discrete(b, 'real');
  const v = cramersV(ra, rb);
  return {
    columns: names,
    metric: 'contingency_similarity',
    score: contingencySimilarity(ra, rb, discrete(a, 'synthetic'), discrete(b, 'synthetic')),
    realAssociation: v,
    meetsThreshold: v !== null && v > ASSOCIATION_THRESHOLD,
  };
}

/**
 * Intertable Trends of one foreign key (SDMetrics' InterTableTrends): every parent column × child column
 * pair scored as a column pair over the joined rows. Text columns are left out, as within a table, and
 * so are bookkeeping columns unless `includeBookkeeping` (they are listed in `excludedColumns`). Each
 * column is gathered once over the join, so memory is the join size times one relation's columns.
 */
export function intertableTrends(
  input: ReportIntertableInput,
  options: ReportOptions = {},
): IntertableReport {
  const excludedColumns: ExcludedColumn[] = [];
  const scored = (columns: readonly ReportColumn[], table: string): ReportColumn[] =>
    columns.filter((c) => {
      if (c.type === 'text') return false;
      if (c.bookkeeping === undefined || options.includeBookkeeping === true) return true;
      excludedColumns.push({ table, column: c.name, reason: c.bookkeeping });
      return false;
    });
  const gather = <T>(values: readonly T[] | undefined, rows: ArrayLike<number>): T[] => {
    const out = new Array<T>(rows.length);
    for (let k = 0; k < rows.length; k++) out[k] = values?.[rows[k] as number] as T;
    return out;
  };
  const joined = (column: ReportColumn, side: 'parentRows' | 'childRows'): ReportColumn =>
    column.type === 'numeric'
      ? {
          name: column.name,
          type: 'numeric',
          real: gather(column.real, input.real[side]),
          synthetic: gather(column.synthetic, input.synthetic[side]),
        }
      : {
          name: column.name,
          type: column.type,
          real: gather(column.real, input.real[side]),
          synthetic: gather(column.synthetic, input.synthetic[side]),
        };
  const parents = scored(input.parentColumns, input.parent).map((c) => joined(c, 'parentRows'));
  const children = scored(input.childColumns, input.child).map((c) => joined(c, 'childRows'));
  const pairs: PairTrend[] = [];
  if (input.real.childRows.length > 0 && input.synthetic.childRows.length > 0) {
    for (const p of parents) for (const c of children) pairs.push(pairTrend(p, c));
  }
  return {
    name: input.name,
    child: input.child,
    parent: input.parent,
    realRows: input.real.childRows.length,
    syntheticRows: input.synthetic.childRows.length,
    score: mean(pairs.filter((p) => p.meetsThreshold).map((p) => p.score)),
    scoreAllPairs: mean(pairs.map((p) => p.score)),
    pairs,
    excludedColumns,
  };
}

function present(values: readonly (number | null)[]): number[] {
  return values.filter((v): v is number => v !== null);
}

function histogram(column: ReportColumn): TableReport['columns'][number]['histogram'] {
  if (column.type === 'numeric' || column.type === 'text') {
    const lengths = (values: readonly (string | number | null)[]): number[] =>
      values.flatMap((v) => (v === null ? [] : [typeof v === 'string' ? v.length : v]));
    const real = lengths(column.real);
    const min = real.reduce((m, v) => Math.min(m, v), Infinity);
    const max = real.reduce((m, v) => Math.max(m, v), -Infinity);
    const shares = (values: readonly number[]): number[] => {
      const bins = new Array<number>(10).fill(0);
      for (const v of values) {
        const b = max > min ? Math.min(9, Math.max(0, Math.floor(((v - min) / (max - min)) * 10))) : 0;
        bins[b] = (bins[b] ?? 0) + 1;
      }
      return bins.map((n) => (values.length === 0 ? 0 : n / values.length));
    };
    return { real: shares(real), synthetic: shares(lengths(column.synthetic)) };
  }
  const realFreq = [...frequenciesOf(column.real)].sort((a, b) => b[1] - a[1]);
  const top = realFreq.slice(0, 10).map(([k]) => k);
  const shares = (values: readonly (string | null)[]): number[] => {
    const f = frequenciesOf(values);
    const out = top.map((k) => f.get(k) ?? 0);
    out.push(Math.max(0, 1 - out.reduce((a, b) => a + b, 0)));
    return out;
  };
  return { real: shares(column.real), synthetic: shares(column.synthetic) };
}

function frequenciesOf(values: readonly (string | null)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) {
    const key = v ?? '\u0000null';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const [k, c] of counts) counts.set(k, c / Math.max(1, values.length));
  return counts;
}

function rowsOf(columns: readonly ReportColumn[], side: 'real' | 'synthetic' | 'holdout'): DcrValue[][] {
  const n = columns[0]?.[side]?.length ?? 0;
  const rows: DcrValue[][] = [];
  for (let i = 0; i < n; i++) rows.push(columns.map((c) => c[side]?.[i] ?? null));
  return rows;
}

function subsample<T>(rows: readonly T[], size: number, label: string): T[] {
  if (rows.length <= size) return [...rows];
  const random = seededRandom(label);
  const copy = [...rows];
  for (let i = 0; i < size; i++) {
    const j = i + random.below(copy.length - i);
    const t = copy[i] as T;
    copy[i] = copy[j] as T;
    copy[j] = t;
  }
  return copy.slice(0, size);
}

/** Synthetic rows of one table equal to a real row on the compared columns, as a share (null: not compared). */
function exactMatches(t: ReportTableInput): number | null {
  if (t.rowKeys !== undefined) {
    const keys = new Set(t.rowKeys.real);
    const matches = t.rowKeys.synthetic.filter((key) => keys.has(key)).length;
    return t.rowKeys.synthetic.length === 0 ? null : matches / t.rowKeys.synthetic.length;
  }
  if (t.columns.length < 2) return null;
  const keys = new Set(rowsOf(t.columns, 'real').map((r) => JSON.stringify(r)));
  const synthetic = rowsOf(t.columns, 'synthetic');
  const matches = synthetic.filter((row) => keys.has(JSON.stringify(row))).length;
  return synthetic.length === 0 ? null : matches / synthetic.length;
}

function privacyReport(tables: readonly ReportTableInput[], seed: string): PrivacyReport {
  let matches = 0;
  let compared = 0;
  const toTraining: number[] = [];
  const toHoldout: number[] = [];
  let hasHoldout = false;
  for (const t of tables) {
    const real = rowsOf(t.columns, 'real');
    const synthetic = rowsOf(t.columns, 'synthetic');
    if (t.rowKeys !== undefined) {
      const keys = new Set(t.rowKeys.real);
      for (const key of t.rowKeys.synthetic) if (keys.has(key)) matches++;
      compared += t.rowKeys.synthetic.length;
    } else if (t.columns.length >= 2) {
      const keys = new Set(real.map((r) => JSON.stringify(r)));
      for (const row of synthetic) if (keys.has(JSON.stringify(row))) matches++;
      compared += synthetic.length;
    }
    if (t.columns.length < 2) continue;
    const holdout = t.columns.every((c) => c.holdout !== undefined) ? rowsOf(t.columns, 'holdout') : [];
    const dcrColumns = t.columns.map((c) => ({ numeric: c.type === 'numeric' }));
    const size = Math.min(DCR_REFERENCE_ROWS, real.length, holdout.length > 0 ? holdout.length : real.length);
    const training = subsample(real, size, `${seed}\u0000train\u0000${t.table}`);
    const synth = subsample(synthetic, DCR_SYNTHETIC_ROWS, `${seed}\u0000syn\u0000${t.table}`);
    if (training.length === 0 || synth.length === 0) continue;
    const ranges = columnRanges(dcrColumns, training);
    toTraining.push(...closestDistances(dcrColumns, synth, training, ranges));
    if (holdout.length > 0) {
      hasHoldout = true;
      const held = subsample(holdout, size, `${seed}\u0000hold\u0000${t.table}`);
      toHoldout.push(...closestDistances(dcrColumns, synth, held, ranges));
    }
  }
  return {
    exactMatchRate: compared === 0 ? null : matches / compared,
    closerToTrainingShare:
      hasHoldout && toHoldout.length === toTraining.length
        ? closerToTrainingShare(toTraining, toHoldout)
        : null,
    medianDcrToTraining: median(toTraining),
    medianDcrToHoldout: hasHoldout ? median(toHoldout) : null,
    syntheticRowsCompared: toTraining.length,
  };
}
