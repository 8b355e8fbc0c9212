import { describe, expect, it } from 'vitest';
import type { ActionSpec, ColumnInfo, DatabaseSchema, TableInfo } from '../core/index.js';
import type { Plan } from '../policy/index.js';
import { planIntegrity } from './integrity-checks.js';
import { LeakIndex } from './leak-index.js';
import { SourceTableIndexer, TargetTableScanner } from './table-scanners.js';
import { planVerification, roleOfAction } from './verification-plan.js';

function column(
  name: string,
  category: ColumnInfo['category'] = 'string',
  maxLength: number | null = null,
): ColumnInfo {
  return {
    name,
    dataType: category === 'json' ? 'jsonb' : 'text',
    baseType: category === 'json' ? 'jsonb' : 'text',
    category,
    elementCategory: null,
    maxLength,
    isNullable: true,
    isGenerated: false,
    identity: null,
    hasDefault: false,
    enumLabels: null,
  };
}

const people: TableInfo = {
  ref: { schema: 'public', name: 'people' },
  kind: 'table',
  parent: null,
  columns: [
    column('id', 'integer'),
    column('first_name'),
    column('last_name'),
    column('email'),
    column('city'),
    column('note'),
    column('profile', 'json'),
    column('currency', 'string', 3),
    column('born', 'date'),
  ],
  constraints: [
    {
      name: 'people_pkey',
      kind: 'primary_key',
      columns: ['id'],
      definition: 'PRIMARY KEY (id)',
      references: null,
    },
  ],
  uniqueColumnSets: [['id']],
  estimatedRows: 10,
};
const orders: TableInfo = {
  ref: { schema: 'public', name: 'orders' },
  kind: 'table',
  parent: null,
  columns: [column('id', 'integer'), column('person_id', 'integer')],
  constraints: [
    {
      name: 'orders_person_fk',
      kind: 'foreign_key',
      columns: ['person_id'],
      definition: 'FOREIGN KEY (person_id) REFERENCES people(id)',
      references: { table: people.ref, columns: ['id'] },
    },
  ],
  uniqueColumnSets: [],
  estimatedRows: 10,
};
const schema: DatabaseSchema = { tables: [people, orders], sequences: [] };

const actions: Record<string, ActionSpec> = {
  id: { kind: 'keep' },
  first_name: { kind: 'substitute', entity: 'first_name' },
  last_name: { kind: 'substitute', entity: 'last_name' },
  email: { kind: 'keep' },
  city: { kind: 'substitute', entity: 'city' },
  note: { kind: 'redact_text' },
  profile: {
    kind: 'json',
    paths: { '$.contact.email': { kind: 'substitute', entity: 'email' } },
    other: 'redact_text',
  },
  currency: { kind: 'keep' },
  born: { kind: 'shift_date', max_days: 10 },
};

const plan: Plan = {
  formatVersion: 1,
  schemaFingerprint: 'f',
  policyDigest: 'p',
  strict: true,
  tables: [
    {
      table: people.ref,
      kind: 'table',
      copyRows: true,
      where: null,
      columns: people.columns.map((c) => ({
        name: c.name,
        action: actions[c.name] as ActionSpec,
        rule: 'r',
        reason: '',
        copied: true,
      })),
    },
    {
      table: orders.ref,
      kind: 'table',
      copyRows: true,
      where: null,
      columns: orders.columns.map((c) => ({
        name: c.name,
        action: { kind: 'keep' },
        rule: 'r',
        reason: '',
        copied: true,
      })),
    },
  ],
  sequences: [],
  uncovered: [],
  findings: [],
};

describe('planVerification', () => {
  it('reads personal columns on the source, and those plus every text column on the target', () => {
    const verification = planVerification(plan, schema, schema);
    const table = verification.tables[0];
    expect(table?.sourceColumns.map((c) => [c.name, c.role])).toEqual([
      ['first_name', 'first_name'],
      ['last_name', 'last_name'],
      ['city', 'quiet'],
      ['note', 'text'],
      ['profile', 'json'],
      ['born', 'quiet'],
    ]);
    // email is kept (trusted without a scan), currency is too short to hold anything identifying.
    expect(table?.targetColumns.map((c) => c.name)).toEqual([
      'first_name',
      'last_name',
      'city',
      'note',
      'profile',
      'born',
      'email',
    ]);
    expect(table?.sourcePair).toEqual([0, 1]);
  });

  it('checks a kept column the scan found personal', () => {
    const verification = planVerification(plan, schema, schema, new Map([['public.people.email', 'email']]));
    const email = verification.tables[0]?.sourceColumns.find((c) => c.name === 'email');
    expect(email).toMatchObject({ role: 'email', keptPersonal: true });
  });

  it('gives dates and numbers that are shifted or coarsened no leak role', () => {
    expect(roleOfAction({ kind: 'shift_date', max_days: 3 }, 'date')).toBe('quiet');
    expect(roleOfAction({ kind: 'hash' }, 'string')).toBe('shape');
    expect(roleOfAction({ kind: 'keep' }, 'string')).toBeNull();
    expect(roleOfAction({ kind: 'substitute', entity: 'username' }, 'string')).toBe('identifier');
  });
});

describe('table scanners', () => {
  it('count leaks per column, JSON path and first + last name pair, never holding values', () => {
    const verification = planVerification(plan, schema, schema, new Map([['public.people.email', 'email']]));
    const table = verification.tables[0];
    if (table === undefined) throw new Error('no table');
    const index = new LeakIndex();
    const indexer = new SourceTableIndexer(table, index);
    expect(table.sourceColumns.map((c) => c.name)).toEqual([
      'first_name',
      'last_name',
      'email',
      'city',
      'note',
      'profile',
      'born',
    ]);
    indexer.addBatch([
      [
        'Ann',
        'Lee',
        'ann@corp.example',
        'Paris',
        'call 020 7946 0958',
        '{"contact":{"email":"ann@lee.example"}}',
        '1990-01-01',
      ],
      ['Bo', 'Chen', 'bo@corp.example', 'Lyon', null, null, null],
    ]);
    const scanner = new TargetTableScanner(table, index);
    scanner.scanBatch([
      // a real pair, a kept email, a phone from a source text inside a JSON leaf at another path
      [
        'Ann',
        'Lee',
        'ann@corp.example',
        'Paris',
        'fine',
        '{"contact":{"email":"x@example.com"},"notes":["ring 02079460958"]}',
        null,
      ],
      // fakes: a shared first name and city are not leaks; a real full name inside text is
      [
        'Ann',
        'Morgan',
        'zed@example.net',
        'Lyon',
        'ask Bo Chen',
        '{"contact":{"email":"ann@lee.example"}}',
        null,
      ],
    ]);
    const leaks = scanner.leaks().map((l) => `${l.column} ${l.path ?? '-'} ${l.kind} ${l.count}`);
    expect(leaks.sort()).toEqual([
      'email - email 1',
      'first_name+last_name - name 1',
      'note - name 1',
      'profile $.contact.email email 1',
      'profile $.notes[*] phone 1',
    ]);
    expect(JSON.stringify(scanner.leaks())).not.toContain('ann@');
    // NULLs counted per side for the null-rate check
    expect(indexer.figures[4]?.nulls).toBe(1);
    expect(scanner.figures[6]?.nulls).toBe(2);
  });

  it('counts a repeated value every time it appears, remembered or not', () => {
    const verification = planVerification(plan, schema, schema, new Map([['public.people.email', 'email']]));
    const table = verification.tables[0];
    if (table === undefined) throw new Error('no table');
    const index = new LeakIndex();
    new SourceTableIndexer(table, index).addBatch([
      ['Ann', 'Lee', 'ann@corp.example', 'Paris', 'call 020 7946 0958', null, null],
    ]);
    const scanner = new TargetTableScanner(table, index);
    // 20,000 rows: the note repeats two texts (one quotes the real phone), the email never repeats except
    // the real one every 1,000th row — past the memo's trial, so that column probes without it.
    const rows = Array.from({ length: 20_000 }, (_, i) => [
      'Cy',
      'Ng',
      i % 1000 === 0 ? 'ann@corp.example' : `fake${i}@example.net`,
      'Paris',
      i % 2 === 0 ? 'ring 020 7946 0958 today' : 'nothing here',
      null,
      null,
    ]);
    scanner.scanBatch(rows);
    const leaks = scanner.leaks().map((l) => `${l.column} ${l.kind} ${l.count}`);
    expect(leaks.sort()).toEqual(['email email 20', 'note phone 10000']);
    expect(scanner.rows).toBe(20_000);
  });
});

describe('planIntegrity', () => {
  it('trusts a validated twin constraint and anti-joins when the target lacks it', () => {
    const same = planIntegrity(plan, schema, schema, { sameRows: false, subset: false });
    expect(same.missingConstraints).toEqual([]);
    expect(same.foreignKeys).toEqual([
      expect.objectContaining({ constraint: 'orders_person_fk', enforced: true }),
    ]);
    expect(same.rowCounts).toHaveLength(2);
    const target: DatabaseSchema = { tables: [people, { ...orders, constraints: [] }], sequences: [] };
    const missing = planIntegrity(plan, schema, target, { sameRows: false, subset: true });
    expect(missing.foreignKeys[0]?.enforced).toBe(false);
    expect(missing.missingConstraints.map((c) => c.constraint)).toEqual(['orders_person_fk']);
    expect(missing.rowCounts).toEqual([]);
    expect(missing.emptyTables).toEqual([]);
  });

  it("counts a subset's tables whose rows the run recorded, and holds skipped tables to none", () => {
    const skipped: Plan = {
      ...plan,
      tables: plan.tables.map((t) => (t.table.name === 'orders' ? { ...t, copyRows: false } : t)),
    };
    const integrity = planIntegrity(skipped, schema, schema, {
      sameRows: false,
      subset: true,
      knownCounts: new Set(['public.people']),
    });
    expect(integrity.rowCounts.map((t) => t.name)).toEqual(['people']);
    expect(integrity.emptyTables.map((t) => t.name)).toEqual(['orders']);
    // Not in the target: nothing to count there (the missing constraints say so).
    const without: DatabaseSchema = { tables: [people], sequences: [] };
    expect(planIntegrity(skipped, schema, without, { sameRows: true, subset: false }).emptyTables).toEqual(
      [],
    );
  });
});
