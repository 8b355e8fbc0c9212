import { withClient } from './databases.js';

export interface ForeignKeyCheck {
  readonly constraint: string;
  readonly table: string;
  /** Rows whose (fully non-NULL) referencing columns match no referenced row. */
  readonly orphans: number;
}

export interface ExtraReference {
  readonly table: string;
  readonly columns: readonly string[];
  readonly references: { readonly table: string; readonly columns: readonly string[] };
}

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const table = (qualified: string): string => qualified.split('.').map(ident).join('.');

/**
 * Checks every foreign key declared in `database` (and any `extra` references) with an anti-join, without
 * trusting the constraint itself: NOT VALID or disabled constraints would not show an orphan.
 */
export async function checkForeignKeys(
  database: string,
  extra: readonly ExtraReference[] = [],
): Promise<ForeignKeyCheck[]> {
  return withClient(database, async (c) => {
    const declared = await c.query<{
      name: string;
      child: string;
      parent: string;
      child_columns: string[];
      parent_columns: string[];
    }>(`
      SELECT con.conname AS name, cn.nspname || '.' || cc.relname AS child, pn.nspname || '.' || pc.relname AS parent,
             ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
                     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o) AS child_columns,
             ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
                     JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o) AS parent_columns
        FROM pg_constraint con
        JOIN pg_class cc ON cc.oid = con.conrelid JOIN pg_namespace cn ON cn.oid = cc.relnamespace
        JOIN pg_class pc ON pc.oid = con.confrelid JOIN pg_namespace pn ON pn.oid = pc.relnamespace
       WHERE con.contype = 'f' ORDER BY 1, 2`);
    const all = [
      ...declared.rows.map((r) => ({
        name: r.name,
        child: r.child,
        parent: r.parent,
        childColumns: r.child_columns,
        parentColumns: r.parent_columns,
      })),
      ...extra.map((e) => ({
        name: `extra:${e.table}(${e.columns.join(',')})`,
        child: e.table,
        parent: e.references.table,
        childColumns: e.columns,
        parentColumns: e.references.columns,
      })),
    ];
    const results: ForeignKeyCheck[] = [];
    for (const fk of all) {
      const notNull = fk.childColumns.map((col) => `c.${ident(col)} IS NOT NULL`).join(' AND ');
      const join = fk.childColumns
        .map((col, i) => `p.${ident(fk.parentColumns[i] ?? '')} = c.${ident(col)}`)
        .join(' AND ');
      const r = await c.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${table(fk.child)} c
          WHERE ${notNull} AND NOT EXISTS (SELECT 1 FROM ${table(fk.parent)} p WHERE ${join})`,
      );
      results.push({ constraint: fk.name, table: fk.child, orphans: Number(r.rows[0]?.n) });
    }
    return results;
  });
}
