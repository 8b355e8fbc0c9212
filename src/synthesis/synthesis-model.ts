import type { EntityKind, TableRef } from '../core/index.js';
import type { CheckModel } from './check-constraint.js';
import type { NumericKind } from './value-codec.js';

/**
 * The synthesis model: a file format (`synth fit --out model.json`). It holds statistics only — quantile
 * knots of non-personal numeric and date columns (tails clipped at the k-th value), frequencies of
 * categories seen in at least k rows, conditional count tables over cells of at least k rows, child-count
 * histograms — and the schema's DDL text. Never rows, never values of personal columns, never rare
 * categories.
 */
export const MODEL_FORMAT_VERSION = 1;

export const MODEL_NOTICE =
  'lookalike synthesis model: statistics only. It holds quantile knots of non-personal numeric and date ' +
  'columns (tails clipped at the k-th value), frequencies of categories seen in at least k rows, ' +
  'conditional count tables over cells of at least k rows and child-count histograms; no rows, no ' +
  'values of personal columns (they are generated as fakes), no categories rarer than k rows.';

/**
 * The notice of a model that holds reference tables the policy marks `synth: copy`: the statistics as
 * above, and the rows of those tables as they are (every column of them is kept by the policy, so none is
 * personal). `copiedTables` names them.
 */
export const MODEL_NOTICE_WITH_COPIES =
  'lookalike synthesis model: statistics, and the rows of the reference tables listed in copiedTables. ' +
  'It holds quantile knots of non-personal numeric and date columns (tails clipped at the k-th value), ' +
  'frequencies of categories seen in at least k rows, conditional count tables over cells of at least k ' +
  'rows and child-count histograms; no values of personal columns (they are generated as fakes). The ' +
  'tables in copiedTables are non-personal reference data (every column kept by the policy, synth: copy): ' +
  'their rows are held as they are, rare values included, and written to the target unchanged.';

/** Rows a reference table may have to be copied into the model (`synth: copy`): reference data is small. */
export const MAX_COPIED_ROWS = 100_000;

/** Categories of a parent column are folded to this many (plus other and null) when conditioning. */
export const PARENT_CATEGORIES = 15;
/** Numeric and date columns are cut into this many quantile bins for conditioning. */
export const NUMERIC_BINS = 10;

export interface SynthesisModel {
  readonly formatVersion: typeof MODEL_FORMAT_VERSION;
  readonly notice: string;
  readonly schemaFingerprint: string;
  /** Categories (and conditional cells) with fewer rows than this are never stored. */
  readonly rareCategoryMin: number;
  /** The source's schema as DDL (names and definitions, no data): lets `synth sample` build the target. */
  readonly ddl: { readonly preData: string; readonly postData: string } | null;
  /**
   * Reference tables copied as they are (the policy's `synth: copy`), qualified names; absent when none.
   * Their rows are in their table's `copy`; the notice is then `MODEL_NOTICE_WITH_COPIES`.
   */
  readonly copiedTables?: readonly string[];
  /**
   * Set when the counts were noised for differential privacy (`--epsilon`): see `privatizeModel`. Absent:
   * exact counts (k-suppressed).
   */
  readonly privacy?: PrivacyHeader;
  /** In generation order: referenced tables first (cycles broken, see `deferred` on foreign keys). */
  readonly tables: readonly TableModel[];
  /** Sequences behind serial columns: set past the generated keys after the load. */
  readonly sequences: readonly SequenceModel[];
}

export interface PrivacyHeader {
  readonly mechanism: 'laplace';
  /** The whole model's budget. */
  readonly epsilon: number;
  /** Count tables (histograms) the budget is split over, evenly. */
  readonly countTables: number;
  /** ε of one count table: epsilon / countTables. */
  readonly epsilonPerTable: number;
  /** Change of one count table's L1 norm when one row is added, removed or replaced (before array fan-out). */
  readonly sensitivity: number;
}

export interface SequenceModel {
  readonly sequence: TableRef;
  readonly table: TableRef;
  readonly column: string;
}

export interface TableModel {
  readonly table: TableRef;
  /** For a leaf partition: its partitioned table (serial keys continue across a table's partitions). */
  readonly partitionOf: TableRef | null;
  /** Rows in the source (exact when the whole table was read, else the planner's estimate). */
  readonly rows: number;
  /** Rows the statistics were computed from. */
  readonly sampledRows: number;
  /** Every column written to the target, in write order. */
  readonly columns: readonly ColumnModel[];
  /** Columns removed from the target before the load (the policy's `drop`). */
  readonly droppedColumns: readonly string[];
  /** Modelled columns in the order they are drawn (each conditioned on earlier ones). */
  readonly order: readonly string[];
  readonly foreignKeys: readonly ForeignKeyModel[];
  /** Column sets that must stay unique in the target. */
  readonly uniqueSets: readonly (readonly string[])[];
  /** Columns the exact-match filter compares (see `exactMatchColumns`); absent in older model files. */
  readonly matchColumns?: readonly string[];
  /** Columns that may hold NULL (for conditions and edge cases); absent in older model files. */
  readonly nullableColumns?: readonly string[];
  /** The table's CHECK constraints (schema text), for checking conditions; absent in older model files. */
  readonly checks?: readonly CheckModel[];
  /**
   * A reference table copied as it is (`synth: copy`): its rows, written unchanged at any scale. The
   * statistics above are still fitted, so children condition on its columns as on a generated parent.
   */
  readonly copy?: CopiedRows;
}

/** A copied table's rows (text form, in `columns` order) and, per modelled column, each row's coarse code. */
export interface CopiedRows {
  readonly rows: readonly (readonly (string | null)[])[];
  /** Coarse code (as children condition on them) per row, by modelled column name. */
  readonly coarse: Readonly<Record<string, readonly number[]>>;
}

export type ColumnModel =
  | { readonly name: string; readonly role: 'serial' }
  | {
      readonly name: string;
      readonly role: 'unique_value';
      readonly kind: 'uuid' | 'string';
      readonly maxLength: number | null;
    }
  | {
      readonly name: string;
      readonly role: 'personal';
      readonly entity: EntityKind;
      readonly scope: string;
      readonly maxLength: number | null;
      readonly unique: boolean;
      readonly nullShare: number;
      readonly emptyShare: number;
    }
  | { readonly name: string; readonly role: 'foreign_key'; readonly foreignKey: number }
  /** A json/jsonb column generated from its learnt document shape (see `JsonShape`). */
  | { readonly name: string; readonly role: 'json_document'; readonly shape: JsonShape }
  | { readonly name: string; readonly role: 'constant'; readonly value: string | null }
  | {
      readonly name: string;
      readonly role: 'modelled';
      readonly stats: ColumnStats;
      readonly conditional: Conditional;
    };

/** A column's own distribution over its codes (categories + rare + null, or quantile bins + null). */
export type ColumnStats = CategoricalStats | NumericStats;

export interface CategoricalStats {
  readonly type: 'categorical';
  /** Categories with at least k rows, most frequent first. Codes: i < length; rare = length; null = length + 1. */
  readonly categories: readonly string[];
  /** Rows per code (categories, then rare, then null). */
  readonly counts: readonly number[];
  /** What a drawn "rare" code becomes: never a real rare value. */
  readonly rare: RareFill;
}

export type RareFill =
  | { readonly fill: 'fake_string'; readonly length: number; readonly maxLength: number | null }
  | { readonly fill: 'enum'; readonly labels: readonly string[] }
  | WordsFill
  | { readonly fill: 'uuid' }
  | { readonly fill: 'kept' }
  /** Schema-level text (an empty array or document) when no category is frequent enough to keep. */
  | { readonly fill: 'literal'; readonly value: string };

/**
 * Rare text of a non-personal column drawn as plausible text of the same shape: a word count from the
 * column's word-count histogram (counts of at least k rows), then words by a bigram chain over the
 * column's own words seen at least k times (transitions seen at least k times; else a unigram draw);
 * the share of rare words becomes made-up letter words of the rare words' lengths and casing.
 */
export interface WordsFill {
  readonly fill: 'words';
  /** Sparse `[wordCount, rows, …]`. */
  readonly lengths: readonly number[];
  readonly words: readonly string[];
  /** Occurrences per word. */
  readonly counts: readonly number[];
  /** Per previous word index (-1: start), sparse `[wordIndex, times, …]`. */
  readonly next: Readonly<Record<string, readonly number[]>>;
  /** Share of word occurrences that were rare words: drawn as made-up letter words of this shape. */
  readonly madeUpShare: number;
  /** Letters per rare word, sparse `[letters, times, …]` (counts of at least k). */
  readonly madeUpLengths: readonly number[];
  readonly casing: 'upper' | 'lower' | 'title';
  readonly maxLength: number | null;
}

export interface NumericStats {
  readonly type: 'numeric';
  readonly kind: NumericKind;
  readonly decimals: number;
  readonly resolution: number;
  /** knots[i] = the value at quantile i / (knots.length − 1); tails clipped at the k-th value. */
  readonly knots: readonly number[];
  /** Rows per code: NUMERIC_BINS quantile bins, then null. */
  readonly counts: readonly number[];
  /** Set when the column is drawn as `anchor + offset` (an order constraint: never before the anchor). */
  readonly anchor: string | null;
}

/** A feature a column is conditioned on: an earlier column of the row, or a column of a referenced row. */
export interface FeatureRef {
  /** -1: this table; else the index of the foreign key whose parent row holds `column`. */
  readonly foreignKey: number;
  readonly column: string;
}

/**
 * Sequential conditional model: counts over the column's codes per cell of (up to two) parent features'
 * coarse codes. Cells with fewer than k rows are not stored: a draw backs off to one parent, then to the
 * column's marginal. Counts are sparse `[code, count, code, count, …]`.
 */
export interface Conditional {
  readonly parents: readonly FeatureRef[];
  readonly byBoth: Readonly<Record<string, readonly number[]>>;
  readonly byFirst: Readonly<Record<string, readonly number[]>>;
}

export interface ForeignKeyModel {
  readonly name: string;
  readonly columns: readonly string[];
  readonly parent: TableRef;
  readonly parentColumns: readonly string[];
  /** The parent is generated after this table (a cycle): keys are taken from its planned serial values. */
  readonly deferred: boolean;
  /** Each parent has at most one child (the foreign key is unique). */
  readonly unique: boolean;
  /** Share of rows whose foreign key is NULL. */
  readonly nullShare: number;
  /** Children per parent row (zero included), as sparse `[count, parents, …]`, marginal and per parent cell. */
  readonly childCounts: ChildCountModel;
  /** A self-reference without cycles in the source: generated as a forest (absent otherwise). */
  readonly hierarchy?: HierarchyModel;
  /**
   * A foreign key into a copied table (`synth: copy`), whose rows are the real ones: children per parent
   * row, in the copied rows' order, where at least k (rareCategoryMin); -1 where fewer — those draw their
   * count from the marginal's counts below k, so no small count is tied to a real key.
   */
  readonly keyCounts?: readonly number[];
}

/**
 * A self-referencing foreign key's forest (employee.manager_id): nodes per depth (roots at 0) as sparse
 * `[depth, nodes, …]`, and per depth the children-per-node histogram `[children, nodes, …]`. Only fitted
 * when following the references never loops in the sample; generation then makes no cycle either.
 */
export interface HierarchyModel {
  readonly depths: readonly number[];
  readonly childrenByDepth: Readonly<Record<string, readonly number[]>>;
}

/** Types a JSON node is seen with, the order of `JsonNodeModel.types`. */
export const JSON_TYPES = ['object', 'array', 'string', 'number', 'true', 'false', 'null'] as const;

/** A JSON column's documents: NULL share and the root node's shape. */
export interface JsonShape {
  readonly nullShare: number;
  readonly root: JsonNodeModel;
  /** A jsonb column: documents are written as PostgreSQL prints jsonb (sorted keys). */
  readonly jsonb?: boolean;
}

/**
 * One path of a JSON column (`$.contact.email`, `$.items[*].sku`): occurrences per type (JSON_TYPES order),
 * its object keys seen at least k times (with how many of its objects hold each), its array lengths seen
 * at least k times and one model of their elements, and its leaf marginals: strings seen at least k
 * times (a rare code is made up), number quantile knots (tails clipped at the k-th value). A personal
 * path stores no values: its leaves are fakes of `entity`.
 */
export interface JsonNodeModel {
  readonly path: string;
  readonly types: readonly number[];
  readonly keys: readonly { readonly key: string; readonly present: number; readonly node: JsonNodeModel }[];
  /** Sparse `[length, arrays, …]`. */
  readonly lengths: readonly number[];
  readonly items: JsonNodeModel | null;
  readonly strings: JsonLeafStrings | null;
  readonly numbers: {
    readonly knots: readonly number[];
    readonly integer: boolean;
    readonly decimals: number;
  } | null;
  readonly personal: { readonly entity: EntityKind; readonly scope: string } | null;
}

export interface JsonLeafStrings {
  readonly categories: readonly string[];
  /** Occurrences per category, then rare. */
  readonly counts: readonly number[];
  /** Mean length of the rare strings (made-up strings keep it). */
  readonly rareLength: number;
}

export interface ChildCountModel {
  /** The parent column whose coarse code conditions the count, or null. */
  readonly condition: string | null;
  readonly marginal: readonly number[];
  readonly byCode: Readonly<Record<string, readonly number[]>>;
}
