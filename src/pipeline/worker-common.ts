import { GatewayError, type ErrorCode, type RowBatch, type RowCodec } from '../core/index.js';
import type { WorkerFailure } from './parallel-protocol.js';

/**
 * What worker threads (transform and scan workers) share: their message queue, the row codec they load,
 * the decoding of a slab and the form of a failure.
 */

/** A one-consumer queue of messages: `take` waits for the next one. */
export class Inbox<T> {
  readonly #items: T[] = [];
  #waiting: ((item: T) => void) | undefined;

  put(item: T): void {
    const waiting = this.#waiting;
    if (waiting === undefined) {
      this.#items.push(item);
      return;
    }
    this.#waiting = undefined;
    waiting(item);
  }

  take(): Promise<T> {
    const item = this.#items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => (this.#waiting = resolve));
  }
}

/**
 * GatewayErrors keep their code and message (names only); anything else becomes `internal`, unquoted:
 * "`who` failed (TypeError)".
 */
export function failureOf(error: unknown, who: string): WorkerFailure {
  if (error instanceof GatewayError)
    return { code: error.code, message: error.message, details: error.details };
  const code: ErrorCode = 'internal';
  const kind = error instanceof Error ? error.name : typeof error;
  return { code, message: `${who} failed (${kind})`, details: {} };
}

/** The row codec a worker imports from `EncodedRowFormat.codecModule`. */
export async function loadRowCodec(codecModule: string): Promise<RowCodec> {
  const codec = ((await import(codecModule)) as { rowCodec?: RowCodec }).rowCodec;
  if (codec === undefined) throw new GatewayError('internal', 'the row codec module exports no rowCodec');
  return codec;
}

/** A slab's rows, each of exactly `fields` fields; another width fails with `code`, naming the table only. */
export function decodeSlab(
  codec: RowCodec,
  bytes: Uint8Array,
  fields: number,
  table: string,
  code: ErrorCode,
): RowBatch {
  const rows = codec.decodeRows(bytes);
  for (const row of rows) {
    if (row.length !== fields)
      throw new GatewayError(code, `${table}: a row has an unexpected number of fields`, { table });
  }
  return rows;
}
