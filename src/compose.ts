import {
  createPgliteSink,
  createPgliteSource,
  createPgSink,
  createPgSource,
} from '../connectors/postgres/index.js';
import { createFileSink, FILE_FORMATS, isFileFormat } from '../connectors/files/index.js';
import { GatewayError, type SinkConnector, type SourceConnector } from './core/index.js';
import type { Settings } from './config/index.js';
import type { ColumnAdvisor } from './detection/index.js';
import { createOpenAiAdvisor } from './llm/index.js';

/** Composition root: the only place that knows which connector serves which URL. */

const POSTGRES_URL = /^postgres(ql)?:\/\//;

export function createSource(url: string, settings: Settings): SourceConnector {
  if (POSTGRES_URL.test(url)) return createPgSource(url, { pgDumpPath: settings.pgDumpPath });
  throw new GatewayError('usage', '--source must be a postgres:// or postgresql:// URL');
}

/** The column advisor when the language-model assist is configured (LOOKALIKE_LLM_BASE_URL), else none. */
export function createAdvisor(settings: Settings): ColumnAdvisor | undefined {
  return settings.llm === null ? undefined : createOpenAiAdvisor(settings.llm);
}

export function createTarget(url: string): SinkConnector {
  if (POSTGRES_URL.test(url)) return createPgSink(url);
  if (isFileUrl(url))
    throw new GatewayError(
      'usage',
      'a file: target takes synthetic rows only (lookalike synth); this command needs a postgres:// target',
    );
  throw new GatewayError('usage', '--target must be a postgres:// or postgresql:// URL');
}

/** `file:out/` or `file:///abs/out`: a folder of files, one per table (synthesis only). */
export function isFileUrl(url: string): boolean {
  return /^file:/.test(url);
}

/** A folder target for synthesis; `format` is `--format` (csv, jsonl or parquet). */
export function createFileTarget(url: string, format: string | undefined): SinkConnector {
  if (!isFileFormat(format))
    throw new GatewayError('usage', `a file: target needs --format ${FILE_FORMATS.join(', ')}`);
  return createFileSink(url, format);
}

/** The embedded default: two in-process PostgreSQL databases (PGlite), the source filled with the demo shop. */
export interface DemoDatabases {
  readonly source: SourceConnector;
  readonly target: SinkConnector;
  query(side: 'source' | 'target', sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export async function openDemoDatabases(customers: number): Promise<DemoDatabases> {
  // Loaded here, not with this module: the demo's data imports every faker locale (~17 MB of heap), and
  // every command that builds a connector imports this module.
  const [{ PGlite }, { demoDataSql, demoSchemaSql }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('./demo/index.js'),
  ]);
  // PGlite.create() runs initdb in a helper instance of its own, whose WASM memory (~500 MB) stays until a
  // GC collects it: two creates at once held two. One blank database is created; the source and the target
  // start from its data directory (loadDataDir: no initdb), so the demo fits a smaller container (measured:
  // peak RSS 1.23 GB -> 1.02 GB, and ~2 s faster).
  const blank = await PGlite.create();
  let dataDir: Blob;
  try {
    dataDir = await blank.dumpDataDir('none');
  } finally {
    await blank.close();
  }
  const [sourceDb, targetDb] = await Promise.all([
    PGlite.create({ loadDataDir: dataDir }),
    PGlite.create({ loadDataDir: dataDir }),
  ]);
  await sourceDb.exec(demoSchemaSql());
  for (const statement of demoDataSql({ customers })) await sourceDb.exec(statement);
  await sourceDb.exec('ANALYZE');
  return {
    source: createPgliteSource(sourceDb),
    target: createPgliteSink(targetDb),
    query: async (side, sql) =>
      (await (side === 'source' ? sourceDb : targetDb).query<Record<string, unknown>>(sql)).rows,
    close: async () => {
      await sourceDb.close();
      await targetDb.close();
    },
  };
}
