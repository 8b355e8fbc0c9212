import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import {
  GatewayError,
  qualifiedName,
  type DdlSection,
  type Selection,
  type TableRef,
} from '../../src/core/index.js';
import { introspectCatalog, withDependentViews, type Queryable } from './catalog.js';

const run = promisify(execFile);

/**
 * Schema DDL comes from pg_dump's pre-data/post-data sections: the standard way to get full fidelity
 * (types, domains, partitions, identity, functions, views, indexes, constraints, triggers) without
 * re-implementing it. pg_dump must be at least the server's major version.
 */

export interface PgDumpTool {
  readonly path: string;
  readonly major: number;
}

/** Finds a pg_dump able to dump a server of `serverMajor`: LOOKALIKE_PG_DUMP, then PATH, then Debian's layout. */
export async function findPgDump(
  serverMajor: number,
  configuredPath: string | undefined,
): Promise<PgDumpTool> {
  const candidates: string[] = [];
  if (configuredPath !== undefined && configuredPath !== '') candidates.push(configuredPath);
  else {
    candidates.push('pg_dump');
    const debianRoot = '/usr/lib/postgresql';
    if (existsSync(debianRoot)) {
      for (const version of readdirSync(debianRoot).sort((a, b) => Number(b) - Number(a))) {
        const path = `${debianRoot}/${version}/bin/pg_dump`;
        if (existsSync(path)) candidates.push(path);
      }
    }
  }
  let best: PgDumpTool | undefined;
  for (const path of candidates) {
    const major = await pgDumpMajor(path);
    if (major !== undefined && (best === undefined || major > best.major)) best = { path, major };
  }
  if (best === undefined) {
    throw new GatewayError(
      'tool_missing',
      'pg_dump was not found: install the PostgreSQL client tools or set LOOKALIKE_PG_DUMP',
    );
  }
  if (best.major < serverMajor) {
    throw new GatewayError(
      'tool_version_mismatch',
      `pg_dump ${best.major} cannot dump a PostgreSQL ${serverMajor} server; install client tools ${serverMajor} or newer and set LOOKALIKE_PG_DUMP`,
    );
  }
  return best;
}

async function pgDumpMajor(path: string): Promise<number | undefined> {
  try {
    const { stdout } = await run(path, ['--version'], { timeout: 10_000 });
    const match = /(\d+)(?:\.\d+)?/.exec(stdout);
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

export interface DumpScope {
  readonly schemas: readonly string[];
  /** Tables of those schemas left out of the selection (dropped after pre-data). */
  readonly excludeTables: readonly TableRef[];
  /** Those tables and the views built on them (left out of post-data). */
  readonly excludeRelations: readonly TableRef[];
}

/**
 * pg_dump arguments for one schema-only section, shared by the binary and PGlite's pg_dump. Pre-data keeps
 * every table so views and functions over left-out tables still create (the caller then runs
 * dropTablesSql); post-data leaves out the left-out tables and every view on them.
 */
export function dumpArgs(section: DdlSection, scope: DumpScope): string[] {
  const args = [
    '--schema-only',
    `--section=${section === 'pre_data' ? 'pre-data' : 'post-data'}`,
    '--no-owner',
    '--no-privileges',
    '--no-publications',
    '--no-subscriptions',
    '--no-security-labels',
    ...scope.schemas.map((schema) => `--schema=${patternLiteral(schema)}`),
  ];
  if (section === 'post_data') {
    for (const t of scope.excludeRelations) {
      args.push(`--exclude-table=${patternLiteral(t.schema)}.${patternLiteral(t.name)}`);
    }
  }
  return args;
}

/** What a selection means for pg_dump: `--tables` keeps the selected tables' schemas and leaves the rest out. */
export async function resolveDumpScope(db: Queryable, selection: Selection): Promise<DumpScope> {
  if (selection.tables.length === 0)
    return { schemas: selection.schemas, excludeTables: [], excludeRelations: [] };
  const schemas = [...new Set(selection.tables.map((t) => t.schema))];
  const selected = new Set((await introspectCatalog(db, selection)).tables.map((t) => qualifiedName(t.ref)));
  const all = await db.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS name FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1::text[]) ORDER BY 1, 2`,
    [schemas],
  );
  const excludeTables = all.filter((t) => !selected.has(`${t.schema}.${t.name}`));
  return { schemas, excludeTables, excludeRelations: await withDependentViews(db, excludeTables) };
}

/** Runs pg_dump for one section inside the source's exported snapshot, so schema and data agree. */
export async function dumpSection(
  tool: PgDumpTool,
  env: NodeJS.ProcessEnv,
  section: DdlSection,
  snapshotId: string,
  scope: DumpScope,
): Promise<string> {
  const args = [...dumpArgs(section, scope), `--snapshot=${snapshotId}`];
  try {
    const { stdout } = await run(tool.path, args, { env, maxBuffer: 256 * 1024 * 1024, timeout: 600_000 });
    return createSchemasIfMissing(stripMetaCommands(stdout));
  } catch (error) {
    // With --schema-only pg_dump reads no rows, so its stderr names objects and settings, never values.
    const code = (error as { code?: unknown }).code;
    throw new GatewayError(
      'schema_copy_failed',
      `pg_dump failed to read the ${section === 'pre_data' ? 'pre-data' : 'post-data'} schema (exit ${String(code)})${pgDumpReason(error)}`,
    );
  }
}

/** The first `pg_dump: error:` line, trimmed, as the reason. */
function pgDumpReason(error: unknown): string {
  const raw = (error as { stderr?: unknown }).stderr;
  const stderr = typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : '';
  const line = stderr.split('\n').find((l) => l.startsWith('pg_dump: error:'));
  return line === undefined ? '' : `: ${line.slice('pg_dump: error:'.length).trim().slice(0, 200)}`;
}

/** pg_dump name patterns treat `*`, `?` and `.` specially; double quotes make a name literal. */
export function patternLiteral(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** psql meta-commands (`\restrict`, `\unrestrict`, `\connect`) are not SQL; the sink runs plain SQL. */
export function stripMetaCommands(sql: string): string {
  return sql
    .split('\n')
    .filter((line) => !line.startsWith('\\'))
    .join('\n');
}

/**
 * `--schema=public` makes pg_dump emit `CREATE SCHEMA public;`, which fails on a target that has the
 * default public schema (an empty target may have no other). Schemas are created only if missing.
 */
export function createSchemasIfMissing(sql: string): string {
  return sql.replace(/^CREATE SCHEMA (?!IF NOT EXISTS )/gm, 'CREATE SCHEMA IF NOT EXISTS ');
}

/**
 * Statements that remove tables left out of a `--tables` selection after the full pre-data ran; CASCADE
 * also removes views over them (they could not work without the table).
 */
export function dropTablesSql(tables: readonly TableRef[]): string {
  return tables
    .map(
      (t) =>
        `DROP TABLE IF EXISTS "${t.schema.replace(/"/g, '""')}"."${t.name.replace(/"/g, '""')}" CASCADE;\n`,
    )
    .join('');
}
