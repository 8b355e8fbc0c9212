import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { GatewayError } from '../../src/core/index.js';

/**
 * The chunks of `sql` (a `COPY … TO STDOUT`) on `client`, as the server sends them (not row-aligned); the
 * signal is checked between chunks. A read that stops before the end (its consumer stopped, the signal, an
 * error) leaves the connection inside the COPY, where it can run nothing else: `onAbandoned` is told and
 * the stream destroyed. Errors other than GatewayErrors become `failed(error)` (names, never values).
 */
export async function* copyOutChunks(
  client: pg.Client,
  sql: string,
  options: {
    readonly table: string;
    readonly signal: AbortSignal;
    readonly failed: (error: unknown) => Error;
    readonly onAbandoned: () => void;
  },
): AsyncGenerator<Buffer> {
  const { table, signal } = options;
  const stream = client.query(copyTo(sql));
  let completed = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (signal.aborted) throw new GatewayError('cancelled', `cancelled while reading ${table}`, { table });
      yield chunk;
    }
    completed = true;
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw options.failed(error);
  } finally {
    if (!completed) {
      options.onAbandoned();
      if (!stream.destroyed) stream.destroy();
    }
  }
}
