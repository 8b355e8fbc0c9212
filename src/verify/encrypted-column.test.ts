import { describe, expect, it } from 'vitest';
import type { ActionSpec, ColumnInfo, DatabaseSchema, TableInfo } from '../core/index.js';
import type { Plan } from '../policy/index.js';
import { LeakIndex } from './leak-index.js';
import { SourceTableIndexer, TargetTableScanner } from './table-scanners.js';
import { planVerification, roleOfAction } from './verification-plan.js';

function text(name: string): ColumnInfo {
  return {
    name,
    dataType: 'text',
    baseType: 'text',
    category: 'string',
    elementCategory: null,
    maxLength: null,
    isNullable: true,
    isGenerated: false,
    identity: null,
    hasDefault: false,
    enumLabels: null,
  };
}

const account: TableInfo = {
  ref: { schema: 'public', name: 'account' },
  kind: 'table',
  parent: null,
  columns: [text('ref'), text('hashed'), text('note')],
  constraints: [],
  uniqueColumnSets: [['ref']],
  estimatedRows: 3,
};
const schema: DatabaseSchema = { tables: [account], sequences: [] };
const actions: Record<string, ActionSpec> = {
  ref: { kind: 'encrypt', alphabet: 'auto', scope: 'account' },
  hashed: { kind: 'mask', keep_first: 0, keep_last: 0, char: '*' },
  note: { kind: 'keep' },
};
const plan: Plan = {
  formatVersion: 1,
  schemaFingerprint: 'f',
  policyDigest: 'p',
  strict: true,
  tables: [
    {
      table: account.ref,
      kind: 'table',
      copyRows: true,
      where: null,
      columns: account.columns.map((c) => ({
        name: c.name,
        action: actions[c.name] as ActionSpec,
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

describe('leak scan of encrypted columns', () => {
  it('gives encrypt its own role, whatever the column type', () => {
    expect(roleOfAction({ kind: 'encrypt', alphabet: 'digits' }, 'string')).toBe('encrypted');
    expect(roleOfAction({ kind: 'encrypt', alphabet: 'digits' }, 'array')).toBe('encrypted');
    // A shape-keeping action that is not a permutation of the value's format stays `shape`.
    expect(roleOfAction({ kind: 'hash' }, 'string')).toBe('shape');
  });

  it('indexes the real identifiers, finds them elsewhere in the target, but not the permutation landing on one', () => {
    const verification = planVerification(plan, schema, schema);
    const table = verification.tables[0];
    if (table === undefined) throw new Error('no table');
    expect(table.sourceColumns.map((c) => [c.name, c.role])).toEqual([
      ['ref', 'encrypted'],
      ['hashed', 'shape'],
    ]);
    const index = new LeakIndex();
    new SourceTableIndexer(table, index).addBatch([
      ['ACC-100000001', 'ACC-900000001'],
      ['ACC-100000002', 'ACC-900000002'],
      ['ACC-100000003', 'ACC-900000003'],
    ]);
    const scanner = new TargetTableScanner(table, index);
    expect(table.targetColumns.map((c) => c.name)).toEqual(['ref', 'hashed', 'note']);
    scanner.scanBatch([
      // Row 1's ciphertext is row 2's real identifier (the permutation of a dense id space): no leak.
      ['ACC-100000002', '*************', 'nothing'],
      ['ACC-100000003', '*************', 'paid by ACC-100000001'],
      // The same value in a masked column, a `shape` column, is a leak: that action is no permutation.
      ['ACC-100000001', 'ACC-900000001', null],
    ]);
    const leaks = scanner.leaks().map((l) => `${l.column} ${l.kind} ${l.count}`);
    expect(leaks.sort()).toEqual(['hashed identifier 1', 'note identifier 1']);
  });

  it('a reader or scanner that let go of its index keeps its counts and figures and refuses more rows', () => {
    const table = planVerification(plan, schema, schema).tables[0];
    if (table === undefined) throw new Error('no table');
    const index = new LeakIndex();
    const indexer = new SourceTableIndexer(table, index);
    indexer.addBatch([['ACC-100000001', 'ACC-900000001']]);
    const scanner = new TargetTableScanner(table, index);
    scanner.scanBatch([['ACC-100000009', 'ACC-100000001', null]]);
    indexer.release();
    scanner.release();
    expect(indexer.rows).toBe(1);
    expect(scanner.rows).toBe(1);
    expect(scanner.leaks().map((l) => `${l.column} ${l.kind} ${l.count}`)).toEqual(['hashed identifier 1']);
    expect(scanner.figures[2]?.state().nulls).toBe(1);
    expect(() => indexer.addBatch([['ACC-100000002', 'x']])).toThrow(/let go of its index/);
    expect(() => scanner.scanBatch([['ACC-100000002', '*', null]])).toThrow(/let go of its index/);
  });
});
