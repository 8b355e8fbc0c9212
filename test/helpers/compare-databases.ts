import type pg from 'pg';
import { withClient } from './databases.js';

/** Structure that must survive a snapshot, read from the catalog of each side. */
export async function describeStructure(database: string): Promise<Record<string, string[]>> {
  return withClient(database, async (c) => {
    const list = async (sql: string): Promise<string[]> =>
      (await c.query<{ x: string }>(sql)).rows.map((r) => r.x);
    const userSchemas = `n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg\\_%'`;
    return {
      relations: await list(
        `SELECT n.nspname||'.'||c.relname||':'||c.relkind::text AS x FROM pg_class c JOIN pg_namespace n ON n.oid=c.relnamespace
          WHERE ${userSchemas} AND c.relkind IN ('r','p','v','m','S','i','I') ORDER BY 1`,
      ),
      columns: await list(
        `SELECT n.nspname||'.'||c.relname||'.'||a.attname||':'||format_type(a.atttypid,a.atttypmod)||':'||a.attnotnull||':'||a.attgenerated::text||':'||a.attidentity::text||':'||coalesce(pg_get_expr(d.adbin,d.adrelid),'') AS x
           FROM pg_attribute a JOIN pg_class c ON c.oid=a.attrelid JOIN pg_namespace n ON n.oid=c.relnamespace
           LEFT JOIN pg_attrdef d ON d.adrelid=a.attrelid AND d.adnum=a.attnum
          WHERE ${userSchemas} AND c.relkind IN ('r','p','v','m') AND a.attnum>0 AND NOT a.attisdropped ORDER BY 1`,
      ),
      constraints: await list(
        `SELECT n.nspname||'.'||c.relname||'.'||con.conname||':'||pg_get_constraintdef(con.oid)||':'||con.convalidated AS x
           FROM pg_constraint con JOIN pg_class c ON c.oid=con.conrelid JOIN pg_namespace n ON n.oid=c.relnamespace
          WHERE ${userSchemas} ORDER BY 1`,
      ),
      indexes: await list(
        `SELECT pg_get_indexdef(i.indexrelid) AS x FROM pg_index i JOIN pg_class c ON c.oid=i.indrelid
           JOIN pg_namespace n ON n.oid=c.relnamespace WHERE ${userSchemas} ORDER BY 1`,
      ),
      triggers: await list(
        `SELECT c.relname||':'||pg_get_triggerdef(t.oid)||':'||t.tgenabled::text AS x FROM pg_trigger t JOIN pg_class c ON c.oid=t.tgrelid
          WHERE NOT t.tgisinternal ORDER BY 1`,
      ),
      types: await list(
        `SELECT n.nspname||'.'||t.typname||':'||t.typtype::text||':'||coalesce((SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum e WHERE e.enumtypid=t.oid),'')||':'||coalesce(format_type(t.typbasetype, t.typtypmod),'') AS x
           FROM pg_type t JOIN pg_namespace n ON n.oid=t.typnamespace
          WHERE ${userSchemas} AND t.typtype IN ('e','d') ORDER BY 1`,
      ),
      sequences: await list(
        `SELECT schemaname||'.'||sequencename||':'||coalesce(last_value::text,'null') AS x FROM pg_sequences ORDER BY 1`,
      ),
      views: await list(
        `SELECT schemaname||'.'||viewname||':'||md5(definition) AS x FROM pg_views WHERE schemaname NOT IN ('pg_catalog','information_schema') ORDER BY 1`,
      ),
      functions: await list(
        `SELECT n.nspname||'.'||p.proname||'('||pg_get_function_identity_arguments(p.oid)||')' AS x FROM pg_proc p
           JOIN pg_namespace n ON n.oid=p.pronamespace WHERE ${userSchemas} ORDER BY 1`,
      ),
    };
  });
}

/** Row counts of every table that holds rows (partitions counted on their own). */
export async function rowCounts(database: string): Promise<Record<string, number>> {
  return withClient(database, async (c) => {
    const tables = await c.query<{ name: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid=c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1`,
    );
    const counts: Record<string, number> = {};
    for (const t of tables.rows) {
      const r = await c.query<{ n: string }>(`SELECT count(*) AS n FROM ONLY ${t.name}`);
      counts[t.name] = Number(r.rows[0]?.n);
    }
    return counts;
  });
}

/** md5 of each table's full content in a stable order: equal digests mean identical tables. */
export async function tableDigests(database: string): Promise<Record<string, string>> {
  return withClient(database, async (c) => {
    const tables = await c.query<{ name: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid=c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1`,
    );
    const digests: Record<string, string> = {};
    for (const t of tables.rows) {
      const r = await c.query<{ d: string }>(
        `SELECT md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text), '')) AS d FROM ONLY ${t.name} x`,
      );
      digests[t.name] = r.rows[0]?.d ?? '';
    }
    return digests;
  });
}

export async function columnValues(client: pg.Client, table: string, column: string): Promise<string[]> {
  const r = await client.query<{ v: string }>(
    `SELECT DISTINCT ${column}::text AS v FROM ${table} WHERE ${column} IS NOT NULL AND ${column}::text <> ''`,
  );
  return r.rows.map((row) => row.v);
}
