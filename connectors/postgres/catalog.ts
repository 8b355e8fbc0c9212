import type {
  ColumnInfo,
  ConstraintInfo,
  ConstraintKind,
  DatabaseSchema,
  Selection,
  SequenceInfo,
  TableInfo,
  TableKind,
  TableRef,
  TypeCategory,
} from '../../src/core/index.js';

/** Anything that runs a parameterised query and returns rows: node-postgres or PGlite. */
export interface Queryable {
  query<T extends object>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

const USER_RELATIONS = `
  n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')`;

interface TableRow {
  oid: number;
  schema: string;
  name: string;
  relkind: string;
  is_partition: boolean;
  estimated_rows: number;
  parent_schema: string | null;
  parent_name: string | null;
  comment: string | null;
}

interface ColumnRow {
  table_oid: number;
  name: string;
  data_type: string;
  not_null: boolean;
  generated: string;
  identity: string;
  has_default: boolean;
  base_type: string;
  base_category: string;
  base_typtype: string;
  base_typmod: number;
  element_type: string | null;
  element_category: string | null;
  element_typtype: string | null;
  enum_labels: string[] | null;
  domain_checks: { domain: string; name: string; definition: string }[] | null;
  comment: string | null;
}

interface ConstraintRow {
  table_oid: number;
  name: string;
  contype: string;
  definition: string;
  columns: string[];
  ref_schema: string | null;
  ref_table: string | null;
  ref_columns: string[] | null;
}

interface UniqueIndexRow {
  table_oid: number;
  columns: string[];
}

interface SequenceRow {
  schema: string;
  name: string;
  owner_schema: string | null;
  owner_table: string | null;
  /** Tables (`schema.table`) whose column defaults call this sequence. */
  default_of: string[];
}

const CONSTRAINT_KINDS: Readonly<Record<string, ConstraintKind>> = {
  p: 'primary_key',
  u: 'unique',
  c: 'check',
  f: 'foreign_key',
  x: 'exclusion',
};

/** Reads tables, columns, constraints and sequences from pg_catalog (exact types, composite-key safe). */
export async function introspectCatalog(db: Queryable, selection: Selection): Promise<DatabaseSchema> {
  const allTables = await db.query<TableRow>(`
    SELECT c.oid::int8::float8 AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind,
           c.relispartition AS is_partition, greatest(c.reltuples, 0)::float8 AS estimated_rows,
           pn.nspname AS parent_schema, pc.relname AS parent_name,
           obj_description(c.oid, 'pg_class') AS comment
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_inherits i ON i.inhrelid = c.oid AND c.relispartition
      LEFT JOIN pg_class pc ON pc.oid = i.inhparent
      LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace
     WHERE c.relkind IN ('r', 'p') AND ${USER_RELATIONS}
     ORDER BY n.nspname, c.relname`);
  const tables = allTables.filter((t) => isSelected(t, allTables, selection));
  const oids = tables.map((t) => t.oid);

  // Sequential on purpose: one connection runs one statement at a time.
  const columns = await db.query<ColumnRow>(
    `
    SELECT a.attrelid::int8::float8 AS table_oid, a.attname AS name,
           format_type(a.atttypid, a.atttypmod) AS data_type, a.attnotnull AS not_null,
           a.attgenerated::text AS generated, a.attidentity::text AS identity, a.atthasdef AS has_default,
           bt.typname AS base_type, bt.typcategory::text AS base_category, bt.typtype::text AS base_typtype,
           CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS base_typmod,
           et.typname AS element_type, et.typcategory::text AS element_category, et.typtype::text AS element_typtype,
           CASE WHEN bt.typtype = 'e' THEN
             ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = bt.oid ORDER BY e.enumsortorder)
           END AS enum_labels,
           CASE WHEN t.typtype = 'd' THEN (
             WITH RECURSIVE chain(oid, depth) AS (
               SELECT t.oid, 0
               UNION ALL
               SELECT d.typbasetype, chain.depth + 1 FROM pg_type d JOIN chain ON d.oid = chain.oid
                WHERE d.typtype = 'd')
             SELECT json_agg(json_build_object('domain', dn.nspname || '.' || dt.typname, 'name', dc.conname,
                                               'definition', pg_get_constraintdef(dc.oid))
                             ORDER BY chain.depth, dc.conname)
               FROM chain
               JOIN pg_constraint dc ON dc.contypid = chain.oid AND dc.contype = 'c'
               JOIN pg_type dt ON dt.oid = chain.oid
               JOIN pg_namespace dn ON dn.oid = dt.typnamespace)
           END AS domain_checks,
           col_description(a.attrelid, a.attnum) AS comment
      FROM pg_attribute a
      JOIN pg_type t ON t.oid = a.atttypid
      JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
      LEFT JOIN pg_type et ON et.oid = bt.typelem AND bt.typcategory = 'A'
     WHERE a.attrelid::int8::float8 = ANY($1::float8[]) AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY a.attrelid, a.attnum`,
    [oids],
  );
  const constraints = await db.query<ConstraintRow>(
    `
    SELECT con.conrelid::int8::float8 AS table_oid, con.conname AS name, con.contype::text AS contype,
           pg_get_constraintdef(con.oid) AS definition,
           ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
           fn.nspname AS ref_schema, fc.relname AS ref_table,
           CASE WHEN con.contype = 'f' THEN
             ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
                     JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord)
           END AS ref_columns
      FROM pg_constraint con
      LEFT JOIN pg_class fc ON fc.oid = con.confrelid
      LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
     WHERE con.conrelid::int8::float8 = ANY($1::float8[]) AND con.contype IN ('p', 'u', 'c', 'f', 'x')
     ORDER BY con.conrelid, con.conname`,
    [oids],
  );
  const uniqueIndexes = await db.query<UniqueIndexRow>(
    `
    SELECT i.indrelid::int8::float8 AS table_oid,
           ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
      FROM pg_index i
     WHERE i.indrelid::int8::float8 = ANY($1::float8[]) AND i.indisunique AND NOT (0 = ANY(i.indkey::int2[]))`,
    [oids],
  );
  const sequences = await db.query<SequenceRow>(`
    SELECT n.nspname AS schema, c.relname AS name, on_.nspname AS owner_schema, oc.relname AS owner_table,
           ARRAY(SELECT dn.nspname || '.' || dc.relname FROM pg_depend dd
                   JOIN pg_attrdef ad ON dd.classid = 'pg_attrdef'::regclass AND dd.objid = ad.oid
                   JOIN pg_class dc ON dc.oid = ad.adrelid JOIN pg_namespace dn ON dn.oid = dc.relnamespace
                  WHERE dd.refclassid = 'pg_class'::regclass AND dd.refobjid = c.oid)::text[] AS default_of
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
                            AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
      LEFT JOIN pg_class oc ON oc.oid = d.refobjid
      LEFT JOIN pg_namespace on_ ON on_.oid = oc.relnamespace
     WHERE c.relkind = 'S' AND ${USER_RELATIONS}
     ORDER BY n.nspname, c.relname`);

  const tableInfos: TableInfo[] = tables.map((t) => {
    const ownColumns = columns.filter((c) => c.table_oid === t.oid).map(toColumnInfo);
    const ownConstraints = constraints.filter((c) => c.table_oid === t.oid).map(toConstraintInfo);
    const uniqueSets = uniqueColumnSets(
      ownConstraints,
      uniqueIndexes.filter((u) => u.table_oid === t.oid),
    );
    const kind: TableKind = t.relkind === 'p' ? 'partitioned' : t.is_partition ? 'partition' : 'table';
    const parent: TableRef | null =
      t.parent_schema !== null && t.parent_name !== null
        ? { schema: t.parent_schema, name: t.parent_name }
        : null;
    return {
      ref: { schema: t.schema, name: t.name },
      kind,
      parent,
      columns: ownColumns,
      constraints: ownConstraints,
      uniqueColumnSets: uniqueSets,
      estimatedRows: Math.round(t.estimated_rows),
      ...(t.comment === null ? {} : { comment: t.comment }),
    };
  });

  const selectedSequences = sequences.filter((s) => isSequenceSelected(s, tableInfos, selection));
  const sequenceInfos: SequenceInfo[] = [];
  for (const s of selectedSequences) {
    const [state] = await db.query<{ last_value: string; is_called: boolean }>(
      `SELECT last_value::text AS last_value, is_called FROM ${quoteIdent(s.schema)}.${quoteIdent(s.name)}`,
    );
    sequenceInfos.push({
      ref: { schema: s.schema, name: s.name },
      lastValue: state?.last_value ?? null,
      isCalled: state?.is_called ?? false,
    });
  }
  const missingSchemas = await missingSchemasOf(db, selection);
  return {
    tables: tableInfos,
    sequences: sequenceInfos,
    ...(missingSchemas.length === 0 ? {} : { missingSchemas }),
  };
}

/** The schemas a selection by schema names that the database does not have (none when tables are named). */
async function missingSchemasOf(db: Queryable, selection: Selection): Promise<string[]> {
  if (selection.tables.length > 0 || selection.schemas.length === 0) return [];
  const found = await db.query<{ name: string }>(
    'SELECT nspname AS name FROM pg_namespace WHERE nspname = ANY($1::text[])',
    [[...selection.schemas]],
  );
  return selection.schemas.filter((wanted) => !found.some((row) => row.name === wanted));
}

function isSelected(table: TableRow, all: readonly TableRow[], selection: Selection): boolean {
  const matches = (schema: string, name: string): boolean => {
    if (selection.tables.length > 0)
      return selection.tables.some((r) => r.schema === schema && r.name === name);
    if (selection.schemas.length > 0) return selection.schemas.includes(schema);
    return true;
  };
  if (matches(table.schema, table.name)) return true;
  // A partition comes with its partitioned parent (recursively, for sub-partitions).
  let parent = table.parent_name === null ? undefined : table;
  while (parent?.parent_name != null && parent.parent_schema != null) {
    if (matches(parent.parent_schema, parent.parent_name)) return true;
    const next = all.find((t) => t.schema === parent?.parent_schema && t.name === parent.parent_name);
    parent = next;
  }
  return false;
}

function isSequenceSelected(
  sequence: SequenceRow,
  tables: readonly TableInfo[],
  selection: Selection,
): boolean {
  if (sequence.owner_schema !== null && sequence.owner_table !== null) {
    return tables.some((t) => t.ref.schema === sequence.owner_schema && t.ref.name === sequence.owner_table);
  }
  // Not owned (e.g. `DEFAULT nextval('city_city_id_seq')` without OWNED BY): follows the tables using it.
  if (selection.tables.length > 0) {
    return tables.some((t) => sequence.default_of.includes(`${t.ref.schema}.${t.ref.name}`));
  }
  if (selection.schemas.length > 0) return selection.schemas.includes(sequence.schema);
  return true;
}

function toColumnInfo(row: ColumnRow): ColumnInfo {
  const category = categorize(row.base_type, row.base_category, row.base_typtype);
  const maxLength =
    (row.base_type === 'varchar' || row.base_type === 'bpchar') && row.base_typmod > 4
      ? row.base_typmod - 4
      : null;
  return {
    name: row.name,
    dataType: row.data_type,
    baseType: row.base_type,
    category,
    elementCategory:
      category === 'array' && row.element_type !== null
        ? categorize(row.element_type, row.element_category ?? 'X', row.element_typtype ?? 'b')
        : null,
    maxLength,
    isNullable: !row.not_null,
    isGenerated: row.generated === 's',
    identity: row.identity === 'a' ? 'always' : row.identity === 'd' ? 'by_default' : null,
    hasDefault: row.has_default,
    enumLabels: row.enum_labels,
    ...(row.domain_checks === null || row.domain_checks.length === 0
      ? {}
      : { domainChecks: row.domain_checks }),
    ...(row.comment === null ? {} : { comment: row.comment }),
  };
}

const CATEGORY_BY_TYPE: Readonly<Record<string, TypeCategory>> = {
  int2: 'integer',
  int4: 'integer',
  int8: 'integer',
  numeric: 'decimal',
  float4: 'decimal',
  float8: 'decimal',
  money: 'decimal',
  bool: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
  timestamptz: 'timestamp',
  time: 'time',
  timetz: 'time',
  interval: 'interval',
  uuid: 'uuid',
  json: 'json',
  jsonb: 'json',
  bytea: 'binary',
  inet: 'network',
  cidr: 'network',
  macaddr: 'network',
  macaddr8: 'network',
  tsvector: 'text_search',
  tsquery: 'text_search',
};

function categorize(typeName: string, typeCategory: string, typtype: string): TypeCategory {
  const known = CATEGORY_BY_TYPE[typeName];
  if (known !== undefined) return known;
  if (typtype === 'e') return 'enum';
  if (typeCategory === 'A') return 'array';
  if (typeCategory === 'S') return 'string';
  return 'other';
}

function toConstraintInfo(row: ConstraintRow): ConstraintInfo {
  const kind = CONSTRAINT_KINDS[row.contype] ?? 'check';
  return {
    name: row.name,
    kind,
    columns: row.columns,
    definition: row.definition,
    references:
      kind === 'foreign_key' && row.ref_schema !== null && row.ref_table !== null
        ? { table: { schema: row.ref_schema, name: row.ref_table }, columns: row.ref_columns ?? [] }
        : null,
  };
}

function uniqueColumnSets(
  constraints: readonly ConstraintInfo[],
  indexes: readonly UniqueIndexRow[],
): string[][] {
  const sets: string[][] = [];
  const add = (columns: readonly string[]): void => {
    const key = columns.join('\0');
    if (columns.length > 0 && !sets.some((s) => s.join('\0') === key)) sets.push([...columns]);
  };
  for (const c of constraints) if (c.kind === 'primary_key' || c.kind === 'unique') add(c.columns);
  for (const i of indexes) add(i.columns);
  return sets;
}

/** Quotes an identifier for SQL text (identifiers come from the catalog, never from row data). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteTable(table: TableRef): string {
  return `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`;
}

/**
 * The given tables plus every view and materialized view built on them, recursively: what a `--tables`
 * selection leaves out of the post-data section (their indexes and triggers cannot be created).
 */
export async function withDependentViews(db: Queryable, tables: readonly TableRef[]): Promise<TableRef[]> {
  if (tables.length === 0) return [];
  return db.query<{ schema: string; name: string }>(
    `WITH RECURSIVE left_out(oid) AS (
       SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE (n.nspname || '.' || c.relname) = ANY($1::text[])
       UNION
       SELECT r.ev_class FROM pg_catalog.pg_depend d
         JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid
         JOIN left_out l ON d.refobjid = l.oid
        WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass
          AND r.ev_class <> l.oid)
     SELECT n.nspname AS schema, c.relname AS name FROM left_out l
       JOIN pg_catalog.pg_class c ON c.oid = l.oid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      ORDER BY 1, 2`,
    [tables.map((t) => `${t.schema}.${t.name}`)],
  );
}
