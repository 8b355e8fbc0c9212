import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgSink, createPgSource } from '../connectors/postgres/index.js';
import { GatewayError, Secret, silentLogger } from '../src/core/index.js';
import {
  runSynthesis,
  runSynthUnit,
  type LoadUnit,
  type LoadUnitDispatcher,
  type LoadUnitResult,
  type SynthSummary,
} from '../src/pipeline/index.js';
import { loadPolicy, type Policy } from '../src/policy/index.js';
import { checkForeignKeys } from './helpers/foreign-keys.js';
import { tableDigests } from './helpers/compare-databases.js';
import {
  createDatabase,
  databaseUrl,
  dropDatabase,
  loadPagila,
  testSecret,
  withClient,
} from './helpers/databases.js';

/**
 * Runs units in this process, each in its own sessions as another process would, two at a time and in the
 * order given (largest first: children before the parents they reference).
 */
function localDispatcher(
  target: string,
  secret: Secret,
  options: {
    seen?: LoadUnit[];
    /** Runs after each unit; a result it returns is reported instead of the unit's own. */
    extra?: (u: LoadUnit) => Promise<LoadUnitResult | void>;
    fail?: (u: LoadUnit) => boolean;
    /** The lookalike version the units' process says it runs. */
    version?: string;
  } = {},
): LoadUnitDispatcher {
  return async ({ units }, signal, onUnitDone) => {
    const queue = [...units];
    const slot = async (): Promise<void> => {
      for (let unit = queue.shift(); unit !== undefined; unit = queue.shift()) {
        options.seen?.push(unit);
        if (options.fail?.(unit) === true) throw new GatewayError('target_write_failed', 'unit lost');
        const result = await runSynthUnit({
          target: createPgSink(databaseUrl(target)),
          unit,
          secret,
          batchRows: 300,
          signal,
          logger: silentLogger,
          ...(options.version === undefined ? {} : { version: options.version }),
        });
        onUnitDone((await options.extra?.(unit)) ?? result);
      }
    };
    await Promise.all([slot(), slot()]);
  };
}

/** Every sequence's last value. */
async function sequenceEnds(database: string): Promise<Record<string, string | null>> {
  return withClient(database, async (c) => {
    const rows = await c.query<{ s: string; v: string | null }>(
      `SELECT schemaname || '.' || sequencename AS s, last_value::text AS v FROM pg_sequences ORDER BY 1`,
    );
    return Object.fromEntries(rows.rows.map((r) => [r.s, r.v]));
  });
}

describe('a synthesis run split into units of work (real PostgreSQL, pagila)', () => {
  let source: string;
  let policy: Policy;
  const targets: string[] = [];
  const secret = new Secret(Buffer.from(testSecret('synth-units')));
  let one: { target: string; summary: SynthSummary };

  async function synth(
    dispatch?: (target: string) => LoadUnitDispatcher,
    blocksPerUnit = 1,
    version?: string,
  ): Promise<{ target: string; summary: SynthSummary }> {
    const target = await createDatabase('synthunits_dst');
    targets.push(target);
    const summary = await runSynthesis({
      source: createPgSource(databaseUrl(source)),
      target: createPgSink(databaseUrl(target)),
      policy,
      selection: { schemas: [], tables: [] },
      seed: '7',
      // A quarter of pagila's rows: every table and key still there, the suite kept short.
      scale: 0.25,
      rareCategoryMin: 5,
      maxSampleRows: 100_000,
      batchRows: 300,
      signal: new AbortController().signal,
      logger: silentLogger,
      ...(dispatch === undefined
        ? {}
        : {
            units: {
              blocksPerUnit,
              dispatch: dispatch(target),
              secret,
              ...(version === undefined ? {} : { version }),
            },
          }),
    });
    return { target, summary };
  }

  beforeAll(async () => {
    source = await createDatabase('synthunits_src');
    await loadPagila(source);
    policy = await loadPolicy('examples/pagila.policy.yaml');
    one = await synth();
  });

  afterAll(async () => {
    for (const target of targets) await dropDatabase(target);
    if (source !== undefined) await dropDatabase(source);
  });

  it('writes what one process writes, table by table, from units run in any order', async () => {
    const seen: LoadUnit[] = [];
    const split = await synth((target) => localDispatcher(target, secret, { seen }));
    // One unit per table of the model — payment's monthly partitions together — none split into ranges.
    const partitions = one.summary.tables.filter((t) => t.table.startsWith('public.payment_p'));
    expect(partitions.length).toBeGreaterThan(1);
    expect(seen.length).toBe(one.summary.tables.length - partitions.length + 1);
    expect(seen.filter((u) => u.table.name === 'payment')).toHaveLength(1);
    expect(seen.every((u) => u.synth === true && u.blocks === undefined)).toBe(true);
    // Largest first: some child table ran before a table it references.
    const order = seen.map((u) => u.table.name);
    expect(order.indexOf('rental')).toBeLessThan(order.indexOf('customer'));
    expect(await tableDigests(split.target)).toEqual(await tableDigests(one.target));
    expect(await sequenceEnds(split.target)).toEqual(await sequenceEnds(one.target));
    expect(split.summary.tables).toEqual(one.summary.tables);
    expect(split.summary.totalRows).toBe(one.summary.totalRows);
    expect((await checkForeignKeys(split.target)).filter((c) => c.orphans > 0)).toEqual([]);
    await withClient(split.target, async (c) => {
      const area = await c.query(`SELECT 1 FROM pg_namespace WHERE nspname = '_lookalike_run'`);
      expect(area.rowCount).toBe(0);
      // Sequences continue past the synthetic keys — payment's, shared by its partitions, too.
      const seq = await c.query<{ n: string }>(`SELECT last_value::text AS n FROM payment_payment_id_seq`);
      const max = await c.query<{ n: string }>(`SELECT max(payment_id)::text AS n FROM payment`);
      expect(seq.rows[0]?.n).toBe(max.rows[0]?.n);
    });
  });

  it('loads a unit once when it is run again after its commit, and reports the same outcome', async () => {
    const again: string[] = [];
    const split = await synth((target) =>
      localDispatcher(target, secret, {
        extra: async (unit) => {
          const repeat = await runSynthUnit({
            target: createPgSink(databaseUrl(target)),
            unit,
            secret,
            batchRows: 300,
            signal: new AbortController().signal,
            logger: silentLogger,
          });
          if (repeat.alreadyLoaded) again.push(unit.id);
          // As when the first attempt's report was lost: the run hears of the unit from the repeat.
          return repeat;
        },
      }),
    );
    expect(again.length).toBeGreaterThan(10);
    expect(new Set(again).size).toBe(again.length);
    expect(split.summary.tables).toEqual(one.summary.tables);
    expect(await tableDigests(split.target)).toEqual(await tableDigests(one.target));
  });

  it('fails the run when a unit fails', async () => {
    await expect(
      synth((target) => localDispatcher(target, secret, { fail: (u) => u.table.name === 'film' })),
    ).rejects.toMatchObject({ code: 'target_write_failed' });
    // The committed schema stays for the caller (the gateway drops the database), the run area marking it
    // as incomplete; the sealed state does not.
    await withClient(targets[targets.length - 1] ?? '', async (c) => {
      expect((await c.query(`SELECT name FROM _lookalike_run.blobs`)).rowCount).toBe(0);
      expect((await c.query(`SELECT 1 FROM pg_class WHERE relname = 'film'`)).rowCount).toBe(1);
    });
  });

  it('refuses a unit under another key (the sealed state does not open)', async () => {
    const other = new Secret(Buffer.from(testSecret('another-key')));
    await expect(synth((target) => localDispatcher(target, other))).rejects.toMatchObject({
      code: 'secret_invalid',
    });
  });

  it('refuses a unit in a process of another lookalike version than the one that planned the run', async () => {
    await expect(
      synth((target) => localDispatcher(target, secret, { version: '9.9.9' }), 1, '9.9.8'),
    ).rejects.toMatchObject({ code: 'config_invalid', message: expect.stringContaining('9.9.8') as string });
    // The same version on both sides loads.
    const same = await synth((target) => localDispatcher(target, secret, { version: '9.9.8' }), 1, '9.9.8');
    expect(same.summary.totalRows).toBe(one.summary.totalRows);
  });

  it('loads a source no larger than one unit in one transaction, dispatching nothing', async () => {
    let dispatched = 0;
    const whole = await synth(
      () => () => {
        dispatched++;
        return Promise.reject(new GatewayError('internal', 'not expected'));
      },
      1_000_000,
    );
    expect(dispatched).toBe(0);
    expect(await tableDigests(whole.target)).toEqual(await tableDigests(one.target));
  });
});
