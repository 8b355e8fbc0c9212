import { spawn } from 'node:child_process';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, databaseUrl, dropDatabase, testSecret, withClient } from './helpers/databases.js';

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `lookalike …` as its own process; `onStderr` may signal it. */
function runProcess(
  args: string[],
  onStderr?: (text: string, kill: (signal: NodeJS.Signals) => void) => void,
) {
  return new Promise<Finished>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/cli-entry.ts', ...args], {
      env: { PATH: process.env.PATH, LOOKALIKE_SECRET: testSecret('process') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onStderr?.(stderr, (signal) => child.kill(signal));
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the CLI as a process (real PostgreSQL)', () => {
  let source: string;
  let work: string;
  let policy: string;

  beforeAll(async () => {
    source = await createDatabase('proc_src');
    await withClient(source, (c) =>
      c.query(`CREATE TABLE events AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, 1500000) g;
               ALTER TABLE events ADD PRIMARY KEY (id); ANALYZE events`),
    );
    work = await mkdtemp(join(tmpdir(), 'lookalike-process-'));
    policy = join(work, 'events.yaml');
    await writeFile(
      policy,
      'version: 1\ntables:\n  public.events:\n    columns:\n      id: keep\n      payload: { action: hash, length: 32 }\n',
    );
  });

  afterAll(async () => {
    await dropDatabase(source);
    await rm(work, { recursive: true, force: true });
  });

  it('writes only the JSON summary to stdout and progress to stderr', async () => {
    const target = await createDatabase('proc_dst');
    try {
      const result = await runProcess([
        'snapshot',
        '--source',
        databaseUrl(source),
        '--target',
        databaseUrl(target),
        '--policy',
        policy,
        '--format',
        'json',
      ]);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ status: 'completed', totalRows: 1500000 });
      expect(result.stderr).toContain('loading rows');
    } finally {
      await dropDatabase(target);
    }
  });

  it('cancels cleanly on Ctrl-C (SIGINT): exit 1, and the target stays empty', async () => {
    const target = await createDatabase('proc_dst');
    try {
      let sent = false;
      const result = await runProcess(
        ['snapshot', '--source', databaseUrl(source), '--target', databaseUrl(target), '--policy', policy],
        (stderr, kill) => {
          if (!sent && stderr.includes('loading rows')) {
            sent = true;
            setTimeout(() => kill('SIGINT'), 300);
          }
        },
      );
      expect(sent).toBe(true);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('cancelling');
      expect(result.stderr).toContain('[cancelled]');
      const tables = await withClient(target, async (c) =>
        Number(
          (await c.query<{ n: string }>(`SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'`))
            .rows[0]?.n,
        ),
      );
      expect(tables).toBe(0);
    } finally {
      await dropDatabase(target);
    }
  });
});
