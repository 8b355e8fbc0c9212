import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GatewayError,
  qualifiedName,
  type ErrorCode,
  type ErrorDetails,
  type RowBatch,
  type SinkConnector,
  type SinkSession,
  type TableRef,
} from '../../src/core/index.js';
import { csvHeader, encodeCsvRows } from './csv-encoder.js';
import { DdlCatalog } from './ddl-catalog.js';
import { encodeJsonLines } from './jsonl-encoder.js';
import { ParquetTableWriter } from './parquet-table-writer.js';
import { buildSchemaFile, type WrittenTable } from './schema-file.js';
import { tableFileName } from './table-file-name.js';
import type { ColumnEncoding } from './value-json.js';

export const FILE_FORMATS = ['csv', 'jsonl', 'parquet'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

export function isFileFormat(text: string | undefined): text is FileFormat {
  return FILE_FORMATS.some((format) => format === text);
}

export const SCHEMA_FILE_NAME = 'schema.json';

/** The folder a `file:` URL names: `file:out/` (relative to the working directory) or `file:///abs/out`. */
export function folderOfFileUrl(url: string): string {
  let path: string;
  if (url.startsWith('file://')) {
    try {
      path = fileURLToPath(url);
    } catch {
      throw new GatewayError(
        'usage',
        'the file: target is not a local folder URL (file:out/ or file:///abs/out)',
      );
    }
  } else path = url.slice('file:'.length);
  if (path === '') throw new GatewayError('usage', 'the file: target names no folder (e.g. file:out/)');
  const folder = resolve(path);
  if (dirname(folder) === folder) throw new GatewayError('usage', 'the file: target cannot be a root folder');
  return folder;
}

/**
 * A folder of files, one per table, and `schema.json` beside them (tables, columns with their PostgreSQL
 * types, nullability, keys). Everything is written into a hidden staging folder next to the target and
 * renamed into place on commit: a failed or cancelled run removes it, so a folder at the target's path is
 * always complete. Rows stream batch by batch (memory holds one encoded batch).
 */
export function createFileSink(url: string, format: FileFormat): SinkConnector {
  const folder = folderOfFileUrl(url);
  return {
    kind: 'files',
    openSink: (signal) =>
      signal.aborted
        ? Promise.reject(new GatewayError('cancelled', 'cancelled before opening the file target'))
        : Promise.resolve(new FileSinkSession(folder, format)),
  };
}

type SessionState = 'none' | 'open' | 'failed' | 'ended';

function errnoOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : 'unknown';
}

class FileSinkSession implements SinkSession {
  readonly #folder: string;
  readonly #format: FileFormat;
  readonly #label: string;
  readonly #catalog = new DdlCatalog();
  readonly #written = new Map<string, WrittenTable>();
  readonly #fileNames = new Set<string>();
  #state: SessionState = 'none';
  #staging: string | null = null;

  constructor(folder: string, format: FileFormat) {
    this.#folder = folder;
    this.#format = format;
    this.#label = `file target ${folder}`;
  }

  /** A missing folder or an empty one is empty; anything else at the path is refused. */
  async assertEmpty(): Promise<void> {
    let entries: string[];
    try {
      const stats = await lstat(this.#folder);
      if (!stats.isDirectory())
        throw new GatewayError('target_not_empty', `${this.#label} exists and is not a folder`);
      entries = await readdir(this.#folder);
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      if (errnoOf(error) === 'ENOENT') return;
      throw new GatewayError('target_write_failed', `${this.#label}: cannot inspect it (${errnoOf(error)})`);
    }
    if (entries.length > 0) {
      throw new GatewayError(
        'target_not_empty',
        `${this.#label} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}); files go into an empty or new folder`,
      );
    }
  }

  async begin(): Promise<void> {
    if (this.#state !== 'none')
      throw new GatewayError('internal', `${this.#label}: a session runs one load, begun once`);
    const staging = join(
      dirname(this.#folder),
      `.${basename(this.#folder)}.lookalike-partial-${randomBytes(6).toString('hex')}`,
    );
    await this.#step('target_write_failed', 'cannot create its staging folder', {}, async () => {
      await mkdir(dirname(this.#folder), { recursive: true });
      await mkdir(staging);
    });
    this.#staging = staging;
    this.#state = 'open';
  }

  applyDdl(sql: string, label: string): Promise<void> {
    this.#requireOpen();
    try {
      this.#catalog.apply(sql);
    } catch {
      this.#state = 'failed';
      return Promise.reject(
        new GatewayError('schema_copy_failed', `${this.#label}: reading ${label} failed`),
      );
    }
    return Promise.resolve();
  }

  dropColumn(table: TableRef, column: string): Promise<void> {
    this.#requireOpen();
    this.#catalog.dropColumn(table, column);
    return Promise.resolve();
  }

  async writeRows(
    table: TableRef,
    columns: readonly string[],
    batches: AsyncIterable<RowBatch>,
    signal: AbortSignal,
  ): Promise<number> {
    const staging = this.#requireOpen();
    const name = qualifiedName(table);
    if (this.#written.has(name))
      throw new GatewayError('internal', `${this.#label}: ${name} was written twice`, { table: name });
    const encodings = this.#encodings(table, columns);
    const file = tableFileName(table, this.#format);
    if (this.#fileNames.has(file.toLowerCase())) {
      this.#state = 'failed';
      throw new GatewayError(
        'target_write_failed',
        `${this.#label}: two tables would share the file ${file}`,
        {
          table: name,
        },
      );
    }
    this.#fileNames.add(file.toLowerCase());
    const entry: WrittenTable = { ref: table, file, columns: [...columns], rows: 0 };
    this.#written.set(name, entry);
    const context = `writing ${file} failed`;
    const handle = await this.#step('target_write_failed', context, { table: name }, () =>
      open(join(staging, file), 'wx'),
    );
    try {
      const parquet =
        this.#format === 'parquet' ? new ParquetTableWriter(handle, encodings, 'lookalike') : null;
      if (this.#format === 'csv') await this.#write(handle, csvHeader(encodings), context, name);
      // Errors from upstream (`batches`) pass through untouched; only this file's errors are translated.
      for await (const batch of batches) {
        if (signal.aborted)
          throw new GatewayError('cancelled', `cancelled while writing ${name}`, { table: name });
        if (batch.length === 0) continue;
        if (parquet !== null) {
          await this.#step('target_write_failed', context, { table: name }, () => parquet.add(batch));
        } else {
          const text =
            this.#format === 'csv' ? encodeCsvRows(batch, encodings) : encodeJsonLines(batch, encodings);
          await this.#write(handle, text, context, name);
        }
        entry.rows += batch.length;
      }
      if (parquet !== null)
        await this.#step('target_write_failed', context, { table: name }, () => parquet.finish());
      await this.#step('target_write_failed', context, { table: name }, () => handle.sync());
    } finally {
      await handle.close().catch(() => undefined);
    }
    return entry.rows;
  }

  /** Files have no sequences: the generated keys are in the rows. */
  setSequence(): Promise<void> {
    this.#requireOpen();
    return Promise.resolve();
  }

  /** Views are not written to files. */
  refreshMaterializedViews(): Promise<number> {
    this.#requireOpen();
    return Promise.resolve(0);
  }

  countRows(table: TableRef): Promise<number> {
    return Promise.resolve(this.#written.get(qualifiedName(table))?.rows ?? 0);
  }

  /** Writes `schema.json` last, then renames the staging folder to the target (an empty folder is replaced). */
  async commit(): Promise<void> {
    const staging = this.#requireOpen();
    const schema = buildSchemaFile(this.#catalog, this.#format, [...this.#written.values()]);
    await this.#step('target_write_failed', `writing ${SCHEMA_FILE_NAME} failed`, {}, async () => {
      const handle = await open(join(staging, SCHEMA_FILE_NAME), 'wx');
      try {
        await handle.writeFile(`${JSON.stringify(schema, null, 2)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
    try {
      await rename(staging, this.#folder);
    } catch (error) {
      this.#state = 'failed';
      const code = errnoOf(error);
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR')
        throw new GatewayError('target_not_empty', `${this.#label} was filled while the files were written`);
      throw new GatewayError(
        'target_write_failed',
        `${this.#label}: moving the files into place failed (${code})`,
      );
    }
    this.#staging = null;
    this.#state = 'ended';
    await syncFolder(dirname(this.#folder));
  }

  /** Removes the staging folder and everything in it. */
  async rollback(): Promise<void> {
    if (this.#state === 'ended' && this.#staging === null) return;
    this.#state = 'ended';
    const staging = this.#staging;
    if (staging === null) return;
    try {
      await rm(staging, { recursive: true, force: true });
      this.#staging = null;
    } catch (error) {
      throw new GatewayError(
        'target_write_failed',
        `${this.#label}: removing its staging folder failed (${errnoOf(error)})`,
      );
    }
  }

  /** Rolls back a load that was neither committed nor rolled back. Safe to call twice. */
  async close(): Promise<void> {
    await this.rollback();
  }

  #encodings(table: TableRef, columns: readonly string[]): ColumnEncoding[] {
    const name = qualifiedName(table);
    if (this.#catalog.table(table) === undefined) {
      this.#state = 'failed';
      throw new GatewayError('schema_copy_failed', `${this.#label}: the schema DDL does not create ${name}`, {
        table: name,
      });
    }
    const defined = new Map(this.#catalog.columnsOf(table).map((c) => [c.name, c]));
    return columns.map((column) => {
      const definition = defined.get(column);
      if (definition === undefined) {
        this.#state = 'failed';
        throw new GatewayError(
          'schema_copy_failed',
          `${this.#label}: the schema DDL has no column ${name}.${column}`,
          {
            table: name,
            column,
          },
        );
      }
      const { kind, arrayDepth, typeKey } = this.#catalog.resolve(definition);
      return { name: column, kind, arrayDepth, typeKey };
    });
  }

  async #write(handle: FileHandle, text: string, context: string, table: string): Promise<void> {
    const bytes = Buffer.from(text, 'utf8');
    await this.#step('target_write_failed', context, { table }, async () => {
      // A write may take fewer bytes than offered; the rest follows.
      for (let at = 0; at < bytes.length;) {
        const { bytesWritten } = await handle.write(bytes, at);
        if (bytesWritten === 0) throw new Error('no progress');
        at += bytesWritten;
      }
    });
  }

  #requireOpen(): string {
    if (this.#state === 'open' && this.#staging !== null) return this.#staging;
    if (this.#state === 'failed')
      throw new GatewayError(
        'target_write_failed',
        `${this.#label}: an earlier step failed; the run must roll back`,
      );
    throw new GatewayError(
      'internal',
      `${this.#label}: ${this.#state === 'none' ? 'begin() was not called' : 'the load has ended'}`,
    );
  }

  /** One file-system step; an error fails the load and keeps only its errno code (paths and names are ours). */
  async #step<T>(code: ErrorCode, context: string, details: ErrorDetails, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (this.#state === 'open') this.#state = 'failed';
      if (error instanceof GatewayError) throw error;
      throw new GatewayError(code, `${this.#label}: ${context} (${errnoOf(error)})`, details);
    }
  }
}

/** Makes the rename durable where the platform lets a folder be synced (not on Windows). */
async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Durability of the rename only; the files themselves were synced.
  }
}
