import type { ActionSpec, ColumnInfo, Selection, TableKind, TableRef } from '../core/index.js';
import type { SubsetPolicy } from './subset-schema.js';

/**
 * The plan: what will happen to every column of every selected table, and why. It is a file format
 * (`plan.json`): JSON-serialisable, deterministic for a given schema and policy, and versioned.
 */
export interface Plan {
  readonly formatVersion: 1;
  /** `schemaFingerprint` of the source the plan was made for; a plan for another structure is stale. */
  readonly schemaFingerprint: string;
  /** `policyDigest` of the policy it was made from. */
  readonly policyDigest: string;
  readonly strict: boolean;
  /** Selected tables in load order: referenced tables before the tables that reference them. */
  readonly tables: readonly PlannedTable[];
  /** Sequences whose positions are carried over to the target. */
  readonly sequences: readonly TableRef[];
  /** Columns no entry or rule covers (planned as keep only when the policy says `strict: false`). */
  readonly uncovered: readonly { readonly table: string; readonly column: string }[];
  readonly findings: readonly PreflightFinding[];
  /** The policy's `subset:` section, when it has one: which rows to copy (see src/subset). */
  readonly subset?: SubsetPolicy;
}

export interface PlannedTable {
  readonly table: TableRef;
  readonly kind: TableKind;
  /** False for `skip: true` and for partitioned tables (their rows are copied through their partitions). */
  readonly copyRows: boolean;
  /** Row filter (SQL predicate) from the policy, or null for every row. */
  readonly where: string | null;
  /** Every column of the table, in table order. */
  readonly columns: readonly PlannedColumn[];
  /**
   * Present (false) when the policy turns row coherence off: substituted e-mail addresses and usernames
   * get independent fakes instead of being built from the fakes of the names they hold.
   */
  readonly coherentRows?: false;
  /** The table's declared quasi-identifiers (`quasi_identifiers`, `k`, `k_anonymity`), when it has some. */
  readonly kAnonymity?: KAnonymitySpec;
}

/** What verification checks about a table's equivalence classes over its quasi-identifiers. */
export interface KAnonymitySpec {
  readonly quasiIdentifiers: readonly string[];
  /** The smallest class size to reach, or null to report the figures only. */
  readonly k: number | null;
  /** `enforce`: a smallest class below k fails the snapshot; `report`: a warning. */
  readonly mode: 'enforce' | 'report';
}

export interface PlannedColumn {
  readonly name: string;
  readonly action: ActionSpec;
  /** Which entry or rule decided the action, e.g. `tables."public.customer".columns.email` or `rules[0] (ids)`. */
  readonly rule: string;
  readonly reason: string;
  /** Whether the column's values are written to the target (false for drop and generated columns). */
  readonly copied: boolean;
  /**
   * Present when the column takes its action from a reference the policy declares (`references:`):
   * the key column it follows (`public.customer.email`) and the declaration (`references[0]`).
   */
  readonly follows?: { readonly column: string; readonly reference: string };
}

/** A pre-flight result. Errors stop the run before any data moves; warnings are reported. */
export interface PreflightFinding {
  readonly severity: 'error' | 'warning';
  /** snake_case, stable: tools and tests match on it. */
  readonly code: string;
  /** `schema.table` */
  readonly table?: string;
  readonly column?: string;
  /** Names schema.table.column, constraints and actions; never values. */
  readonly message: string;
}

/** What an action can write into a column, as the transform module judges it (types only, no values). */
export interface OutputFit {
  readonly fits: boolean;
  /** Why it does not fit, e.g. `substitute(email) can be longer than character varying(10)`. */
  readonly problem?: string;
  /** Whether two different inputs can produce the same output. */
  readonly canCollide: boolean;
}

/** `outputConstraints` from src/transform, injected so the planner stays pure and testable on its own. */
export type OutputConstraints = (action: ActionSpec, column: ColumnInfo, isUnique: boolean) => OutputFit;

export interface PlanOptions {
  /** Which tables to plan; empty lists mean all. A partition is selected with its partitioned parent. */
  readonly selection: Selection;
  readonly outputConstraints: OutputConstraints;
}
