import { describe, expect, it } from 'vitest';
import type { ConstraintInfo, DatabaseSchema, TableInfo, TableRef } from '../core/index.js';
import { parsePolicy, type Plan, type SubsetPolicy } from '../policy/index.js';
import { columnInfo } from '../../test/helpers/column-info.js';
import { buildSubsetRequest, rowKey } from './build-subset-request.js';

const ref = (name: string): TableRef => ({ schema: 'public', name });
const pk = (columns: string[]): ConstraintInfo => ({
  name: 'pk',
  kind: 'primary_key',
  columns,
  definition: '',
  references: null,
});
const fk = (name: string, columns: string[], table: string, refColumns: string[]): ConstraintInfo => ({
  name,
  kind: 'foreign_key',
  columns,
  definition: '',
  references: { table: ref(table), columns: refColumns },
});

function table(
  name: string,
  columns: string[],
  constraints: ConstraintInfo[],
  extra: Partial<TableInfo> = {},
): TableInfo {
  return {
    ref: ref(name),
    kind: 'table',
    parent: null,
    columns: columns.map((c) => columnInfo({ name: c, isNullable: false })),
    constraints,
    uniqueColumnSets: constraints.filter((c) => c.kind === 'primary_key').map((c) => c.columns),
    estimatedRows: 0,
    ...extra,
  };
}

// customer ← orders ← order_line (composite) ; employee.manager_id → employee ; payment partitioned
const SCHEMA: DatabaseSchema = {
  sequences: [],
  tables: [
    table(
      'customer',
      ['id', 'email', 'referrer_id'],
      [pk(['id']), fk('customer_referrer_fkey', ['referrer_id'], 'customer', ['id'])],
    ),
    table(
      'orders',
      ['shop', 'no', 'customer_id', 'gift_for_id'],
      [
        pk(['shop', 'no']),
        fk('orders_customer_fkey', ['customer_id'], 'customer', ['id']),
        fk('orders_gift_fkey', ['gift_for_id'], 'customer', ['id']),
      ],
    ),
    table(
      'order_line',
      ['shop', 'no', 'line'],
      [fk('line_order_fkey', ['shop', 'no'], 'orders', ['shop', 'no'])],
    ),
    table('payment', ['id', 'at', 'customer_id'], [pk(['id', 'at'])], { kind: 'partitioned' }),
    table(
      'payment_2024',
      ['id', 'at', 'customer_id'],
      [pk(['id', 'at']), fk('pay24_customer_fkey', ['customer_id'], 'customer', ['id'])],
      {
        kind: 'partition',
        parent: ref('payment'),
      },
    ),
    table(
      'payment_2025',
      ['id', 'at', 'customer_id'],
      [pk(['id', 'at']), fk('pay25_customer_fkey', ['customer_id'], 'customer', ['id'])],
      {
        kind: 'partition',
        parent: ref('payment'),
      },
    ),
    table('audit', ['customer_ref', 'what'], []),
  ],
};

const PLAN = {
  tables: SCHEMA.tables.map((t) => ({
    table: t.ref,
    kind: t.kind,
    copyRows: t.kind !== 'partitioned',
    where: t.ref.name === 'orders' ? 'shop > 0' : null,
    columns: [],
  })),
} as unknown as Plan;

const settings = (yaml: string): SubsetPolicy => {
  const subset = parsePolicy(`version: 1\nsubset:\n${yaml}`, 'p.yaml').subset;
  if (subset === undefined) throw new Error('no subset');
  return subset;
};

const build = (yaml: string, key: Buffer | null = null) =>
  buildSubsetRequest(SCHEMA, PLAN, settings(yaml), key);

describe('buildSubsetRequest', () => {
  it('takes the roots as tables, partitions read through them, with keys and row filters', () => {
    const request = build('  targets: [{ table: customer, percent: 10 }]\n');
    expect(
      request.tables.map((t) => [t.table.name, t.kind, t.key, t.partitions.map((p) => p.name), t.where]),
    ).toEqual([
      ['customer', 'table', ['id'], [], null],
      ['orders', 'table', ['shop', 'no'], [], 'shop > 0'],
      ['order_line', 'table', null, [], null],
      ['payment', 'partitioned', ['id', 'at'], ['payment_2024', 'payment_2025'], null],
      ['audit', 'table', null, [], null],
    ]);
    expect(request.targets).toEqual([{ table: ref('customer'), where: null, fraction: 0.1, rows: null }]);
    expect(request).toMatchObject({ seed: 'lookalike', scale: 1, suppressionKey: null });
  });

  it('turns declared keys into relations, attributing partitions’ keys to their root once', () => {
    const request = build('  targets: [{ table: customer }]\n');
    expect(
      request.relations.map((r) => `${r.child.name}(${r.childColumns.join(',')})→${r.parent.name}:${r.down}`),
    ).toEqual([
      'customer(referrer_id)→customer:true',
      'order_line(shop,no)→orders:true',
      'orders(customer_id)→customer:true',
      'orders(gift_for_id)→customer:true',
      'payment(customer_id)→customer:true',
    ]);
  });

  it('adds virtual keys and applies follow settings (limit, off, which key)', () => {
    const request = build(
      [
        '  targets: [{ table: customer }]',
        '  follow_children: false',
        '  follow:',
        '    - { from: customer, to: orders, columns: [customer_id], limit: 5 }',
        '    - { from: orders, to: order_line }',
        '  virtual_foreign_keys:',
        '    - { table: audit, columns: [customer_ref], references: { table: customer, columns: [id] } }',
        '',
      ].join('\n'),
    );
    const down = request.relations.filter((r) => r.down).map((r) => [r.name, r.limit]);
    expect(down).toEqual([
      ['line_order_fkey', null],
      ['orders_customer_fkey', 5],
    ]);
    expect(request.relations.find((r) => r.name.startsWith('virtual:'))).toMatchObject({
      name: 'virtual:public.audit(customer_ref)',
      child: ref('audit'),
      parent: ref('customer'),
      down: false,
    });
  });

  it('refuses names the schema does not have, ambiguous or missing relations, and hashes without a key', () => {
    expect(() => build('  targets: [{ table: nope }]\n')).toThrow(
      /subset\.targets\[0\]\.table: public\.nope/,
    );
    expect(() =>
      build('  targets: [{ table: customer }]\n  follow: [{ from: customer, to: orders }]\n'),
    ).toThrow(/2 foreign keys/);
    expect(() =>
      build('  targets: [{ table: customer }]\n  follow: [{ from: orders, to: customer }]\n'),
    ).toThrow(/no foreign key/);
    expect(() =>
      build(
        '  targets: [{ table: customer }]\n  virtual_foreign_keys: [{ table: audit, columns: [nope], references: { table: customer, columns: [id] } }]\n',
      ),
    ).toThrow(/has no column nope/);
    expect(() =>
      build(
        '  targets: [{ table: customer }]\n  virtual_foreign_keys: [{ table: audit, columns: [customer_ref, what], references: { table: customer, columns: [id] } }]\n',
      ),
    ).toThrow(/2 column\(s\) reference 1/);
    const hashed = `  targets: [{ table: customer }]\n  suppress: [{ table: customer, column: email, hashes: ["${'a'.repeat(64)}"] }]\n`;
    expect(() => build(hashed)).toThrow(/key/);
    expect(build(hashed, Buffer.alloc(32)).suppressionKey).toHaveLength(32);
    expect(build(hashed, Buffer.alloc(32)).suppress).toEqual([
      { table: ref('customer'), column: 'email', values: [], hashes: ['a'.repeat(64)] },
    ]);
  });

  it('refuses a partitioned table with nothing to identify its rows', () => {
    const schema: DatabaseSchema = {
      sequences: [],
      tables: [table('log', ['at'], [], { kind: 'partitioned' })],
    };
    const plan = {
      tables: [{ table: ref('log'), kind: 'partitioned', copyRows: false, where: null, columns: [] }],
    } as unknown as Plan;
    expect(() => buildSubsetRequest(schema, plan, settings('  targets: [{ table: log }]\n'), null)).toThrow(
      /no primary key/,
    );
  });

  it('identifies rows by primary key, else a NOT NULL unique set, else none', () => {
    expect(rowKey(table('a', ['x'], [pk(['x'])]))).toEqual(['x']);
    expect(rowKey(table('b', ['x', 'y'], [], { uniqueColumnSets: [['y']] }))).toEqual(['y']);
    const nullable = table('c', ['x'], [], { uniqueColumnSets: [['x']] });
    expect(rowKey({ ...nullable, columns: [columnInfo({ name: 'x', isNullable: true })] })).toBeNull();
  });
});
