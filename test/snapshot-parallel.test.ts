import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgSink, createPgSource } from '../connectors/postgres/index.js';
import {
  GatewayError,
  Secret,
  silentLogger,
  type LogFields,
  type Logger,
  type ReadRequest,
  type SourceConnector,
  type SourceSession,
} from '../src/core/index.js';
import { createDetection, type Detection } from '../src/detection/index.js';
import { runSnapshot, type SnapshotEvent } from '../src/pipeline/index.js';
import { loadPolicy, type Policy } from '../src/policy/index.js';
import { columnValues, tableDigests } from './helpers/compare-databases.js';
import { createDatabase, databaseUrl, dropDatabase, testSecret, withClient } from './helpers/databases.js';

const PEOPLE = 6_000;

const POLICY_YAML = `version: 1
strict: true
tables:
  public.people:
    columns:
      id: keep
      first_name: { action: substitute, entity: first_name }
      last_name: { action: substitute, entity: last_name }
      email: { action: substitute, entity: email }
      phone: { action: substitute, entity: phone }
      city: keep
      note: { action: redact_text, reason: free text quoting the person }
  public.orders:
    columns:
      id: keep
      person_id: keep
      amount: keep
`;

/** A source that can be made to send a malformed row mid-table. */
interface Spy {
  readonly connector: SourceConnector;
  /** After this many encoded chunks of `people`, a malformed row is sent. */
  corruptPeopleAfterChunks: number | undefined;
}

function spySource(url: string): Spy {
  const inner = createPgSource(url);
  const spy: Spy = {
    corruptPeopleAfterChunks: undefined,
    connector: {
      kind: inner.kind,
      openSource: async (signal) => wrap(await inner.openSource(signal)),
    },
  };
  function wrap(session: SourceSession): SourceSession {
    return new Proxy(session, {
      get(target, property) {
        if (property === 'readEncoded')
          return async function* (request: ReadRequest, signal: AbortSignal): AsyncIterable<Buffer> {
            let chunks = 0;
            for await (const chunk of (target.readEncoded as NonNullable<SourceSession['readEncoded']>).call(
              target,
              request,
              signal,
            )) {
              yield chunk;
              chunks++;
              if (request.table.name === 'people' && chunks === spy.corruptPeopleAfterChunks)
                yield Buffer.from('\nnot\ta\trow\n');
            }
          };
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
  return spy;
}

/** A logger that keeps the events of one run (names and fields: never values). */
function recordingLogger(): { logger: Logger; events: { event: string; fields: LogFields }[] } {
  const events: { event: string; fields: LogFields }[] = [];
  const keep = (event: string, fields: LogFields = {}): void => void events.push({ event, fields });
  return { logger: { debug: keep, info: keep, warn: keep, error: keep }, events };
}

/** Connections of this server to `database` other than the asking one. */
async function connectionsTo(database: string): Promise<number> {
  return withClient('postgres', async (c) => {
    const r = await c.query<{ n: string }>(
      'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [database],
    );
    return Number(r.rows[0]?.n);
  });
}

async function userTables(database: string): Promise<number> {
  return withClient(database, async (c) => {
    const r = await c.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg\\_%'`,
    );
    return Number(r.rows[0]?.n);
  });
}

/** Heap order, not sorted: the parallel path must write rows in the order the source sent them. */
async function heapOrderDigest(database: string, table: string): Promise<string> {
  return withClient(database, async (c) => {
    const r = await c.query<{ d: string }>(`SELECT md5(string_agg(x::text, E'\\n')) AS d FROM ${table} x`);
    return r.rows[0]?.d ?? '';
  });
}

describe('transform workers (real PostgreSQL)', () => {
  let source: string;
  let work: string;
  let policy: Policy;
  let detection: Detection;
  const targets: string[] = [];
  const secret = new Secret(Buffer.from(testSecret('parallel')));

  beforeAll(async () => {
    source = await createDatabase('par_src');
    await withClient(source, (c) =>
      c.query(`
        CREATE TABLE people (id int PRIMARY KEY, first_name text, last_name text, email text UNIQUE, phone text,
                             city text, note text);
        INSERT INTO people
        SELECT g, f, l, lower(f || '.' || l || '.' || g || '@example.com'),
               '+1 ' || (200 + g % 700) || '-555-' || (2000 + g % 8000)::text,
               (ARRAY['Oslo','Graz','Split','Bergen'])[1 + g % 4],
               CASE WHEN g % 11 = 0 THEN NULL
                    ELSE 'Spoke with ' || f || ' ' || l || ' (+1 ' || (200 + g % 700) || '-555-' ||
                         (2000 + g % 8000)::text || E') about ticket ' || g || E';\\tcall back.' END
          FROM generate_series(1, ${PEOPLE}) g,
               LATERAL (SELECT (ARRAY['Tove','Jana','Ines','Mary','Omar','Chen','Zoë'])[1 + g % 7] AS f,
                               (ARRAY['Moreau','Garcia','Weber','Smith','Haddad','Ñandú'])[1 + (g / 7) % 6] AS l) n;
        CREATE TABLE orders (id int PRIMARY KEY, person_id int REFERENCES people, amount numeric);
        INSERT INTO orders SELECT g, 1 + g % ${PEOPLE}, g * 1.5 FROM generate_series(1, ${2 * PEOPLE}) g;
        ANALYZE;`),
    );
    work = await mkdtemp(join(tmpdir(), 'lookalike-parallel-'));
    const file = join(work, 'parallel.policy.yaml');
    await writeFile(file, POLICY_YAML);
    policy = await loadPolicy(file);
    detection = await createDetection({ packageRoot: process.cwd() });
  });

  afterAll(async () => {
    for (const target of targets) await dropDatabase(target);
    await dropDatabase(source);
    await rm(work, { recursive: true, force: true });
  });

  async function snapshot(
    spy: Spy,
    transformWorkers: number,
    options: { signal?: AbortSignal; onEvent?: (event: SnapshotEvent) => void; logger?: Logger } = {},
  ): Promise<string> {
    const target = await createDatabase('par_dst');
    targets.push(target);
    await runSnapshot({
      source: spy.connector,
      target: createPgSink(databaseUrl(target)),
      policy,
      detection,
      selection: { schemas: [], tables: [] },
      secret,
      batchRows: 500,
      signal: options.signal ?? new AbortController().signal,
      logger: options.logger ?? silentLogger,
      transformWorkers,
      ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
    });
    return target;
  }

  it('writes exactly the target the single-thread path writes, in the same row order', async () => {
    const single = spySource(databaseUrl(source));
    const parallel = spySource(databaseUrl(source));
    const one = recordingLogger();
    const three = recordingLogger();
    const a = await snapshot(single, 0, { logger: one.logger });
    const b = await snapshot(parallel, 3, { logger: three.logger });
    const workersOf = (events: { event: string; fields: LogFields }[]) =>
      events.filter((e) => e.event === 'transform_workers').map((e) => e.fields);
    expect(workersOf(one.events)).toEqual([]);
    // people only: orders keeps every column and streams through.
    expect(workersOf(three.events)).toEqual([{ table: 'public.people', workers: 3 }]);
    const digests = await tableDigests(b);
    expect(digests).toEqual(await tableDigests(a));
    expect(await heapOrderDigest(b, 'people')).toBe(await heapOrderDigest(a, 'people'));
    // The transforms really ran: no source email or note is left.
    const values = (database: string, column: string) =>
      withClient(database, async (c) => new Set(await columnValues(c, 'people', column)));
    for (const column of ['email', 'note']) {
      const real = await values(source, column);
      const written = [...(await values(b, column))];
      expect(written.length).toBeGreaterThan(PEOPLE / 2);
      expect(written.filter((v) => real.has(v))).toEqual([]);
    }
  });

  it('releases every connection and leaves the target empty when aborted mid-table', async () => {
    const spy = spySource(databaseUrl(source));
    const controller = new AbortController();
    let target = '';
    const run = snapshot(spy, 2, {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'table_progress' && event.table.name === 'people') controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    target = targets.at(-1) as string;
    expect(await connectionsTo(source)).toBe(0);
    expect(await connectionsTo(target)).toBe(0);
    expect(await userTables(target)).toBe(0);
  });

  it('fails the run and rolls back when a worker meets a malformed row mid-table', async () => {
    const spy = spySource(databaseUrl(source));
    spy.corruptPeopleAfterChunks = 3;
    const run = snapshot(spy, 2);
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('source_read_failed');
    expect((error as GatewayError).message).toContain('public.people');
    expect((error as GatewayError).message).not.toContain('a\trow');
    const target = targets.at(-1) as string;
    expect(await connectionsTo(source)).toBe(0);
    expect(await connectionsTo(target)).toBe(0);
    expect(await userTables(target)).toBe(0);
  });
});
