import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgSink } from '../connectors/postgres/index.js';
import { createDatabase, databaseUrl, dropDatabase, withClient } from './helpers/databases.js';

// Verification reads the target back on the load transaction's own connection. A read abandoned midway
// (a scan worker failed, the run was cancelled) leaves that connection inside a COPY: rolling back must
// not wait behind it forever, and the target must stay as empty as it was.

const table = { schema: 'public', name: 'written' };

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not finish`)), ms)),
  ]);
}

describe('PostgreSQL target read back on the load transaction (real PostgreSQL)', () => {
  let database: string;

  beforeAll(async () => {
    database = await createDatabase('sink_read_back');
  });

  afterAll(async () => {
    await dropDatabase(database);
  });

  it('rolls back and closes after a read abandoned mid-COPY, leaving nothing behind', async () => {
    const sink = await createPgSink(databaseUrl(database)).openSink(new AbortController().signal);
    try {
      await sink.begin();
      await sink.applyDdl(
        `CREATE TABLE written AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, 300000) g`,
        'test rows',
      );
      const reader = sink.reader?.();
      if (reader?.readEncoded === undefined) throw new Error('the pg target reader reads encoded rows');
      let chunks = 0;
      for await (const chunk of reader.readEncoded(
        { table, columns: ['id', 'payload'], batchRows: 1000 },
        new AbortController().signal,
      )) {
        expect(chunk.length).toBeGreaterThan(0);
        chunks++;
        break;
      }
      expect(chunks).toBe(1);
      await within(sink.rollback(), 15_000, 'the rollback');
    } finally {
      await within(sink.close(), 15_000, 'closing the sink');
    }
    const left = await withClient(database, (c) =>
      c.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'written'`),
    );
    expect(left.rows[0]?.n).toBe(0);
  }, 60_000);
});
