import { qualifiedName, type TableRef } from '../../src/core/index.js';
import type { DdlCatalog, KeyDefinition } from './ddl-catalog.js';

/** What `schema.json` says about one written table (names and types only, never values). */
export interface SchemaFileTable {
  readonly table: string;
  readonly schema: string;
  readonly name: string;
  readonly file: string;
  readonly rows: number;
  /** For a partition: its partitioned table (whose rows are the union of its partitions' files). */
  readonly partitionOf: string | null;
  readonly columns: readonly SchemaFileColumn[];
  readonly primaryKey: readonly string[] | null;
  readonly uniqueKeys: readonly (readonly string[])[];
  readonly foreignKeys: readonly {
    readonly name: string;
    readonly columns: readonly string[];
    readonly references: { readonly table: string; readonly columns: readonly string[] };
  }[];
}

export interface SchemaFileColumn {
  readonly name: string;
  /** The PostgreSQL type as declared, e.g. `numeric(5,2)`, `text[]`, `public.mpaa_rating`. */
  readonly type: string;
  readonly nullable: boolean;
  /** For a domain: the type it is based on. */
  readonly baseType?: string;
  /** For an enum: its labels, in order. */
  readonly enumLabels?: readonly string[];
}

export interface SchemaFile {
  readonly formatVersion: 1;
  readonly format: string;
  readonly notice: string;
  readonly tables: readonly SchemaFileTable[];
}

export interface WrittenTable {
  readonly ref: TableRef;
  readonly file: string;
  readonly columns: readonly string[];
  rows: number;
}

const NOTICE =
  'Written by lookalike: one file per table, in foreign-key order. CSV (RFC 4180): header row, NULL is an ' +
  'empty unquoted field, the empty string is "", booleans true/false, arrays JSON arrays. JSON Lines: one ' +
  'object per row; numbers, booleans and json documents typed, NULL null, other values as PostgreSQL text.';

function keyColumns(catalog: DdlCatalog, key: KeyDefinition): readonly string[] {
  if (key.references === null || key.references.columns.length > 0) return key.references?.columns ?? [];
  const parent = catalog.table(key.references.table);
  return parent?.keys.find((k) => k.kind === 'primary_key')?.columns ?? [];
}

/**
 * A table's keys and, for a partition, the keys declared on its partitioned table (pg_dump writes a
 * parent's foreign keys once, on the parent), unless the partition declares the same columns itself.
 */
function keysWithParents(catalog: DdlCatalog, ref: TableRef): KeyDefinition[] {
  const keys: KeyDefinition[] = [];
  const seen = new Set<string>();
  for (let table = catalog.table(ref), hops = 0; table !== undefined && hops < 16; hops++) {
    for (const key of table.keys) {
      const id = `${key.kind}:${key.columns.join(',')}`;
      if (seen.has(id)) continue;
      seen.add(id);
      keys.push(key);
    }
    table = table.partitionOf === null ? undefined : catalog.table(table.partitionOf);
  }
  return keys;
}

/** The schema file: written tables in write order, their columns in file order, keys on written columns. */
export function buildSchemaFile(
  catalog: DdlCatalog,
  format: string,
  written: readonly WrittenTable[],
): SchemaFile {
  const tables = written.map((entry): SchemaFileTable => {
    const definition = catalog.table(entry.ref);
    const byName = new Map(catalog.columnsOf(entry.ref).map((c) => [c.name, c]));
    const present = new Set(entry.columns);
    const keys = keysWithParents(catalog, entry.ref).filter((k) => k.columns.every((c) => present.has(c)));
    return {
      table: qualifiedName(entry.ref),
      schema: entry.ref.schema,
      name: entry.ref.name,
      file: entry.file,
      rows: entry.rows,
      partitionOf: definition?.partitionOf == null ? null : qualifiedName(definition.partitionOf),
      columns: entry.columns.map((name) => {
        const column = byName.get(name);
        if (column === undefined) return { name, type: 'text', nullable: true };
        const resolved = catalog.resolve(column);
        return {
          name,
          type: column.type,
          nullable: column.nullable,
          ...(resolved.baseType === null ? {} : { baseType: resolved.baseType }),
          ...(resolved.enumLabels === null ? {} : { enumLabels: resolved.enumLabels }),
        };
      }),
      primaryKey: keys.find((k) => k.kind === 'primary_key')?.columns ?? null,
      uniqueKeys: keys.filter((k) => k.kind === 'unique').map((k) => k.columns),
      foreignKeys: keys.flatMap((k) =>
        k.kind === 'foreign_key' && k.references !== null
          ? [
              {
                name: k.name,
                columns: k.columns,
                references: { table: qualifiedName(k.references.table), columns: keyColumns(catalog, k) },
              },
            ]
          : [],
      ),
    };
  });
  return { formatVersion: 1, format, notice: NOTICE, tables };
}
