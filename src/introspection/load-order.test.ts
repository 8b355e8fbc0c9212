import { describe, expect, it } from 'vitest';
import type { ConstraintInfo, DatabaseSchema, TableInfo } from '../core/index.js';
import { loadOrder, resolveLoadOrder } from './load-order.js';

function references(name: string, target: string): ConstraintInfo {
  return {
    name,
    kind: 'foreign_key',
    columns: ['x'],
    definition: '',
    references: { table: { schema: 'public', name: target }, columns: ['id'] },
  };
}

function table(name: string, refs: [constraint: string, target: string][] = [], parent?: string): TableInfo {
  return {
    ref: { schema: 'public', name },
    kind: parent === undefined ? 'table' : 'partition',
    parent: parent === undefined ? null : { schema: 'public', name: parent },
    columns: [],
    constraints: refs.map(([c, target]) => references(c, target)),
    uniqueColumnSets: [],
    estimatedRows: 0,
  };
}

const names = (schema: DatabaseSchema): string[] => loadOrder(schema).map((t) => t.name);

describe('loadOrder', () => {
  it('puts referenced tables before the tables that reference them, alphabetically when free', () => {
    const schema: DatabaseSchema = {
      tables: [
        table('rental', [
          ['rental_customer_fkey', 'customer'],
          ['rental_inventory_fkey', 'inventory'],
        ]),
        table('inventory', [['inventory_film_fkey', 'film']]),
        table('customer', [['customer_address_fkey', 'address']]),
        table('film'),
        table('address'),
      ],
      sequences: [],
    };
    expect(names(schema)).toEqual(['address', 'customer', 'film', 'inventory', 'rental']);
    expect(names({ ...schema, tables: [...schema.tables].reverse() })).toEqual(names(schema));
  });

  it('reports self references without letting them block the table', () => {
    const result = resolveLoadOrder({
      tables: [
        table('employee', [['employee_manager_fkey', 'employee']]),
        table('badge', [['badge_employee_fkey', 'employee']]),
      ],
      sequences: [],
    });
    expect(result.order.map((t) => t.name)).toEqual(['employee', 'badge']);
    expect(result.deferred).toEqual([
      {
        from: { schema: 'public', name: 'employee' },
        to: { schema: 'public', name: 'employee' },
        constraint: 'employee_manager_fkey',
        reason: 'self_reference',
      },
    ]);
  });

  it('breaks a cycle deterministically inside the cycle, not at a table that merely depends on it', () => {
    // a ⇄ b is a cycle; c depends on b and sorts first, but must still come after b.
    const schema: DatabaseSchema = {
      tables: [
        table('b', [['b_a_fkey', 'a']]),
        table('a', [['a_b_fkey', 'b']]),
        table('aa_child', [['child_b_fkey', 'b']]),
        table('root'),
      ],
      sequences: [],
    };
    const result = resolveLoadOrder(schema);
    expect(result.order.map((t) => t.name)).toEqual(['root', 'a', 'b', 'aa_child']);
    expect(result.deferred).toEqual([
      {
        from: { schema: 'public', name: 'b' },
        to: { schema: 'public', name: 'a' },
        constraint: 'a_b_fkey',
        reason: 'cycle',
      },
    ]);
    expect(resolveLoadOrder({ ...schema, tables: [...schema.tables].reverse() })).toEqual(result);
  });

  it('places a partitioned table after its partitions, and what references it after both', () => {
    const schema: DatabaseSchema = {
      tables: [
        { ...table('payment'), kind: 'partitioned' },
        table('payment_2024', [], 'payment'),
        table('payment_2023', [], 'payment'),
        table('aardvark', [['aardvark_payment_fkey', 'payment']]),
      ],
      sequences: [],
    };
    expect(names(schema)).toEqual(['payment_2023', 'payment_2024', 'payment', 'aardvark']);
  });

  it('ignores references to tables outside the schema', () => {
    expect(names({ tables: [table('orders', [['orders_user_fkey', 'users']])], sequences: [] })).toEqual([
      'orders',
    ]);
  });
});
