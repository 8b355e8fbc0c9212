import type { FileHandle } from 'node:fs/promises';
import { ByteWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer';
import type { RowBatch } from '../../src/core/index.js';
import { valueJson, type ColumnEncoding } from './value-json.js';

/** Rows per row group: one group's column arrays are what the writer holds in memory. */
const ROW_GROUP_ROWS = 50_000;
/** The encode buffer's starting size; it grows to one encoded row group, written out after each group. */
const INITIAL_BUFFER_BYTES = 1 << 20;

type ParquetValue = string | number | bigint | boolean | null;

const INT32_TYPES = new Set(['smallint', 'int2', 'integer', 'int', 'int4']);
const INT64_TYPES = new Set(['bigint', 'int8']);
const DOUBLE_TYPES = new Set(['real', 'float4', 'double precision', 'float8', 'float']);

/**
 * How a column is stored: integers as INT32/INT64, floats as DOUBLE, booleans as BOOLEAN, json, jsonb
 * and arrays as JSON text, and everything else — numeric (exact digits), dates, timestamps, text, enums —
 * as UTF-8 in PostgreSQL's text form, which `schema.json` types. Every column is OPTIONAL (NULL stays NULL).
 */
function schemaElement(column: ColumnEncoding): {
  element: SchemaElement;
  convert: (text: string) => ParquetValue;
} {
  const name = column.name;
  const typeKey = column.typeKey ?? '';
  if (column.arrayDepth > 0 || column.kind === 'json')
    return {
      element: { name, type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type: 'OPTIONAL' },
      convert: (text) => valueJson(text, column),
    };
  if (column.kind === 'boolean')
    return {
      element: { name, type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
      convert: (text) => text === 't' || text === 'true',
    };
  if (INT32_TYPES.has(typeKey))
    return { element: { name, type: 'INT32', repetition_type: 'OPTIONAL' }, convert: (text) => Number(text) };
  if (INT64_TYPES.has(typeKey))
    return { element: { name, type: 'INT64', repetition_type: 'OPTIONAL' }, convert: (text) => BigInt(text) };
  if (DOUBLE_TYPES.has(typeKey))
    return {
      element: { name, type: 'DOUBLE', repetition_type: 'OPTIONAL' },
      convert: (text) => Number(text),
    };
  return {
    element: { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
    convert: (text) => text,
  };
}

/** A ByteWriter that hands its bytes to the file whenever the Parquet writer flushes (after each row group). */
class FileByteWriter extends ByteWriter {
  constructor(private readonly handle: FileHandle) {
    super(INITIAL_BUFFER_BYTES);
  }

  async flush(): Promise<void> {
    const bytes = this.getBytes();
    for (let at = 0; at < bytes.length;) {
      const { bytesWritten } = await this.handle.write(bytes, at);
      if (bytesWritten === 0) throw new Error('no progress');
      at += bytesWritten;
    }
    this.index = 0;
  }
}

/**
 * One table as a Parquet file, streamed: rows are gathered column-major into row groups of
 * ROW_GROUP_ROWS, each encoded (snappy) and written before the next is gathered.
 */
export class ParquetTableWriter {
  readonly #writer: ParquetWriter;
  readonly #bytes: FileByteWriter;
  readonly #columns: { readonly name: string; readonly convert: (text: string) => ParquetValue }[];
  #group: ParquetValue[][];
  #rows = 0;

  constructor(handle: FileHandle, columns: readonly ColumnEncoding[], createdBy: string) {
    const described = columns.map(schemaElement);
    this.#columns = described.map((d, i) => ({ name: columns[i]?.name ?? '', convert: d.convert }));
    this.#group = columns.map(() => []);
    this.#bytes = new FileByteWriter(handle);
    this.#writer = new ParquetWriter({
      writer: this.#bytes,
      schema: [{ name: 'root', num_children: columns.length }, ...described.map((d) => d.element)],
      createdBy,
    });
  }

  async add(rows: RowBatch): Promise<void> {
    for (const row of rows) {
      for (let c = 0; c < this.#columns.length; c++) {
        const text = row[c] ?? null;
        (this.#group[c] as ParquetValue[]).push(
          text === null ? null : (this.#columns[c]?.convert(text) ?? null),
        );
      }
      if (++this.#rows >= ROW_GROUP_ROWS) await this.#writeGroup();
    }
  }

  async finish(): Promise<void> {
    // An empty table is a file with its schema and no row group.
    if (this.#rows > 0) await this.#writeGroup();
    // The footer goes into the buffer; then whatever the buffer holds goes to the file.
    await this.#writer.finish();
    await this.#bytes.flush();
  }

  async #writeGroup(): Promise<void> {
    const columnData = this.#columns.map((c, i) => ({ name: c.name, data: this.#group[i] ?? [] }));
    await this.#writer.write({ columnData, rowGroupSize: Math.max(1, this.#rows) });
    this.#group = this.#columns.map(() => []);
    this.#rows = 0;
  }
}
