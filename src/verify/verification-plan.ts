import {
  qualifiedName,
  sameTable,
  type ActionSpec,
  type DatabaseSchema,
  type EntityKind,
  type LeafActionSpec,
  type TableInfo,
  type TableRef,
  type TypeCategory,
} from '../core/index.js';
import type { Plan, PlannedTable } from '../policy/index.js';

/**
 * How the leak scan treats a column's values: which kinds of source value it indexes and how target
 * values are looked up. Names only; never values.
 *  - `email`, `phone`, `full_name`, `identifier`: exact whole values of a high-entropy kind;
 *  - `first_name` / `last_name`: only as a pair of one row (a common first name alone is no leak);
 *  - `text`: free text — emails and phones inside it are indexed; target text is searched for every
 *    indexed email, phone, name and identifier (tokens and 1–4-word n-grams);
 *  - `shape`: an action that keeps some form of the value (mask, hash, generalize, …): indexed by the
 *    value's own shape (email-, phone- or identifier-like); target values searched like text;
 *  - `encrypted`: format-preserving encryption (`encrypt`): source values indexed by their shape, so a real
 *    identifier found anywhere else in the target is a leak; the column's own target values are not
 *    looked up (see `roleOfAction`);
 *  - `quiet`: low-entropy kinds (city, country, postal code, birth date, company, …): not indexed, target
 *    values searched like text;
 *  - `json`: leaves, each with the role of its path.
 */
export type ColumnRole =
  | 'email'
  | 'phone'
  | 'full_name'
  | 'first_name'
  | 'last_name'
  | 'identifier'
  | 'text'
  | 'shape'
  | 'encrypted'
  | 'quiet'
  | 'json';

export interface JsonLeafRoles {
  /** Path (`$.contact.email`, `$.tags[*]`) → role; kept leaves map to null. */
  readonly paths: ReadonlyMap<string, ColumnRole | null>;
  /** Leaves no path names: `text` unless the action keeps them (`other: keep`). */
  readonly other: ColumnRole | null;
}

export interface VerifiedColumn {
  readonly name: string;
  readonly role: ColumnRole;
  /** The plan's action, printed (`substitute(entity=email)`), or `keep` for kept columns checked anyway. */
  readonly action: ActionSpec;
  readonly json?: JsonLeafRoles;
  /** Whether a NULL in the source stays NULL in the target (all actions but nullify). */
  readonly keepsNulls: boolean;
  /** Kept by the policy, but the source scan says it holds personal values of a high-entropy kind. */
  readonly keptPersonal: boolean;
}

export interface VerifiedTable {
  readonly table: TableRef;
  readonly name: string;
  /** Source columns read to build the leak index (personal columns, kept-personal ones too). */
  readonly sourceColumns: readonly VerifiedColumn[];
  /** Target columns searched: the personal ones plus every other text or JSON column of the target. */
  readonly targetColumns: readonly VerifiedColumn[];
  /** Indexes into `sourceColumns` / `targetColumns` of a first-name and a last-name column, if both. */
  readonly sourcePair: readonly [number, number] | null;
  readonly targetPair: readonly [number, number] | null;
  readonly where: string | null;
}

export interface VerificationPlan {
  readonly tables: readonly VerifiedTable[];
}

const HIGH_ENTROPY: ReadonlySet<EntityKind> = new Set([
  'username',
  'street_address',
  'national_id',
  'credit_card',
  'ip_address',
  'url',
  'uuid',
  'password',
]);

const VALUE_CATEGORIES: ReadonlySet<TypeCategory> = new Set(['string', 'enum', 'network', 'uuid', 'other']);

/** The role of a substituted kind. */
export function roleOfEntity(entity: EntityKind): ColumnRole {
  if (entity === 'email' || entity === 'phone' || entity === 'full_name') return entity;
  if (entity === 'first_name' || entity === 'last_name') return entity;
  if (HIGH_ENTROPY.has(entity)) return 'identifier';
  if (entity === 'free_text') return 'text';
  if (entity === 'string' || entity === 'number') return 'shape';
  return 'quiet';
}

/** The role of a planned action on a column of this category, or null when the column is not personal. */
export function roleOfAction(action: ActionSpec, category: TypeCategory): ColumnRole | null {
  if (action.kind === 'keep' || action.kind === 'drop') return null;
  // An encrypted column's target values are ciphertexts, not real values of their rows: FF1 permutes the
  // value's own format domain (same length, separators, classes), so in a dense identifier space a
  // ciphertext often equals some other row's real identifier — a keyed pseudonym that landed there by
  // construction, not a copy of anyone's data — and the cipher is built with no fixed point, so it never
  // equals its own row's value. Looking the column's values up would report that permutation as leaks.
  if (action.kind === 'encrypt') return 'encrypted';
  if (category === 'array' || category === 'text_search') return 'text';
  if (action.kind === 'json') return 'json';
  if (action.kind === 'redact_text') return 'text';
  if (action.kind === 'substitute') return roleOfEntity(action.entity);
  // Dates, numbers and booleans that are shifted or coarsened can equal a real value by chance: no leak.
  return VALUE_CATEGORIES.has(category) ? 'shape' : 'quiet';
}

function leafRole(leaf: LeafActionSpec): ColumnRole | null {
  if (leaf.kind === 'keep') return null;
  if (leaf.kind === 'substitute') return roleOfEntity(leaf.entity);
  if (leaf.kind === 'redact_text') return 'text';
  return 'shape';
}

/** A kept column that the scan found to hold high-entropy personal values, keyed `schema.table.column`. */
export type KeptPersonalColumns = ReadonlyMap<string, ColumnRole>;

const TEXT_CATEGORIES: ReadonlySet<TypeCategory> = new Set(['string', 'json', 'array', 'text_search']);

/**
 * Which columns the leak scan reads on each side, from the plan (what was supposed to change), the source
 * schema, the target schema (what the target actually holds: generated and text columns included) and the
 * kept columns a scan found personal. Pure.
 */
export function planVerification(
  plan: Plan,
  sourceSchema: DatabaseSchema,
  targetSchema: DatabaseSchema,
  keptPersonal: KeptPersonalColumns = new Map(),
): VerificationPlan {
  const tables: VerifiedTable[] = [];
  for (const planned of plan.tables) {
    if (!planned.copyRows) continue;
    const sourceInfo = sourceSchema.tables.find((t) => sameTable(t.ref, planned.table));
    const targetInfo = targetSchema.tables.find((t) => sameTable(t.ref, planned.table));
    if (sourceInfo === undefined) continue;
    tables.push(verifiedTable(planned, sourceInfo, targetInfo, keptPersonal));
  }
  return { tables };
}

function verifiedTable(
  planned: PlannedTable,
  sourceInfo: TableInfo,
  targetInfo: TableInfo | undefined,
  keptPersonal: KeptPersonalColumns,
): VerifiedTable {
  const name = qualifiedName(planned.table);
  const sourceColumns: VerifiedColumn[] = [];
  for (const column of planned.columns) {
    const info = sourceInfo.columns.find((c) => c.name === column.name);
    if (info === undefined || info.isGenerated) continue;
    const kept = column.action.kind === 'keep' ? keptPersonal.get(`${name}.${column.name}`) : undefined;
    const role = kept ?? roleOfAction(column.action, info.category);
    if (role === null) continue;
    sourceColumns.push({
      name: column.name,
      role,
      action: column.action,
      ...(column.action.kind === 'json' && role === 'json'
        ? {
            json: {
              paths: new Map(
                Object.entries(column.action.paths).map(([path, leaf]) => [path, leafRole(leaf)]),
              ),
              other: column.action.other === 'keep' ? null : 'text',
            },
          }
        : {}),
      keepsNulls: column.action.kind !== 'nullify',
      keptPersonal: kept !== undefined,
    });
  }
  // The target side: the same columns where the target still has them, then every other text/JSON column.
  const targetColumns: VerifiedColumn[] = [];
  for (const column of sourceColumns) {
    if (targetInfo?.columns.some((c) => c.name === column.name) === true) targetColumns.push(column);
  }
  for (const info of targetInfo?.columns ?? []) {
    if (targetColumns.some((c) => c.name === info.name) || !TEXT_CATEGORIES.has(info.category)) continue;
    // Too short to hold an email, a phone number or a full name (e.g. character(3) currency codes).
    if (info.maxLength !== null && info.maxLength < 6) continue;
    targetColumns.push({
      name: info.name,
      role: info.category === 'json' ? 'json' : 'text',
      action: { kind: 'keep' },
      ...(info.category === 'json' ? { json: { paths: new Map(), other: 'text' } } : {}),
      keepsNulls: true,
      keptPersonal: false,
    });
  }
  return {
    table: planned.table,
    name,
    sourceColumns,
    targetColumns,
    sourcePair: pairOf(sourceColumns),
    targetPair: pairOf(targetColumns),
    where: planned.where,
  };
}

function pairOf(columns: readonly VerifiedColumn[]): readonly [number, number] | null {
  const first = columns.findIndex((c) => c.role === 'first_name');
  const last = columns.findIndex((c) => c.role === 'last_name');
  return first >= 0 && last >= 0 ? [first, last] : null;
}
