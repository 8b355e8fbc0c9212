import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkForeignKeys } from './helpers/foreign-keys.js';
import { createDatabase, databaseUrl, dropDatabase, withClient } from './helpers/databases.js';
import { runLookalike } from './helpers/run-cli.js';

const POLICY = `version: 1
strict: true
tables:
  public.employee:
    columns:
      id: keep
      manager_id: keep
      title: keep
  public.account:
    columns:
      id: keep
      profile:
        action: json
        paths:
          $.contact.email: { action: substitute, entity: email }
          $.contact.name: { action: substitute, entity: full_name }
          $.contact.phone: { action: substitute, entity: phone }
        other: keep
`;

const FIRST = [
  'Quintella',
  'Bartholomea',
  'Ximeno',
  'Ottoline',
  'Perpetua',
  'Lysander',
  'Zenobius',
  'Hesper',
];
const LAST = ['Marrowby', 'Quillfeather', 'Ashgrove', 'Thistlewood', 'Brackenridge', 'Fennimore'];

/** Deterministic pseudo-random numbers for the source data. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** 600 employees in trees of depth ≤ 3 (2–5 reports each); 800 accounts with nested jsonb profiles. */
function sourceSql(): { sql: string; depths: number[]; emails: string[]; names: string[]; phones: string[] } {
  const random = lcg(7);
  const employees: [number, number | null, string][] = [];
  const depth: number[] = [];
  const queue: number[] = [];
  while (employees.length < 600) {
    employees.push([employees.length + 1, null, 'director']);
    depth.push(0);
    queue.push(employees.length);
    while (queue.length > 0 && employees.length < 600) {
      const manager = queue.shift() as number;
      const d = depth[manager - 1] as number;
      if (d >= 3) continue;
      const reports = 2 + Math.floor(random() * 4);
      for (let r = 0; r < reports && employees.length < 600; r++) {
        employees.push([employees.length + 1, manager, d === 2 ? 'engineer' : 'manager']);
        depth.push(d + 1);
        queue.push(employees.length);
      }
    }
  }
  const emails: string[] = [];
  const names: string[] = [];
  const phones: string[] = [];
  const accounts: string[] = [];
  for (let i = 1; i <= 800; i++) {
    const first = FIRST[Math.floor(random() * FIRST.length)] as string;
    const last = LAST[Math.floor(random() * LAST.length)] as string;
    const email = `${first.toLowerCase()}.${last.toLowerCase()}${i}@acme-real.example`;
    const phone = `+44 20 7946 ${String(1000 + i).slice(-4)}`;
    emails.push(email);
    names.push(`${first} ${last}`);
    const contact: Record<string, unknown> = { name: `${first} ${last}`, email };
    if (i % 2 === 0) {
      contact['phone'] = phone;
      phones.push(phone);
    }
    const profile = {
      plan: ['free', 'pro', 'team'][Math.floor(random() * 3)],
      contact,
      tags: Array.from(
        { length: Math.floor(random() * 4) },
        () => ['new', 'vip', 'beta'][Math.floor(random() * 3)],
      ),
      score: Math.floor(random() * 100),
      verified: random() < 0.6,
    };
    accounts.push(`(${i}, '${JSON.stringify(profile).replace(/'/g, "''")}')`);
  }
  const sql = `
    CREATE TABLE employee (id serial PRIMARY KEY, manager_id integer REFERENCES employee (id), title text NOT NULL);
    CREATE TABLE account (id serial PRIMARY KEY, profile jsonb NOT NULL);
    INSERT INTO employee VALUES ${employees.map(([id, m, t]) => `(${id}, ${m ?? 'NULL'}, '${t}')`).join(', ')};
    INSERT INTO account VALUES ${accounts.join(', ')};
    SELECT setval('employee_id_seq', 600); SELECT setval('account_id_seq', 800);`;
  return { sql, depths: depth, emails, names, phones };
}

/** A synthetic profile, as the test reads it. */
interface Profile {
  readonly [key: string]: unknown;
  readonly plan: string;
  readonly contact: Readonly<Record<string, string>>;
  readonly tags: readonly string[];
}

const DEPTHS = `WITH RECURSIVE tree AS (
    SELECT id, 0 AS depth FROM employee WHERE manager_id IS NULL
    UNION ALL SELECT e.id, t.depth + 1 FROM employee e JOIN tree t ON e.manager_id = t.id WHERE t.depth < 50)
  SELECT depth, count(*)::int AS n FROM tree GROUP BY depth ORDER BY depth`;

const shares = (rows: { depth: number; n: number }[]): number[] => {
  const total = rows.reduce((a, r) => a + r.n, 0);
  const out = [0, 0, 0, 0, 0];
  for (const r of rows) out[r.depth] = r.n / total;
  return out;
};

describe('synth keeps JSON structure and hierarchies (real PostgreSQL)', () => {
  let source: string;
  let target: string;
  let dpTarget: string;
  let data: ReturnType<typeof sourceSql>;
  const policyFile = join(tmpdir(), `lk-synth-structure-${process.pid}.yaml`);
  const modelFile = join(tmpdir(), `lk-synth-structure-${process.pid}.json`);

  beforeAll(async () => {
    data = sourceSql();
    source = await createDatabase('synth_struct_src');
    target = await createDatabase('synth_struct_dst');
    dpTarget = await createDatabase('synth_struct_dp');
    await withClient(source, (c) => c.query(data.sql));
    await writeFile(policyFile, POLICY);
    const run = await runLookalike([
      'synth',
      '--source',
      databaseUrl(source),
      '--target',
      databaseUrl(target),
      '--policy',
      policyFile,
      '--format',
      'json',
    ]);
    expect(run.stderr).not.toContain('lookalike:');
    expect(run.exitCode).toBe(0);
  }, 120_000);

  afterAll(async () => {
    for (const db of [source, target, dpTarget]) if (db !== undefined) await dropDatabase(db);
    await rm(policyFile, { force: true });
    await rm(modelFile, { force: true });
  });

  it('generates the employee tree as a forest: valid references, no cycle, the source depth distribution', async () => {
    expect((await checkForeignKeys(target)).filter((f) => f.orphans > 0)).toEqual([]);
    const rows = await withClient(target, async (c) => {
      const total = Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM employee')).rows[0]?.n);
      const reached = (await c.query<{ depth: number; n: number }>(DEPTHS)).rows;
      return { total, reached };
    });
    expect(rows.total).toBe(600);
    // Every row is reached from a root: no cycle (a cycle is unreachable from the roots).
    expect(rows.reached.reduce((a, r) => a + r.n, 0)).toBe(600);
    const real = shares(
      (await withClient(source, (c) => c.query<{ depth: number; n: number }>(DEPTHS))).rows,
    );
    const synthetic = shares(rows.reached);
    for (let d = 0; d < real.length; d++)
      expect(Math.abs((real[d] as number) - (synthetic[d] as number))).toBeLessThan(0.03);
  });

  it('generates jsonb documents of the same structure with fake personal leaves', async () => {
    const docs = await withClient(target, async (c) =>
      (await c.query<{ profile: Profile }>('SELECT profile FROM account')).rows.map((r) => r.profile),
    );
    expect(docs).toHaveLength(800);
    for (const doc of docs) {
      expect(Object.keys(doc).sort()).toEqual(['contact', 'plan', 'score', 'tags', 'verified']);
      expect(['free', 'pro', 'team']).toContain(doc['plan']);
      expect(Array.isArray(doc['tags'])).toBe(true);
      expect(typeof doc['verified']).toBe('boolean');
      expect(Number.isInteger(doc['score'])).toBe(true);
      expect(Object.keys(doc['contact']).every((k) => ['name', 'email', 'phone'].includes(k))).toBe(true);
    }
    const emails = docs.map((d) => d.contact['email'] ?? '');
    const names = docs.map((d) => d.contact['name'] ?? '');
    const phones = docs.flatMap((d) => (d.contact['phone'] === undefined ? [] : [d.contact['phone']]));
    expect(emails.every((e) => /^[^@\s]+@[^@\s]+$/.test(e))).toBe(true);
    const realEmails = new Set(data.emails);
    const realNames = new Set(data.names);
    const realPhones = new Set(data.phones);
    expect(emails.filter((e) => realEmails.has(e))).toEqual([]);
    expect(names.filter((n) => realNames.has(n))).toEqual([]);
    expect(phones.filter((p) => realPhones.has(p))).toEqual([]);
    expect(emails.filter((e) => e.includes('acme-real'))).toEqual([]);
    // Presence of the phone (every other source document) and array lengths follow the source.
    expect(phones.length / docs.length).toBeGreaterThan(0.4);
    expect(phones.length / docs.length).toBeLessThan(0.6);
    const meanTags = docs.reduce((a, d) => a + d.tags.length, 0) / docs.length;
    expect(meanTags).toBeGreaterThan(1.2);
    expect(meanTags).toBeLessThan(1.8);
  });

  it('synth fit --epsilon records ε in the model file; its rows stay valid', async () => {
    const fit = await runLookalike([
      'synth',
      'fit',
      '--source',
      databaseUrl(source),
      '--policy',
      policyFile,
      '--epsilon',
      '2',
      '--out',
      modelFile,
    ]);
    expect(fit.exitCode).toBe(0);
    const model = JSON.parse(await readFile(modelFile, 'utf8')) as { privacy?: { epsilon: number } };
    expect(model.privacy?.epsilon).toBe(2);
    const text = await readFile(modelFile, 'utf8');
    expect(data.emails.some((e) => text.includes(e))).toBe(false);
    const sample = await runLookalike([
      'synth',
      'sample',
      '--model',
      modelFile,
      '--target',
      databaseUrl(dpTarget),
    ]);
    expect(sample.stderr).not.toContain('lookalike:');
    expect(sample.exitCode).toBe(0);
    expect((await checkForeignKeys(dpTarget)).filter((f) => f.orphans > 0)).toEqual([]);
    const reached = await withClient(
      dpTarget,
      async (c) => (await c.query<{ depth: number; n: number }>(DEPTHS)).rows,
    );
    const total = await withClient(dpTarget, async (c) =>
      Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM employee')).rows[0]?.n),
    );
    expect(reached.reduce((a, r) => a + r.n, 0)).toBe(total);
    const bad = await runLookalike([
      'synth',
      'fit',
      '--source',
      databaseUrl(source),
      '--policy',
      policyFile,
      '--epsilon',
      '0',
      '--out',
      modelFile,
    ]);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toContain('--epsilon');
  }, 120_000);
});
