/** Shared vocabulary for database structure. Holds identifiers and types only — never row values. */

export interface TableRef {
  readonly schema: string;
  readonly name: string;
}

/** `schema.table`, unquoted: the way every message and report names a table. */
export function qualifiedName(table: TableRef): string {
  return `${table.schema}.${table.name}`;
}

/** Parses `schema.table` or `table` (unqualified means `public`). Quoting is not supported in CLI names. */
export function parseTableName(text: string, defaultSchema = 'public'): TableRef {
  const trimmed = text.trim();
  const dot = trimmed.indexOf('.');
  if (dot === -1) return { schema: defaultSchema, name: trimmed };
  return { schema: trimmed.slice(0, dot), name: trimmed.slice(dot + 1) };
}

export function sameTable(a: TableRef, b: TableRef): boolean {
  return a.schema === b.schema && a.name === b.name;
}

/** How a value of this column behaves, whatever the store calls the type. Domains resolve to their base. */
export type TypeCategory =
  | 'string'
  | 'integer'
  | 'decimal'
  | 'boolean'
  | 'date'
  | 'timestamp'
  | 'time'
  | 'interval'
  | 'uuid'
  | 'json'
  | 'array'
  | 'binary'
  | 'enum'
  | 'network'
  | 'text_search'
  | 'other';

export interface ColumnInfo {
  readonly name: string;
  /** The exact declared type as the store prints it, e.g. `character varying(45)`, `text[]`, `public.mpaa_rating`. */
  readonly dataType: string;
  /** Base type name after resolving domains, e.g. `varchar`, `int4`, `_text`, `jsonb`. */
  readonly baseType: string;
  readonly category: TypeCategory;
  /** Category of array elements when `category` is `array`. */
  readonly elementCategory: TypeCategory | null;
  /** Maximum length in characters for bounded string types, else null. */
  readonly maxLength: number | null;
  readonly isNullable: boolean;
  /** Stored generated column: computed by the target, never copied. */
  readonly isGenerated: boolean;
  readonly identity: 'always' | 'by_default' | null;
  readonly hasDefault: boolean;
  /** Labels of an enum type (labels are schema, not data). */
  readonly enumLabels: readonly string[] | null;
  /** `COMMENT ON COLUMN`, a hint for detection; absent when there is none. */
  readonly comment?: string;
  /** CHECK constraints of the column's domain and of the domains it is built on; absent when there are none. */
  readonly domainChecks?: readonly DomainCheck[];
}

/** A domain's CHECK constraint, as the store prints it (`CHECK ((VALUE ~ '^[0-9]{5}$'::text))`): `VALUE` is the column. */
export interface DomainCheck {
  /** The domain, `schema.name`. */
  readonly domain: string;
  readonly name: string;
  readonly definition: string;
}

export type ConstraintKind = 'primary_key' | 'unique' | 'check' | 'foreign_key' | 'exclusion';

export interface ConstraintInfo {
  readonly name: string;
  readonly kind: ConstraintKind;
  readonly columns: readonly string[];
  /** Definition text as the store prints it (expressions and names only). */
  readonly definition: string;
  readonly references: { readonly table: TableRef; readonly columns: readonly string[] } | null;
}

export type TableKind = 'table' | 'partitioned' | 'partition';

export interface TableInfo {
  readonly ref: TableRef;
  readonly kind: TableKind;
  /** For partitions: the partitioned table they belong to. */
  readonly parent: TableRef | null;
  readonly columns: readonly ColumnInfo[];
  readonly constraints: readonly ConstraintInfo[];
  /** Column sets that must stay unique: primary key, unique constraints and unique indexes. */
  readonly uniqueColumnSets: readonly (readonly string[])[];
  /** Planner estimate, for progress and ETA only. */
  readonly estimatedRows: number;
  /** `COMMENT ON TABLE`, a hint for detection; absent when there is none. */
  readonly comment?: string;
}

export interface SequenceInfo {
  readonly ref: TableRef;
  /** Kept as text: sequence values are 64-bit. */
  readonly lastValue: string | null;
  readonly isCalled: boolean;
}

export interface DatabaseSchema {
  readonly tables: readonly TableInfo[];
  readonly sequences: readonly SequenceInfo[];
  /**
   * Schemas a selection by schema names that the source does not have (a catalog read that can tell sets
   * it; not part of the fingerprint). A schema without tables is not missing: its views and types count.
   */
  readonly missingSchemas?: readonly string[];
}

/** Which part of a database a command works on; empty lists mean everything. */
export interface Selection {
  readonly schemas: readonly string[];
  readonly tables: readonly TableRef[];
}

export const SELECT_ALL: Selection = Object.freeze({ schemas: [], tables: [] });
