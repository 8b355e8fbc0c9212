import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDatabase,
  databaseUrl,
  dropDatabase,
  runSqlFile,
  testSecret,
  withClient,
} from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';

const SECRET = testSecret('fpe');

async function rows<T>(database: string, sql: string): Promise<T[]> {
  return withClient(database, async (c) => (await c.query(sql)).rows as T[]);
}

describe('encrypt: format-preserving, joinable, reversible identifiers (real PostgreSQL)', () => {
  let source: string;
  let target: string;
  let verification: { status: string } | undefined;

  beforeAll(async () => {
    source = await createDatabase('fpe_src');
    target = await createDatabase('fpe_dst');
    await runSqlFile(source, 'test/fixtures/fpe.sql');
    const result = await runLookalike(
      [
        'snapshot',
        '--source',
        databaseUrl(source),
        '--target',
        databaseUrl(target),
        '--policy',
        'test/fixtures/fpe.policy.yaml',
        '--format',
        'json',
      ],
      { LOOKALIKE_SECRET: SECRET },
    );
    expect(result.stderr).not.toContain('lookalike:');
    expect(result.exitCode).toBe(0);
    const output = JSON.parse(result.stdout) as { status: string; verification?: { status: string } };
    expect(output.status).toBe('completed');
    verification = output.verification;
  }, 120_000);

  afterAll(async () => {
    await dropDatabase(source);
    await dropDatabase(target);
  });

  it('keeps every foreign key and same-scope reference joining, and unique keys unique', async () => {
    const [joins] = await rows<{ payments: string; joined: string; ledger: string; ledger_joined: string }>(
      target,
      `SELECT (SELECT count(*) FROM payment) AS payments,
              (SELECT count(*) FROM payment p JOIN account a ON a.ref = p.account_ref) AS joined,
              (SELECT count(*) FROM ledger_entry) AS ledger,
              (SELECT count(*) FROM ledger_entry l JOIN account a ON a.ref = l.external_ref) AS ledger_joined`,
    );
    expect(joins).toEqual({ payments: '60000', joined: '60000', ledger: '10000', ledger_joined: '10000' });
    const [unique] = await rows<{ refs: string; codes: string; n: string }>(
      target,
      'SELECT count(DISTINCT ref) AS refs, count(DISTINCT code) AS codes, count(*) AS n FROM account',
    );
    expect(unique).toEqual({ refs: '20000', codes: '20000', n: '20000' });
    // The same payments per account as in the source (join cardinalities kept).
    const perAccount = 'SELECT count(*) AS n FROM payment GROUP BY account_ref ORDER BY 1';
    expect(await rows(target, perAccount)).toEqual(await rows(source, perAccount));
  });

  it('keeps the format and changes every value', async () => {
    const pairs = await rows<{ id: number; s_ref: string; t_ref: string }>(
      source,
      'SELECT id, account_ref AS s_ref FROM payment ORDER BY id',
    );
    const targetRefs = await rows<{ id: number; account_ref: string }>(
      target,
      'SELECT id, account_ref FROM payment ORDER BY id',
    );
    expect(targetRefs.every((r) => /^ACC-\d{6}$/.test(r.account_ref))).toBe(true);
    expect(targetRefs.filter((r, i) => r.account_ref === pairs[i]?.s_ref)).toEqual([]);
    const codes = await rows<{ code: string }>(target, 'SELECT code FROM account');
    expect(codes.every((r) => /^[A-Z][A-Z0-9]{3}-[a-z0-9]{2}\d+$/.test(r.code))).toBe(true);
  });

  it('passes verification although ciphertexts land on other accounts’ real refs', async () => {
    // 20,000 refs in a domain of 1,000,000: about 2% of ciphertexts equal some other account's real ref.
    const sourceRefs = new Set(
      (await rows<{ ref: string }>(source, 'SELECT ref FROM account')).map((r) => r.ref),
    );
    const targetRefs = await rows<{ ref: string }>(target, 'SELECT ref FROM account');
    const landed = targetRefs.filter((r) => sourceRefs.has(r.ref)).length;
    expect(landed).toBeGreaterThan(100);
    expect(verification?.status).toBe('clean');
  });

  it('decrypts target identifiers back to the source’s with the key and scope (lookalike decrypt)', async () => {
    const sample = 'SELECT id, account_ref FROM payment WHERE id % 300 = 0 ORDER BY id';
    const encrypted = await rows<{ account_ref: string }>(target, sample);
    const original = await rows<{ account_ref: string }>(source, sample);
    const input = `${encrypted.map((r) => r.account_ref).join('\n')}\n`;
    const result = await runLookalike(
      ['decrypt', '--scope', 'account'],
      { LOOKALIKE_SECRET: SECRET },
      undefined,
      input,
    );
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toEqual(original.map((r) => r.account_ref));

    const codes = await rows<{ code: string }>(target, 'SELECT code FROM account ORDER BY holder LIMIT 50');
    const decoded = await runLookalike(
      ['decrypt', '--scope', 'account_code', '--alphabet', 'alphanumeric'],
      { LOOKALIKE_SECRET: SECRET },
      undefined,
      `${codes.map((r) => r.code).join('\n')}\n`,
    );
    const sourceCodes = new Set(
      (await rows<{ code: string }>(source, 'SELECT code FROM account')).map((r) => r.code),
    );
    const back = decoded.stdout.trimEnd().split('\n');
    expect(back).toHaveLength(50);
    expect(back.every((code) => sourceCodes.has(code))).toBe(true);

    // Another key or scope does not give the originals back.
    const wrong = await runLookalike(
      ['decrypt', '--scope', 'account'],
      { LOOKALIKE_SECRET: testSecret('other') },
      undefined,
      input,
    );
    expect(wrong.stdout.trimEnd().split('\n')).not.toEqual(original.map((r) => r.account_ref));

    // --secret-file wins over LOOKALIKE_SECRET.
    const dir = await mkdtemp(join(tmpdir(), 'lk-fpe-'));
    try {
      await writeFile(join(dir, 'key'), `${SECRET}\n`);
      const fromFile = await runLookalike(
        ['decrypt', '--scope', 'account', '--secret-file', join(dir, 'key')],
        { LOOKALIKE_SECRET: testSecret('other') },
        undefined,
        input,
      );
      expect(fromFile.stdout.trimEnd().split('\n')).toEqual(original.map((r) => r.account_ref));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    // A line that cannot be a ciphertext (too few characters) is named by number, never quoted; exit 1.
    const bad = await runLookalike(
      ['decrypt', '--scope', 'account'],
      { LOOKALIKE_SECRET: SECRET },
      undefined,
      `${encrypted[0]?.account_ref ?? ''}\nA-47\n`,
    );
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toBe(`${original[0]?.account_ref ?? ''}\n\n`);
    expect(bad.stderr).toContain('line 2: only 3 characters to decrypt');
    expect(bad.stderr).not.toContain('A-47');
  });
});
