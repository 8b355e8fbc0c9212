import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgSource } from '../connectors/postgres/index.js';
import { createDatabase, databaseUrl, dropDatabase, withClient } from './helpers/databases.js';

const SELECT_ALL = { schemas: [], tables: [] };
const table = { schema: 'public', name: 'events' };

async function sourceBackends(database: string): Promise<number> {
  return withClient('postgres', async (c) => {
    const r = await c.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'lookalike-source'`,
      [database],
    );
    return Number(r.rows[0]?.n);
  });
}

describe('PostgreSQL source streams with backpressure and releases its connection (real PostgreSQL)', () => {
  let database: string;

  beforeAll(async () => {
    database = await createDatabase('stream');
    await withClient(database, (c) =>
      c.query(
        `CREATE TABLE events AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, 400000) g`,
      ),
    );
  });

  afterAll(async () => {
    await dropDatabase(database);
  });

  it('yields bounded batches in column order', async () => {
    const session = await createPgSource(databaseUrl(database)).openSource(new AbortController().signal);
    try {
      let rows = 0;
      let largest = 0;
      for await (const batch of session.readRows(
        { table, columns: ['payload', 'id'], batchRows: 1000 },
        new AbortController().signal,
      )) {
        largest = Math.max(largest, batch.length);
        if (rows === 0)
          expect(batch[0]).toEqual([expect.stringMatching(/^[0-9a-f]{32}$/), expect.stringMatching(/^\d+$/)]);
        rows += batch.length;
      }
      expect(rows).toBe(400000);
      expect(largest).toBe(1000);
    } finally {
      await session.close();
    }
  });

  it('samples the same rows in every session (a repeatable block sample)', async () => {
    const sampled = async (): Promise<string[]> => {
      const session = await createPgSource(databaseUrl(database)).openSource(new AbortController().signal);
      try {
        const ids: string[] = [];
        const read = { table, columns: ['id'], batchRows: 1000, sample: { percent: 1, rows: 2000 } };
        for await (const batch of session.readRows(read, new AbortController().signal))
          for (const row of batch) ids.push(String(row[0]));
        return ids;
      } finally {
        await session.close();
      }
    };
    const first = await sampled();
    expect(first.length).toBeGreaterThan(1000);
    expect(first.length).toBeLessThan(400_000);
    expect(await sampled()).toEqual(first);
  });

  it('stops reading when the consumer stops, and close() releases the connection', async () => {
    const session = await createPgSource(databaseUrl(database)).openSource(new AbortController().signal);
    let seen = 0;
    for await (const batch of session.readRows(
      { table, columns: ['id'], batchRows: 500 },
      new AbortController().signal,
    )) {
      seen += batch.length;
      break;
    }
    expect(seen).toBe(500);
    expect(await sourceBackends(database)).toBe(1);
    await session.close();
    await expect.poll(() => sourceBackends(database)).toBe(0);
  });

  it('throws cancelled when aborted mid-table and releases the connection on close', async () => {
    const session = await createPgSource(databaseUrl(database)).openSource(new AbortController().signal);
    const controller = new AbortController();
    let batches = 0;
    const reading = (async () => {
      for await (const _batch of session.readRows(
        { table, columns: ['id', 'payload'], batchRows: 200 },
        controller.signal,
      )) {
        if (++batches === 3) controller.abort();
      }
    })();
    await expect(reading).rejects.toMatchObject({ code: 'cancelled' });
    expect(batches).toBeLessThan(10);
    await session.close();
    await expect.poll(() => sourceBackends(database)).toBe(0);
  });

  it('reads the same snapshot in every call, whatever is written meanwhile', async () => {
    const session = await createPgSource(databaseUrl(database)).openSource(new AbortController().signal);
    try {
      const count = async (): Promise<number> => {
        let n = 0;
        for await (const batch of session.readRows(
          { table, columns: ['id'], batchRows: 5000 },
          new AbortController().signal,
        ))
          n += batch.length;
        return n;
      };
      const before = await count();
      await withClient(database, (c) =>
        c.query('INSERT INTO events SELECT g, md5(g::text) FROM generate_series(400001, 400100) g'),
      );
      expect(await count()).toBe(before);
      const schema = await session.introspect(SELECT_ALL);
      expect(schema.tables.map((t) => t.ref.name)).toEqual(['events']);
    } finally {
      await session.close();
      await withClient(database, (c) => c.query('DELETE FROM events WHERE id > 400000'));
    }
  });
});
