import { createHash } from 'node:crypto';
import { qualifiedName } from '../core/index.js';
import type { DatabaseSchema, TableInfo } from '../core/index.js';
import { canonicalJson } from './canonical-json.js';

/**
 * sha256 (hex) of the structure a plan depends on: tables (in name order) with kind, parent, columns in
 * their order, constraints and unique column sets; sequence names. Row estimates and sequence values are
 * left out — they change with every write and do not change what a plan does — so a plan goes stale only
 * when the structure does.
 */
export function schemaFingerprint(schema: DatabaseSchema): string {
  const tables = [...schema.tables]
    .sort((a, b) => compare(qualifiedName(a.ref), qualifiedName(b.ref)))
    .map(fingerprintTable);
  const sequences = schema.sequences.map((s) => qualifiedName(s.ref)).sort(compare);
  const canonical = canonicalJson({ formatVersion: 1, tables, sequences });
  return createHash('sha256').update(canonical).digest('hex');
}

function fingerprintTable(table: TableInfo): unknown {
  return {
    schema: table.ref.schema,
    name: table.ref.name,
    kind: table.kind,
    parent: table.parent === null ? null : qualifiedName(table.parent),
    columns: table.columns.map((c) => ({
      name: c.name,
      dataType: c.dataType,
      // The base type and length decide what an action can write, even when a domain's name stays the same.
      baseType: c.baseType,
      maxLength: c.maxLength,
      isNullable: c.isNullable,
      isGenerated: c.isGenerated,
      identity: c.identity,
    })),
    constraints: [...table.constraints]
      .sort((a, b) => compare(a.name, b.name))
      .map((c) => ({
        name: c.name,
        kind: c.kind,
        columns: c.columns,
        references:
          c.references === null
            ? null
            : { table: qualifiedName(c.references.table), columns: c.references.columns },
      })),
    uniqueColumnSets: table.uniqueColumnSets
      .map((set) => [...set])
      .sort((a, b) => compare(a.join('\0'), b.join('\0'))),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
