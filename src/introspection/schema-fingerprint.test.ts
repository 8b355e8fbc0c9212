import { describe, expect, it } from 'vitest';
import type { ColumnInfo, DatabaseSchema, TableInfo } from '../core/index.js';
import { schemaFingerprint } from './schema-fingerprint.js';

function column(name: string, dataType = 'integer'): ColumnInfo {
  return {
    name,
    dataType,
    baseType: dataType === 'integer' ? 'int4' : 'text',
    category: dataType === 'integer' ? 'integer' : 'string',
    elementCategory: null,
    maxLength: null,
    isNullable: false,
    isGenerated: false,
    identity: null,
    hasDefault: false,
    enumLabels: null,
  };
}

function table(name: string, columns: ColumnInfo[], estimatedRows = 10): TableInfo {
  return {
    ref: { schema: 'public', name },
    kind: 'table',
    parent: null,
    columns,
    constraints: [
      {
        name: `${name}_pkey`,
        kind: 'primary_key',
        columns: ['id'],
        definition: 'PRIMARY KEY (id)',
        references: null,
      },
    ],
    uniqueColumnSets: [['id']],
    estimatedRows,
  };
}

function schema(): DatabaseSchema {
  return {
    tables: [
      table('users', [column('id'), column('email', 'text')]),
      table('orders', [column('id'), column('user_id')]),
    ],
    sequences: [{ ref: { schema: 'public', name: 'users_id_seq' }, lastValue: '10', isCalled: true }],
  };
}

describe('schemaFingerprint', () => {
  it('is a sha256 hex digest that does not depend on the order of the tables array', () => {
    const s = schema();
    const fingerprint = schemaFingerprint(s);
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(schemaFingerprint({ ...s, tables: [...s.tables].reverse() })).toBe(fingerprint);
  });

  it('ignores row estimates and sequence values', () => {
    const s = schema();
    const changed: DatabaseSchema = {
      tables: s.tables.map((t) => ({ ...t, estimatedRows: t.estimatedRows * 100 })),
      sequences: s.sequences.map((q) => ({ ...q, lastValue: '99999', isCalled: false })),
    };
    expect(schemaFingerprint(changed)).toBe(schemaFingerprint(s));
  });

  it('changes when a column is added, renamed, retyped, made nullable, or the columns are reordered', () => {
    const base = schemaFingerprint(schema());
    const withUsers = (columns: ColumnInfo[]): DatabaseSchema => ({
      ...schema(),
      tables: [table('users', columns), schema().tables[1] as TableInfo],
    });
    const variants = [
      withUsers([column('id'), column('email', 'text'), column('phone', 'text')]),
      withUsers([column('id'), column('mail', 'text')]),
      withUsers([column('id'), column('email', 'character varying(10)')]),
      withUsers([column('id'), { ...column('email', 'text'), isNullable: true }]),
      withUsers([column('email', 'text'), column('id')]),
    ];
    const fingerprints = variants.map(schemaFingerprint);
    expect(fingerprints.every((f) => f !== base)).toBe(true);
    expect(new Set(fingerprints).size).toBe(variants.length);
  });

  it('changes when constraints, unique sets, sequences or tables change', () => {
    const base = schemaFingerprint(schema());
    const s = schema();
    const [users, orders] = s.tables as [TableInfo, TableInfo];
    const withFk: TableInfo = {
      ...orders,
      constraints: [
        ...orders.constraints,
        {
          name: 'orders_user_id_fkey',
          kind: 'foreign_key',
          columns: ['user_id'],
          definition: '',
          references: { table: { schema: 'public', name: 'users' }, columns: ['id'] },
        },
      ],
    };
    expect(schemaFingerprint({ ...s, tables: [users, withFk] })).not.toBe(base);
    expect(
      schemaFingerprint({ ...s, tables: [{ ...users, uniqueColumnSets: [['id'], ['email']] }, orders] }),
    ).not.toBe(base);
    expect(schemaFingerprint({ ...s, sequences: [] })).not.toBe(base);
    expect(schemaFingerprint({ ...s, tables: [users] })).not.toBe(base);
  });
});
