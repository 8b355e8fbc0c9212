import { readFileSync } from 'node:fs';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgSink, createPgSource } from '../connectors/postgres/index.js';
import {
  Secret,
  silentLogger,
  type GatewayError,
  type ReadRequest,
  type SourceConnector,
} from '../src/core/index.js';
import { runSnapshot } from '../src/pipeline/index.js';
import { loadPolicy } from '../src/policy/index.js';
import {
  createDatabase,
  databaseUrl,
  dropDatabase,
  runSqlFile,
  testSecret,
  withClient,
} from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';

const KEYS_POLICY = 'test/fixtures/keys.policy.yaml';
let POLICY: string;
const env = { LOOKALIKE_SECRET: testSecret('faults') };

/** Values from the fixture that must never show up in any output. */
const FIXTURE_VALUES = ['user17@keys-fixture.test', 'Person Number17', 'user_17', 'e3@corp.test'];

async function userTableCount(database: string): Promise<number> {
  return withClient(database, async (c) => {
    const r = await c.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r','p','v','m','S') AND n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg\\_%'`,
    );
    return Number(r.rows[0]?.n);
  });
}

function expectNoValues(text: string): void {
  for (const value of FIXTURE_VALUES) expect(text).not.toContain(value);
  expect(text).not.toContain('postgres://');
  expect(text).not.toMatch(/\n\s+at /); // no stack trace
}

describe('bad input and faults fail clearly and leave no complete-looking target (real PostgreSQL)', () => {
  let source: string;
  let target: string;
  let work: string;

  beforeAll(async () => {
    source = await createDatabase('faults_src');
    await runSqlFile(source, 'test/fixtures/keys.sql');
    // A table too big to sit in socket buffers, so a connection killed mid-read is noticed mid-read.
    await withClient(source, (c) =>
      c.query(`CREATE TABLE events AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, 600000) g;
               ALTER TABLE events ADD PRIMARY KEY (id); ANALYZE events`),
    );
    work = await mkdtemp(join(tmpdir(), 'lookalike-faults-'));
    POLICY = join(work, 'faults.policy.yaml');
    await writeFile(
      POLICY,
      `${readFileSync(KEYS_POLICY, 'utf8')}  public.events:\n    columns:\n      "*": keep\n`,
    );
  });

  afterAll(async () => {
    await dropDatabase(source);
    await rm(work, { recursive: true, force: true });
  });

  const freshTarget = async (): Promise<string> => {
    target = await createDatabase('faults_dst');
    return target;
  };

  const snapshot = (args: string[]) =>
    runLookalike(
      ['snapshot', '--source', databaseUrl(source), '--target', databaseUrl(target), ...args],
      env,
    );

  it('names an unreachable source without printing its URL', async () => {
    await freshTarget();
    const result = await runLookalike(
      [
        'snapshot',
        '--source',
        'postgres://postgres:hunter2-password@127.0.0.1:1/nowhere',
        '--target',
        databaseUrl(target),
        '--policy',
        POLICY,
      ],
      env,
    );
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('source database "nowhere" is unreachable');
    expect(result.stderr).toContain('[source_unreachable]');
    expect(result.stderr).not.toContain('hunter2');
    expect(await userTableCount(target)).toBe(0);
    await dropDatabase(target);
  });

  it('names an unreachable target', async () => {
    const result = await runLookalike(
      [
        'snapshot',
        '--source',
        databaseUrl(source),
        '--target',
        'postgres://postgres@127.0.0.1:1/elsewhere',
        '--policy',
        POLICY,
      ],
      env,
    );
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('target database "elsewhere" is unreachable');
  });

  it('reports wrong credentials as an authentication failure', async () => {
    await freshTarget();
    const url = databaseUrl(source).replace('postgres@', 'no_such_role_lookalike@');
    const result = await runLookalike(
      ['snapshot', '--source', url, '--target', databaseUrl(target), '--policy', POLICY],
      env,
    );
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('[auth_failed]');
    await dropDatabase(target);
  });

  it('refuses a target that is not empty and leaves it untouched', async () => {
    await freshTarget();
    await withClient(target, (c) => c.query('CREATE TABLE keep_me (id int); INSERT INTO keep_me VALUES (1)'));
    const result = await snapshot(['--policy', POLICY]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('[target_not_empty]');
    expect(await userTableCount(target)).toBe(1);
    await dropDatabase(target);
  });

  it('names an unknown table in the policy', async () => {
    await freshTarget();
    const policy = join(work, 'unknown-table.yaml');
    await writeFile(policy, 'version: 1\ntables:\n  public.no_such_table:\n    columns:\n      id: keep\n');
    const result = await snapshot(['--policy', policy]);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('public.no_such_table');
    expect(await userTableCount(target)).toBe(0);
    await dropDatabase(target);
  });

  it('explains a policy that does not parse, naming the file and line, without a stack trace', async () => {
    await freshTarget();
    const policy = join(work, 'broken.yaml');
    await writeFile(policy, 'version: 1\ntables:\n  public.accounts:\n    columns: [unclosed\n');
    const result = await snapshot(['--policy', policy]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('broken.yaml');
    expect(result.stderr).toMatch(/\d+:\d+/);
    expectNoValues(result.stderr);
    await dropDatabase(target);
  });

  it('stops before any data moves when a column is uncovered, listing every one (exit 3)', async () => {
    await freshTarget();
    const policy = join(work, 'partial.yaml');
    await writeFile(policy, 'version: 1\ntables:\n  public.accounts:\n    columns:\n      region: keep\n');
    const result = await snapshot(['--policy', policy]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('public.accounts.email');
    expect(result.stderr).toContain('public.employees.name');
    expect(await userTableCount(target)).toBe(0);
    await dropDatabase(target);
  });

  it('plan --check exits 3 when a column is uncovered and 0 when everything is decided', async () => {
    const partial = join(work, 'check-partial.yaml');
    await writeFile(partial, 'version: 1\ntables:\n  public.accounts:\n    columns:\n      region: keep\n');
    const uncovered = await runLookalike([
      'plan',
      '--source',
      databaseUrl(source),
      '--policy',
      partial,
      '--check',
    ]);
    expect(uncovered.exitCode).toBe(3);
    expect(uncovered.stderr).toContain('public.accounts.email');
    const complete = await runLookalike([
      'plan',
      '--source',
      databaseUrl(source),
      '--policy',
      POLICY,
      '--check',
    ]);
    expect(complete.stderr).not.toContain('lookalike:');
    expect(complete.exitCode).toBe(0);
    const withoutCheck = await runLookalike(['plan', '--source', databaseUrl(source), '--policy', partial]);
    expect(withoutCheck.exitCode).toBe(0);
  });

  it('refuses a saved plan once a column was added to the source (exit 3)', async () => {
    const copy = await createDatabase('faults_drift');
    await runSqlFile(copy, 'test/fixtures/keys.sql');
    await freshTarget();
    const planFile = join(work, 'plan.json');
    const planned = await runLookalike([
      'plan',
      '--source',
      databaseUrl(copy),
      '--policy',
      POLICY,
      '--out',
      planFile,
    ]);
    expect(planned.exitCode).toBe(0);
    await withClient(copy, (c) => c.query('ALTER TABLE accounts ADD COLUMN ssn text'));
    const result = await runLookalike(
      ['snapshot', '--source', databaseUrl(copy), '--target', databaseUrl(target), '--plan', planFile],
      env,
    );
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('[plan_stale]');
    expect(await userTableCount(target)).toBe(0);
    await dropDatabase(target);
    await dropDatabase(copy);
  });

  it('fails a write the target rejects (domain CHECK) without quoting the value, and rolls back', async () => {
    await freshTarget();
    const policy = join(work, 'breaks-domain.yaml');
    const text = (await import('node:fs'))
      .readFileSync(POLICY, 'utf8')
      .replace(
        /work_email:\s*\{ action: nullify[^}]*\}/,
        'work_email: { action: substitute, entity: email }',
      );
    expect(text).toContain('work_email: { action: substitute, entity: email }');
    await writeFile(policy, text);
    const result = await snapshot(['--policy', policy]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('[target_write_failed]');
    expect(result.stderr).toContain('public.employees');
    expectNoValues(result.stderr);
    expect(result.stderr).not.toContain('@example');
    expect(await userTableCount(target)).toBe(0);
    await dropDatabase(target);
  });

  it.each(['decoded rows', 'encoded pass-through'] as const)(
    'fails cleanly when the source connection is killed mid-table (%s)',
    async (path) => {
      await freshTarget();
      let killed = 0;
      const kill = async (): Promise<number> =>
        withClient('postgres', async (c) => {
          const r = await c.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'lookalike-source'`,
            [source],
          );
          return r.rowCount ?? 0;
        });
      // The real connector, paused after its first batch of events until the server has killed its backend.
      const inner = createPgSource(databaseUrl(source));
      const killingSource: SourceConnector = {
        kind: inner.kind,
        openSource: async (signal) => {
          const session = await inner.openSource(signal);
          return {
            introspect: (selection) => session.introspect(selection),
            schemaDdl: (section, selection) => session.schemaDdl(section, selection),
            close: () => session.close(),
            async *readRows(request, readSignal) {
              let first = true;
              for await (const batch of session.readRows(request, readSignal)) {
                yield batch;
                if (first && request.table.name === 'events') {
                  first = false;
                  killed = await kill();
                }
              }
            },
            // events keeps every column, so with this capability it takes the pass-through path.
            ...(path === 'encoded pass-through' && session.readEncoded !== undefined
              ? {
                  readEncoded: async function* (request: ReadRequest, readSignal: AbortSignal) {
                    let first = true;
                    for await (const chunk of session.readEncoded!(request, readSignal)) {
                      yield chunk;
                      if (first && request.table.name === 'events') {
                        first = false;
                        killed = await kill();
                      }
                    }
                  },
                }
              : {}),
          };
        },
      };
      const error = (await runSnapshot({
        source: killingSource,
        target: createPgSink(databaseUrl(target)),
        policy: await loadPolicy(POLICY),
        selection: { schemas: [], tables: [] },
        secret: new Secret(Buffer.from(testSecret('kill'))),
        batchRows: 100,
        signal: new AbortController().signal,
        logger: silentLogger,
      }).then(
        () => undefined,
        (e: unknown) => e,
      )) as GatewayError | undefined;
      expect(killed).toBe(1);
      expect(error?.code).toBe('source_read_failed');
      expect(error?.message).toContain('public.events');
      expectNoValues(String(error?.message));
      expect(await userTableCount(target)).toBe(0);
      await dropDatabase(target);
    },
  );

  it('rolls back when cancelled mid-run', async () => {
    await freshTarget();
    const controller = new AbortController();
    const attempt = runSnapshot({
      source: createPgSource(databaseUrl(source)),
      target: createPgSink(databaseUrl(target)),
      policy: await loadPolicy(POLICY),
      selection: { schemas: [], tables: [] },
      secret: new Secret(Buffer.from(testSecret('cancel'))),
      batchRows: 100,
      signal: controller.signal,
      logger: silentLogger,
      onEvent: (event) => {
        if (event.type === 'table_progress' && event.rows >= 1000) controller.abort();
      },
    });
    await expect(attempt).rejects.toMatchObject({ code: 'cancelled' });
    expect(await userTableCount(target)).toBe(0);
    await dropDatabase(target);
  });

  it('refuses to run without a key, or with a short one', async () => {
    await freshTarget();
    const none = await runLookalike([
      'snapshot',
      '--source',
      databaseUrl(source),
      '--target',
      databaseUrl(target),
      '--policy',
      POLICY,
    ]);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toContain('[secret_missing]');
    const short = await runLookalike(
      ['snapshot', '--source', databaseUrl(source), '--target', databaseUrl(target), '--policy', POLICY],
      { LOOKALIKE_SECRET: 'too-short' },
    );
    expect(short.exitCode).toBe(2);
    expect(short.stderr).toContain('[secret_invalid]');
    expect(short.stderr).not.toContain('too-short');
    await dropDatabase(target);
  });

  it('refuses a transform worker count that is not a whole number, before connecting', async () => {
    await freshTarget();
    for (const bad of ['-1', '1.5', 'many']) {
      const result = await snapshot(['--policy', POLICY, '--transform-workers', bad]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('--transform-workers must be 0 or a positive integer');
    }
    expect(await userTableCount(target)).toBe(0);
    await dropDatabase(target);
  });

  it('refuses a selection naming a table or schema the source does not have (exit 2), in every command', async () => {
    await freshTarget();
    const sourceUrl = databaseUrl(source);
    const cases: [string[], string][] = [
      [['--tables', 'public.custmers,public.events'], 'the source has no table public.custmers'],
      [['--schemas', 'Public'], 'the source has no schema Public'],
      [['--schemas', 'public,Billing'], 'the source has no schema Billing'],
    ];
    for (const [selection, message] of cases) {
      for (const args of [
        ['snapshot', '--source', sourceUrl, '--target', databaseUrl(target), '--policy', POLICY],
        ['plan', '--source', sourceUrl, '--policy', POLICY],
        ['verify', '--source', sourceUrl, '--target', databaseUrl(target), '--policy', POLICY],
        ['scan', '--source', sourceUrl],
      ]) {
        const result = await runLookalike([...args, ...selection], env);
        expect(result.stderr, args[0]).toContain(message);
        expect(result.exitCode, args[0]).toBe(2);
        expectNoValues(result.stderr);
      }
    }
    // A schema that exists with views only comes along beside one with tables; alone it selects nothing.
    await withClient(source, (c) =>
      c.query('CREATE SCHEMA reporting; CREATE VIEW reporting.event_ids AS SELECT id FROM public.events'),
    );
    try {
      const views = await runLookalike(
        ['plan', '--source', sourceUrl, '--policy', POLICY, '--schemas', 'public,reporting'],
        env,
      );
      expect(views.exitCode).toBe(0);
      const alone = await runLookalike(
        ['plan', '--source', sourceUrl, '--policy', POLICY, '--schemas', 'reporting'],
        env,
      );
      expect(alone.exitCode).toBe(2);
      expect(alone.stderr).toContain('the source has no table in schema reporting');
    } finally {
      await withClient(source, (c) => c.query('DROP SCHEMA reporting CASCADE'));
    }
    const both = await snapshot(['--policy', POLICY, '--tables', 'public.events', '--schemas', 'public']);
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain('give --tables or --schemas, not both');
    expect(await userTableCount(target)).toBe(0);
    await dropDatabase(target);
  });

  it('refuses an output file it could not write before any data moves, naming it (exit 2)', async () => {
    await freshTarget();
    const missing = join(work, 'no-such-folder', 'out.json');
    const checks: [string[], string][] = [
      [
        ['snapshot', '--target', databaseUrl(target), '--policy', POLICY, '--manifest-out', missing],
        '--manifest-out',
      ],
      [['plan', '--policy', POLICY, '--out', missing], '--out'],
      [['plan', '--policy', POLICY, '--out', work], '--out'],
      [['scan', '--write-policy', missing], '--write-policy'],
    ];
    for (const [args, flag] of checks) {
      const result = await runLookalike(
        [...args.slice(0, 1), '--source', databaseUrl(source), ...args.slice(1), '--format', 'json'],
        env,
      );
      expect(result.exitCode, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`${flag} ".*" cannot be written \\((ENOENT|EISDIR)\\)`));
      expect((JSON.parse(result.stdout) as { error: { code: string } }).error.code).toBe('usage');
    }
    expect(await userTableCount(target)).toBe(0);
    await dropDatabase(target);
  });

  it('refuses flags that would be ignored, and counts that are not plain whole numbers (exit 2)', async () => {
    await freshTarget();
    const plan = join(work, 'saved.plan.json');
    expect(
      (await runLookalike(['plan', '--source', databaseUrl(source), '--policy', POLICY, '--out', plan], env))
        .exitCode,
    ).toBe(0);
    const checks: [string[], string][] = [
      [['--policy', POLICY, '--signing-key', join(work, 'key.pem')], 'give --manifest-out <file> too'],
      [['--plan', plan, '--max-rows', '10'], 'come from the plan file when --plan is given'],
      [['--policy', POLICY, '--max-rows', '10'], 'need a policy with a `subset:` section'],
      [
        ['--policy', POLICY, '--batch-rows', '1e9'],
        '--batch-rows must be a whole number from 1 to 1,000,000',
      ],
      [
        ['--policy', POLICY, '--batch-rows', '2000000'],
        '--batch-rows must be a whole number from 1 to 1,000,000',
      ],
    ];
    for (const [args, message] of checks) {
      const result = await snapshot(args);
      expect(result.stderr, args.join(' ')).toContain(message);
      expect(result.exitCode, args.join(' ')).toBe(2);
    }
    const verify = (args: string[]) =>
      runLookalike(
        ['verify', '--source', databaseUrl(source), '--target', databaseUrl(target), ...args],
        env,
      );
    const publicKey = await verify(['--plan', plan, '--public-key', join(work, 'public.pem')]);
    expect(publicKey.exitCode).toBe(2);
    expect(publicKey.stderr).toContain('give --manifest <file> too');
    const tables = await verify(['--plan', plan, '--tables', 'public.events']);
    expect(tables.exitCode).toBe(2);
    expect(tables.stderr).toContain('--schemas/--tables come from the plan file when --plan is given');
    expect(await userTableCount(target)).toBe(0);
    await dropDatabase(target);
  });
});
