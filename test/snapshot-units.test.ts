import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgSink, createPgSource } from '../connectors/postgres/index.js';
import { GatewayError, Secret, silentLogger } from '../src/core/index.js';
import { createDetection, type Detection } from '../src/detection/index.js';
import {
  runLoadUnit,
  runSnapshot,
  type LoadUnit,
  type LoadUnitDispatcher,
  type LoadUnitResult,
} from '../src/pipeline/index.js';
import { loadPolicy, type Policy } from '../src/policy/index.js';
import { tableDigests } from './helpers/compare-databases.js';
import { createDatabase, databaseUrl, dropDatabase, testSecret, withClient } from './helpers/databases.js';

const PEOPLE = 4_000;

const POLICY_YAML = `version: 1
strict: true
tables:
  public.people:
    columns:
      id: keep
      first_name: { action: substitute, entity: first_name }
      last_name: { action: substitute, entity: last_name }
      email: { action: substitute, entity: email }
      note: { action: redact_text, reason: free text quoting the person }
      remark: keep
  public.orders:
    columns:
      id: keep
      person_id: keep
      amount: keep
`;

/** Runs units in this process (each in its own sessions, as another process would), two at a time. */
function localDispatcher(
  target: string,
  options: {
    detection: Detection;
    secret: Secret;
    seen?: LoadUnit[];
    /** Runs after each unit; a result it returns is reported instead of the unit's own. */
    extra?: (u: LoadUnit) => Promise<LoadUnitResult | void>;
  },
): LoadUnitDispatcher {
  return async ({ snapshot, units }, signal, onUnitDone) => {
    const queue = [...units];
    const slot = async (): Promise<void> => {
      for (let unit = queue.shift(); unit !== undefined; unit = queue.shift()) {
        options.seen?.push(unit);
        const result = await runLoadUnit({
          source: createPgSource(databaseUrl(sourceDb)),
          target: createPgSink(databaseUrl(target)),
          snapshot,
          unit,
          detection: options.detection,
          secret: options.secret,
          batchRows: 500,
          signal,
          logger: silentLogger,
        });
        onUnitDone((await options.extra?.(unit)) ?? result);
      }
    };
    await Promise.all([slot(), slot()]);
  };
}

let sourceDb: string;

describe('a load split into units of work (real PostgreSQL)', () => {
  let work: string;
  let policy: Policy;
  let detection: Detection;
  const targets: string[] = [];
  const secret = new Secret(Buffer.from(testSecret('units')));

  beforeAll(async () => {
    sourceDb = await createDatabase('units_src');
    await withClient(sourceDb, (c) =>
      c.query(`
        CREATE TABLE people (id int PRIMARY KEY, first_name text, last_name text, email text UNIQUE, note text,
                             remark text);
        INSERT INTO people
        SELECT g, f, l, lower(f || '.' || l || '.' || g || '@example.com'),
               CASE WHEN g % 9 = 0 THEN NULL ELSE 'Spoke with ' || f || ' ' || l || ' about ticket ' || g END
          FROM generate_series(1, ${PEOPLE}) g,
               LATERAL (SELECT (ARRAY['Tove','Jana','Ines','Mary','Omar','Chen'])[1 + g % 6] AS f,
                               (ARRAY['Moreau','Garcia','Weber','Smith','Haddad'])[1 + (g / 6) % 5] AS l) n;
        CREATE TABLE orders (id int PRIMARY KEY, person_id int REFERENCES people, amount numeric);
        INSERT INTO orders SELECT g, 1 + g % ${PEOPLE}, g * 1.5 FROM generate_series(1, ${3 * PEOPLE}) g;
        CREATE SEQUENCE ticket_seq;
        SELECT setval('ticket_seq', 77);
        ANALYZE;`),
    );
    work = await mkdtemp(join(tmpdir(), 'lookalike-units-'));
    const file = join(work, 'units.policy.yaml');
    await writeFile(file, POLICY_YAML);
    policy = await loadPolicy(file);
    detection = await createDetection({ packageRoot: process.cwd() });
  });

  afterAll(async () => {
    for (const target of targets) await dropDatabase(target);
    await dropDatabase(sourceDb);
    await rm(work, { recursive: true, force: true });
  });

  async function snapshot(dispatch?: (target: string) => LoadUnitDispatcher, blocksPerUnit = 8) {
    const target = await createDatabase('units_dst');
    targets.push(target);
    const summary = await runSnapshot({
      source: createPgSource(databaseUrl(sourceDb)),
      target: createPgSink(databaseUrl(target)),
      policy,
      detection,
      selection: { schemas: [], tables: [] },
      secret,
      batchRows: 500,
      signal: new AbortController().signal,
      logger: silentLogger,
      ...(dispatch === undefined ? {} : { units: { blocksPerUnit, dispatch: dispatch(target) } }),
    });
    return { target, summary };
  }

  it('writes the same target as one transaction, from units that split large tables into page ranges', async () => {
    const one = await snapshot();
    const seen: LoadUnit[] = [];
    const split = await snapshot((target) => localDispatcher(target, { detection, secret, seen }));
    // people and orders span more than 8 pages each: both were split, orders into more ranges.
    const ranges = (name: string) => seen.filter((u) => u.table.name === name && u.blocks !== undefined);
    expect(ranges('people').length).toBeGreaterThan(1);
    expect(ranges('orders').length).toBeGreaterThan(1);
    expect(seen.filter((u) => u.blocks?.to === null)).toHaveLength(2);
    expect(await tableDigests(split.target)).toEqual(await tableDigests(one.target));
    expect(split.summary.totalRows).toBe(PEOPLE * 4);
    expect(split.summary.verification.status).toBe('clean');
    // Each unit searched its rows as it wrote them; only orders (copied unchanged) was read back.
    expect(split.summary.verification.leakScan.tablesScannedWhileWriting).toBe(1);
    expect(split.summary.sequences).toBe(1);
    await withClient(split.target, async (c) => {
      // The run area is gone, the constraints and the sequence are there.
      const area = await c.query(`SELECT 1 FROM pg_namespace WHERE nspname = '_lookalike_run'`);
      expect(area.rowCount).toBe(0);
      const seq = await c.query<{ n: string }>(`SELECT last_value AS n FROM ticket_seq`);
      expect(seq.rows[0]?.n).toBe('77');
      const fks = await c.query(`SELECT 1 FROM pg_constraint WHERE contype = 'f'`);
      expect(fks.rowCount).toBe(1);
    });
  });

  it('loads a source no larger than one unit in one transaction, dispatching nothing', async () => {
    let dispatched = 0;
    const whole = await snapshot(
      () => () => {
        dispatched++;
        return Promise.reject(new GatewayError('internal', 'not expected'));
      },
      100_000,
    );
    expect(dispatched).toBe(0);
    expect(whole.summary.totalRows).toBe(PEOPLE * 4);
  });

  it('loads a unit once when it is run again after its commit (a retried delivery)', async () => {
    const again: string[] = [];
    const split = await snapshot((target) => {
      const dispatch = localDispatcher(target, {
        detection,
        secret,
        // Every unit is run a second time, as a worker would after losing the first attempt's report.
        extra: async (unit) => {
          const repeat = await runLoadUnit({
            source: createPgSource(databaseUrl(sourceDb)),
            target: createPgSink(databaseUrl(target)),
            snapshot: currentSnapshot,
            unit,
            detection,
            secret,
            batchRows: 500,
            signal: new AbortController().signal,
            logger: silentLogger,
          });
          if (repeat.alreadyLoaded) again.push(unit.id);
          // As when the first attempt's report was lost: the run hears of the unit from the repeat.
          return repeat;
        },
      });
      let currentSnapshot = '';
      return (work, signal, onDone) => {
        currentSnapshot = work.snapshot;
        return dispatch(work, signal, onDone);
      };
    });
    expect(again.length).toBeGreaterThan(2);
    // The repeats loaded nothing and scanned nothing: people was read back, never counted from nothing.
    expect(split.summary.verification.leakScan.tablesScannedWhileWriting).toBe(0);
    expect(split.summary.verification.status).toBe('clean');
    expect(again.length).toBe(new Set(again).size);
    expect(split.summary.totalRows).toBe(PEOPLE * 4);
    const counts = await withClient(split.target, (c) =>
      c.query<{ p: string; o: string }>(
        `SELECT (SELECT count(*) FROM people) p, (SELECT count(*) FROM orders) o`,
      ),
    );
    expect(counts.rows[0]).toEqual({ p: String(PEOPLE), o: String(3 * PEOPLE) });
  });

  it('finds real values that units wrote (their in-stream scans summed) and fails the run', async () => {
    await withClient(sourceDb, (c) => c.query(`UPDATE people SET remark = email WHERE id % 500 = 0`));
    try {
      await expect(
        snapshot((target) => localDispatcher(target, { detection, secret })),
      ).rejects.toMatchObject({
        code: 'leak_found',
        details: { items: [`leak: public.people.remark: ${PEOPLE / 500} real email value(s)`] },
      });
    } finally {
      await withClient(sourceDb, (c) => c.query(`UPDATE people SET remark = NULL`));
    }
  });

  it('fails the run when a unit fails; the committed schema stays for the caller to drop', async () => {
    await expect(
      snapshot((target) => {
        const dispatch = localDispatcher(target, {
          detection,
          secret,
          extra: (unit) =>
            unit.table.name === 'people'
              ? Promise.reject(new GatewayError('target_write_failed', 'a unit failed'))
              : Promise.resolve(),
        });
        return dispatch;
      }),
    ).rejects.toMatchObject({ code: 'target_write_failed' });
    const failed = targets[targets.length - 1] ?? '';
    // Not a complete-looking target: no constraints, and the run area still marks it as a load in progress.
    await withClient(failed, async (c) => {
      expect((await c.query(`SELECT 1 FROM pg_constraint WHERE contype = 'f'`)).rowCount).toBe(0);
      expect((await c.query(`SELECT 1 FROM pg_namespace WHERE nspname = '_lookalike_run'`)).rowCount).toBe(1);
      // The sealed state is gone with the run.
      expect((await c.query(`SELECT 1 FROM _lookalike_run.blobs`)).rowCount).toBe(0);
    });
  });
});
