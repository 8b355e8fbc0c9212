import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableDigests } from './helpers/compare-databases.js';
import {
  PAGILA_DATABASE,
  createDatabase,
  databaseUrl,
  dropDatabase,
  runSqlFile,
  testSecret,
  withClient,
} from './helpers/databases.js';
import { firstNameGender } from '../src/fake-values/index.js';
import { runLookalike } from './helpers/run-cli.js';

const POLICY = 'examples/pagila.policy.yaml';
const source = databaseUrl(PAGILA_DATABASE);

interface Person {
  id: number;
  first_name: string;
  last_name: string;
  email: string | null;
  username?: string | null;
}

const PEOPLE = {
  customer: 'SELECT customer_id AS id, first_name, last_name, email FROM customer ORDER BY 1',
  staff: 'SELECT staff_id AS id, first_name, last_name, email, username FROM staff ORDER BY 1',
};

async function people(database: string, table: keyof typeof PEOPLE): Promise<Person[]> {
  return withClient(database, async (c) => (await c.query<Person>(PEOPLE[table])).rows);
}

/** Whether an address's local part is the row's `first.last`, in any case. */
function followsName(p: Person): boolean {
  const local = p.email?.slice(0, p.email.lastIndexOf('@')) ?? '';
  return local.toLowerCase() === `${p.first_name}.${p.last_name}`.toLowerCase();
}

describe('coherent rows in a pagila snapshot (real PostgreSQL)', () => {
  const targets: string[] = [];
  let first: string;
  let second: string;

  const snapshotInto = async (target: string): Promise<void> => {
    const result = await runLookalike(
      [
        'snapshot',
        '--source',
        source,
        '--target',
        databaseUrl(target),
        '--policy',
        POLICY,
        '--format',
        'json',
      ],
      { LOOKALIKE_SECRET: testSecret('coherence') },
    );
    expect(result.stderr).not.toContain('lookalike:');
    expect(result.exitCode).toBe(0);
    const output = JSON.parse(result.stdout) as { status: string; verification?: { status: string } };
    expect(output.status).toBe('completed');
    expect(output.verification?.status).toBe('clean');
  };

  beforeAll(async () => {
    first = await createDatabase('coherent_a');
    second = await createDatabase('coherent_b');
    targets.push(first, second);
    await snapshotInto(first);
    await snapshotInto(second);
  });

  afterAll(async () => {
    for (const target of targets) await dropDatabase(target);
  });

  it('gives every customer a first name of the real one’s gender', async () => {
    const real = await people(PAGILA_DATABASE, 'customer');
    const fake = new Map((await people(first, 'customer')).map((p) => [p.id, p]));
    const gendered = real.filter((p) => firstNameGender(p.first_name) !== null);
    expect(gendered.length).toBeGreaterThan(400);
    const mismatched = gendered.filter(
      (p) => firstNameGender(fake.get(p.id)?.first_name ?? '') !== firstNameGender(p.first_name),
    );
    expect(mismatched).toEqual([]);
  });

  it('builds every customer’s e-mail address from their fake name, in its case', async () => {
    const real = await people(PAGILA_DATABASE, 'customer');
    const fake = await people(first, 'customer');
    expect(fake).toHaveLength(real.length);
    // Pagila's customer addresses are all FIRST.LAST@sakilacustomer.org: the fakes keep that in every row.
    expect(real.filter(followsName)).toHaveLength(real.length);
    for (const [i, p] of fake.entries()) {
      const r = real[i] as Person;
      expect(p.first_name).not.toBe(r.first_name);
      expect(p.email).not.toBe(r.email);
      expect(p.email?.slice(0, p.email.lastIndexOf('@')), `customer ${p.id}`).toBe(
        `${p.first_name}.${p.last_name}`,
      );
    }
    // One company's addresses share one fake company domain.
    expect(new Set(fake.map((p) => p.email?.split('@')[1])).size).toBe(1);
  });

  it('gives a name in a staff login the fake that name gets in the name columns of either table', async () => {
    // Pagila's staff rows are generated: logins are other people's names, addresses a last name and
    // digits. Each name still becomes the fake it gets wherever it appears (customers in capitals).
    const fakeOf = { first: new Map<string, string>(), last: new Map<string, string>() };
    for (const table of ['customer', 'staff'] as const) {
      const [real, fake] = [await people(PAGILA_DATABASE, table), await people(first, table)];
      for (const [i, r] of real.entries()) {
        const p = fake[i] as Person;
        fakeOf.first.set(r.first_name.toLowerCase(), p.first_name.toLowerCase());
        fakeOf.last.set(r.last_name.toLowerCase(), p.last_name.toLowerCase());
      }
    }
    const [real, fake] = [await people(PAGILA_DATABASE, 'staff'), await people(first, 'staff')];
    let loginsChecked = 0;
    let loginsFollowing = 0;
    let addressesChecked = 0;
    let addressesFollowing = 0;
    for (const [i, r] of real.entries()) {
      const p = fake[i] as Person;
      const [firstPart, lastPart] = (r.username ?? '').split('.');
      const expected = [fakeOf.first.get(firstPart ?? ''), fakeOf.last.get(lastPart ?? '')];
      if (expected[0] !== undefined && expected[1] !== undefined) {
        loginsChecked++;
        if (p.username === `${expected[0]}.${expected[1]}`) loginsFollowing++;
      }
      const letters = /^[a-z]+/.exec(r.email ?? '')?.[0] ?? '';
      const fakeLast = fakeOf.first.has(letters) ? undefined : fakeOf.last.get(letters);
      if (fakeLast !== undefined) {
        addressesChecked++;
        if (new RegExp(`^${fakeLast}\\d+@example\\.(com|net|org)$`).test(p.email ?? '')) addressesFollowing++;
      }
      expect(p.email).not.toBe(r.email);
      expect(p.username).not.toBe(r.username);
    }
    expect(loginsChecked).toBeGreaterThan(100);
    expect(addressesChecked).toBeGreaterThan(100);
    // Real values are known through keyed Bloom filters (about 1% false positives per lookup): a login
    // that may be real is drawn independently, and a lone name that may be a first name is read as one.
    expect(loginsFollowing).toBeGreaterThan(loginsChecked * 0.95);
    expect(addressesFollowing).toBeGreaterThan(addressesChecked * 0.9);
  });

  it('gives identical tables for two runs with the same key', async () => {
    expect(await tableDigests(second)).toEqual(await tableDigests(first));
  });

  it('says in the plan that the e-mail and username follow the names', async () => {
    const planned = await runLookalike(['plan', '--source', source, '--policy', POLICY]);
    expect(planned.exitCode).toBe(0);
    expect(planned.stderr + planned.stdout).toMatch(
      /public\.customer\.email +substitute\(entity=email\) \[follows first_name, last_name\]/,
    );
    expect(planned.stderr + planned.stdout).toMatch(
      /public\.staff\.username +substitute\(entity=username\) \[follows first_name, last_name\]/,
    );
    expect(planned.stderr + planned.stdout).not.toMatch(/public\.actor\.\S+ .*\[follows/);
  });
});

describe('one fake address per real address across tables (real PostgreSQL)', () => {
  let sourceDb: string;
  let target: string;

  beforeAll(async () => {
    sourceDb = await createDatabase('coherence_src');
    target = await createDatabase('coherence_dst');
    await runSqlFile(sourceDb, 'test/fixtures/coherence.sql');
    const result = await runLookalike(
      [
        'snapshot',
        '--source',
        databaseUrl(sourceDb),
        '--target',
        databaseUrl(target),
        '--policy',
        'test/fixtures/coherence.policy.yaml',
        '--format',
        'json',
      ],
      { LOOKALIKE_SECRET: testSecret('coherence') },
    );
    expect(result.stderr).not.toContain('lookalike:');
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: 'completed',
      verification: { status: 'clean' },
    });
  });

  afterAll(async () => {
    await dropDatabase(sourceDb);
    await dropDatabase(target);
  });

  it('builds each unique address and login from the row’s fake name, keeping the kind of domain', async () => {
    const rows = await withClient(target, async (c) => {
      const r = await c.query<{ email: string; first_name: string; last_name: string; login: string }>(
        'SELECT email, first_name, last_name, login FROM accounts',
      );
      return r.rows;
    });
    expect(rows).toHaveLength(400);
    expect(new Set(rows.map((r) => r.email)).size).toBe(400);
    expect(new Set(rows.map((r) => r.login)).size).toBe(400);
    for (const r of rows) {
      const name = `${r.first_name}.${r.last_name}`.toLowerCase();
      expect(r.email).toMatch(new RegExp(`^${name}(\\d+)?\\.[0-9a-z]{13}@`));
      expect(r.login).toMatch(new RegExp(`^${name.replace('.', '_')}\\d+_[0-9a-z]{13}$`));
    }
    const domains = new Set(rows.map((r) => r.email.split('@')[1]));
    // One company domain and one free-mail domain in the source: one fake of each kind.
    expect(domains.size).toBe(2);
    expect([...domains].some((d) => /^example\.(com|net|org)$/.test(d ?? ''))).toBe(true);
    expect([...domains].some((d) => /^(mail\.example|inbox\.test|mail\.test)$/.test(d ?? ''))).toBe(true);
  });

  it('gives an address the same fake in a table without names, declared key or not', async () => {
    await withClient(target, async (c) => {
      const joined = await c.query<{ n: string }>(
        'SELECT count(*) AS n FROM logins l JOIN accounts a ON a.email = l.account_email',
      );
      expect(joined.rows[0]?.n).toBe('800');
      const newsletter = await c.query<{ n: string; matched: string }>(
        `SELECT count(*) AS n, count(a.email) AS matched FROM newsletter n LEFT JOIN accounts a ON a.email = n.address`,
      );
      const real = await withClient(sourceDb, (s) =>
        s.query<{ n: string }>('SELECT count(*) AS n FROM newsletter'),
      );
      expect(Number(real.rows[0]?.n)).toBeGreaterThan(100);
      expect(newsletter.rows[0]?.n).toBe(real.rows[0]?.n);
      expect(newsletter.rows[0]?.matched).toBe(real.rows[0]?.n);
    });
  });

  it('gives an address quoted in text or held in a JSON leaf the unique column’s fake', async () => {
    const rows = await withClient(target, async (c) => {
      const r = await c.query<{ email: string; body: string; leaf: string }>(
        `SELECT a.email, t.body, t.profile->'contact'->>'email' AS leaf
         FROM tickets t JOIN accounts a ON a.email = t.account_email`,
      );
      return r.rows;
    });
    const real = await withClient(sourceDb, (s) =>
      s.query<{ n: string }>('SELECT count(*) AS n FROM tickets'),
    );
    expect(Number(real.rows[0]?.n)).toBeGreaterThan(100);
    expect(rows).toHaveLength(Number(real.rows[0]?.n));
    for (const r of rows) {
      // The unique column's form (with its keyed discriminator), in the text and in the leaf alike.
      expect(r.email).toMatch(/\.[0-9a-z]{13}@/);
      expect(r.body).toBe(`Customer asked us to write to ${r.email} from now on.`);
      expect(r.leaf).toBe(r.email);
    }
  });
});
