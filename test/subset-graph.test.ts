import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SubsetEstimate } from '../src/subset/index.js';
import { createDatabase, databaseUrl, dropDatabase, testSecret, withClient } from './helpers/databases.js';
import { checkForeignKeys, type ExtraReference } from './helpers/foreign-keys.js';
import { runLookalike } from './helpers/run-cli.js';

/**
 * A schema with what closures get wrong: a cycle (dept.head_id → employee, employee.dept_id → dept), a
 * self-reference chain (employee.manager_id, 40 levels deep), a composite key, a table without a primary
 * key, and a reference the database does not declare (note.subject_id, a virtual foreign key).
 */
const CHAIN = 40;
const SCHEMA = `
  CREATE TABLE dept (id int PRIMARY KEY, name text NOT NULL, head_id int);
  CREATE TABLE employee (id int PRIMARY KEY, dept_id int NOT NULL REFERENCES dept, manager_id int REFERENCES employee,
                         name text NOT NULL);
  ALTER TABLE dept ADD FOREIGN KEY (head_id) REFERENCES employee DEFERRABLE INITIALLY DEFERRED;
  CREATE TABLE project (org int, code int, lead_id int REFERENCES employee, PRIMARY KEY (org, code));
  CREATE TABLE assignment (employee_id int NOT NULL REFERENCES employee, org int, code int, hours int,
                           FOREIGN KEY (org, code) REFERENCES project);
  CREATE TABLE note (id int PRIMARY KEY, subject_id int NOT NULL, body text);
  BEGIN;
  INSERT INTO dept SELECT d, 'dept ' || d, NULL FROM generate_series(1, 4) d;
  -- employees 1..${CHAIN}: a chain (each managed by the previous one), spread over the departments
  INSERT INTO employee SELECT e, 1 + e % 4, NULLIF(e - 1, 0), 'employee ' || e FROM generate_series(1, ${CHAIN}) e;
  -- employees 101..200: unrelated to the chain, managed by 100 + ((e-1) % 5) + 1 when above 105
  INSERT INTO employee SELECT e, 1 + e % 4, CASE WHEN e > 105 THEN 101 + (e % 5) END, 'employee ' || e
    FROM generate_series(101, 200) e;
  UPDATE dept SET head_id = 100 + id;
  INSERT INTO project SELECT o, c, 100 + o * 10 + c FROM generate_series(1, 3) o, generate_series(1, 5) c;
  INSERT INTO assignment SELECT e, 1 + e % 3, 1 + e % 5, e FROM generate_series(101, 200) e;
  INSERT INTO assignment SELECT ${CHAIN}, 2, 3, 1;
  INSERT INTO note SELECT n, 100 + n, 'note ' || n FROM generate_series(1, 100) n;
  INSERT INTO note VALUES (1000, ${CHAIN}, 'about the chain');
  COMMIT;
  ANALYZE;`;

const VIRTUAL: ExtraReference = {
  table: 'public.note',
  columns: ['subject_id'],
  references: { table: 'public.employee', columns: ['id'] },
};

const databases: string[] = [];
let source: string;
let dir: string;

async function policy(name: string, subset: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(
    file,
    // Employee names are people's names: the built-in verify refuses a snapshot that keeps them.
    `version: 1\nrules:\n  - { id: people, match: { table: employee, column: name }, action: substitute, entity: full_name }\n  - { id: everything, match: { column: '*' }, action: keep }\nsubset:\n${subset}`,
  );
  return file;
}

async function subsetInto(policyFile: string): Promise<{ database: string; estimate: SubsetEstimate }> {
  const database = await createDatabase('subset_graph_t');
  databases.push(database);
  const result = await runLookalike(
    [
      'snapshot',
      '--source',
      databaseUrl(source),
      '--target',
      databaseUrl(database),
      '--policy',
      policyFile,
      '--format',
      'json',
    ],
    { LOOKALIKE_SECRET: testSecret('one') },
  );
  expect(result.stderr).not.toContain('lookalike:');
  expect(result.exitCode).toBe(0);
  const summary = JSON.parse(result.stdout) as { subset: SubsetEstimate };
  return { database, estimate: summary.subset };
}

const ids = async (database: string, table: string): Promise<number[]> =>
  withClient(database, async (c) =>
    (await c.query<{ id: number }>(`SELECT id FROM ${table} ORDER BY 1`)).rows.map((r) => r.id),
  );

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lookalike-subset-graph-'));
  source = await createDatabase('subset_graph_src');
  databases.push(source);
  await withClient(source, (c) => c.query(SCHEMA));
});

afterAll(async () => {
  for (const database of databases) await dropDatabase(database);
});

describe('subset closure over cycles, self-references, composite keys and virtual keys (real PostgreSQL)', () => {
  it('pulls the whole manager chain and the department cycle up from one employee', async () => {
    const file = await policy(
      'chain',
      [
        '  targets: [{ table: public.employee, where: "id = ' + String(CHAIN) + '" }]',
        '  follow_children: false',
        '  virtual_foreign_keys:',
        '    - { table: public.note, columns: [subject_id], references: { table: public.employee, columns: [id] } }',
        '',
      ].join('\n'),
    );
    const { database, estimate } = await subsetInto(file);
    expect((await checkForeignKeys(database, [VIRTUAL])).filter((c) => c.orphans > 0)).toEqual([]);
    const employees = await ids(database, 'employee');
    // The chain 1..CHAIN (self-reference, CHAIN rounds deep), plus the heads of the departments they
    // belong to (the cycle), plus those heads' own managers.
    for (let e = 1; e <= CHAIN; e++) expect(employees).toContain(e);
    const depts = await ids(database, 'dept');
    expect(depts).toEqual([1, 2, 3, 4]);
    for (const d of depts) expect(employees).toContain(100 + d);
    expect(estimate.rounds).toBeGreaterThanOrEqual(CHAIN);
    // Children are not followed: no assignments, no notes, no projects.
    expect(await ids(database, 'note')).toEqual([]);
    const assignments = await withClient(database, async (c) =>
      Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM assignment')).rows[0]?.n),
    );
    expect(assignments).toBe(0);
  });

  it('follows children through a composite key, a table without a primary key and a virtual key', async () => {
    const file = await policy(
      'children',
      [
        '  targets: [{ table: public.employee, where: "id = ' + String(CHAIN) + '" }]',
        '  virtual_foreign_keys:',
        '    - { table: public.note, columns: [subject_id], references: { table: public.employee, columns: [id] } }',
        '',
      ].join('\n'),
    );
    const { database, estimate } = await subsetInto(file);
    expect((await checkForeignKeys(database, [VIRTUAL])).filter((c) => c.orphans > 0)).toEqual([]);
    // The note about the target came down through the virtual key; the assignment (no primary key) too,
    // and its project up through the composite key.
    expect(await ids(database, 'note')).toEqual([1000]);
    const assignment = await withClient(
      database,
      async (c) =>
        (
          await c.query<{ e: number; org: number; code: number }>(
            'SELECT employee_id AS e, org, code FROM assignment',
          )
        ).rows,
    );
    expect(assignment).toEqual([{ e: CHAIN, org: 2, code: 3 }]);
    expect(
      await withClient(
        database,
        async (c) => (await c.query('SELECT 1 FROM project WHERE org = 2 AND code = 3')).rowCount,
      ),
    ).toBe(1);
    expect(estimate.pulls.some((p) => p.relation.startsWith('virtual:') && p.direction === 'down')).toBe(
      true,
    );
  });

  it('a per-relation limit caps the children pulled per parent row', async () => {
    const file = await policy(
      'limit',
      [
        '  targets: [{ table: public.employee, where: "id IN (101, 102)" }]',
        // Only the self-reference is followed: other paths (assignment → project → lead) pull employees too.
        '  follow_children: false',
        '  follow:',
        '    - { from: public.employee, to: public.employee, limit: 3 }',
        '',
      ].join('\n'),
    );
    const { database } = await subsetInto(file);
    expect((await checkForeignKeys(database)).filter((c) => c.orphans > 0)).toEqual([]);
    const reports = await withClient(database, async (c) =>
      (
        await c.query<{ m: number; n: string }>(
          'SELECT manager_id AS m, count(*) AS n FROM employee WHERE manager_id IN (101, 102) GROUP BY 1 ORDER BY 1',
        )
      ).rows.map((r) => [r.m, Number(r.n)]),
    );
    // 101 and 102 each manage 19 employees in the source; 3 of each came down.
    expect(reports).toEqual([
      [101, 3],
      [102, 3],
    ]);
  });
});
