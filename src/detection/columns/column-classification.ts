import type { ColumnInfo, TableRef } from '../../core/index.js';
import type { EntityId, Evidence, ValueMatch } from '../detection-types.js';

/** Recognises one whole value (one cell): injected by the caller (the patterns module's `matchValue`). */
export type ValueMatcher = (value: string) => readonly ValueMatch[];

/** 0..1: how likely a value is a person's name (injected by the text module; a small fallback exists). */
export type NameLikelihood = (value: string) => number;

/** A bounded sample of one column's values, in PostgreSQL text form. */
export interface ColumnSample {
  /** Non-null sampled values. */
  readonly values: readonly string[];
  /** Rows sampled whose value was null. */
  readonly nullCount: number;
  /** Distinct non-null values in the sample (or in the column, when the caller knows). Defaults to the sample's. */
  readonly distinctCount?: number;
}

export interface ClassifyColumnInput {
  readonly table: TableRef;
  readonly column: ColumnInfo;
  /** Names of the table's other columns. */
  readonly neighbours: readonly string[];
  readonly sample: ColumnSample | null;
  /** True when a primary key or unique constraint covers exactly this column. */
  readonly unique: boolean;
  /** True when the column is (part of) the primary key. */
  readonly primaryKey?: boolean;
  /** True when the column is (part of) a foreign key. */
  readonly foreignKey?: boolean;
}

export interface ClassifyOptions {
  readonly matchValue: ValueMatcher;
  readonly isLikelyName?: NameLikelihood;
}

/** The decision for one JSON leaf path inside a json/jsonb column. */
export interface JsonPathClassification {
  /** `$.contact.name`, arrays as `$.items[*].sku`. */
  readonly path: string;
  readonly category: EntityId | null;
  readonly confidence: number;
  readonly evidence: readonly Evidence[];
  readonly prose: boolean;
}

/**
 * The decision for one column. `category: null` with high confidence means "not personal"; with a
 * confidence below `UNDECIDED_BELOW` it means "cannot tell" (the pipeline stops: fail closed). `prose`
 * marks free text for span detection.
 */
export interface ColumnClassification {
  readonly category: EntityId | null;
  readonly confidence: number;
  readonly evidence: readonly Evidence[];
  readonly prose: boolean;
  readonly jsonPaths?: readonly JsonPathClassification[];
}

/** Below this confidence a decision is "undecided". */
export const UNDECIDED_BELOW = 0.5;
