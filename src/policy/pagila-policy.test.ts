import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SELECT_ALL } from '../core/index.js';
import type { ColumnInfo, ConstraintInfo, DatabaseSchema, TableInfo, TypeCategory } from '../core/index.js';
import { loadPolicy, planErrors, planTransforms } from './index.js';
import type { OutputConstraints, Plan } from './index.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/pagila.policy.yaml', import.meta.url));

// The structure of test/fixtures/pagila/pagila-schema.sql, written out by hand: `name type`, `!` = NOT NULL.
const CATEGORY: Record<string, TypeCategory> = {
  integer: 'integer',
  smallint: 'integer',
  text: 'string',
  'character(20)': 'string',
  boolean: 'boolean',
  date: 'date',
  'timestamp with time zone': 'timestamp',
  'numeric(4,2)': 'decimal',
  'numeric(5,2)': 'decimal',
  bytea: 'binary',
  'text[]': 'array',
  tsvector: 'text_search',
  'public.mpaa_rating': 'enum',
  'public.year': 'integer',
};

type ForeignKey = [name: string, columns: string[], table: string, refColumns: string[]];

function pagilaTable(
  name: string,
  columns: string,
  primaryKey: string[],
  foreignKeys: ForeignKey[] = [],
  options: { kind?: TableInfo['kind']; parent?: string; unique?: string[][] } = {},
): TableInfo {
  const columnInfos = columns.split(', ').map((spec): ColumnInfo => {
    const [columnName = '', ...typeWords] = spec.trim().split(' ');
    const typeText = typeWords.join(' ');
    const dataType = typeText.replace(/!$/, '');
    return {
      name: columnName,
      dataType,
      baseType: dataType,
      category: CATEGORY[dataType] ?? 'other',
      elementCategory: dataType === 'text[]' ? 'string' : null,
      maxLength: dataType === 'character(20)' ? 20 : null,
      isNullable: !typeText.endsWith('!'),
      isGenerated: false,
      identity: null,
      hasDefault: columnName === `${name}_id`,
      enumLabels: null,
    };
  });
  const constraints: ConstraintInfo[] = [
    { name: `${name}_pkey`, kind: 'primary_key', columns: primaryKey, definition: '', references: null },
    ...foreignKeys.map(([fkName, fkColumns, table, refColumns]): ConstraintInfo => ({
      name: fkName,
      kind: 'foreign_key',
      columns: fkColumns,
      definition: '',
      references: { table: { schema: 'public', name: table }, columns: refColumns },
    })),
  ];
  return {
    ref: { schema: 'public', name },
    kind: options.kind ?? (options.parent === undefined ? 'table' : 'partition'),
    parent: options.parent === undefined ? null : { schema: 'public', name: options.parent },
    columns: columnInfos,
    constraints,
    uniqueColumnSets: [primaryKey, ...(options.unique ?? [])],
    estimatedRows: 1000,
  };
}

const fk = (table: string, column: string, target: string, targetColumn = column): ForeignKey => [
  `${table}_${column}_fkey`,
  [column],
  target,
  [targetColumn],
];
const stamp = 'last_update timestamp with time zone!';
const paymentColumns =
  'payment_id integer!, customer_id integer!, staff_id integer!, rental_id integer!, amount numeric(5,2)!, payment_date timestamp with time zone!';

function pagilaSchema(): DatabaseSchema {
  const partitions = ['01', '02', '03', '04', '05', '06', '07'].map((month) => {
    const name = `payment_p2022_${month}`;
    return pagilaTable(
      name,
      paymentColumns,
      ['payment_date', 'payment_id'],
      [fk(name, 'customer_id', 'customer'), fk(name, 'rental_id', 'rental'), fk(name, 'staff_id', 'staff')],
      { parent: 'payment' },
    );
  });
  return {
    tables: [
      pagilaTable('actor', `actor_id integer!, first_name text!, last_name text!, ${stamp}`, ['actor_id']),
      pagilaTable(
        'address',
        `address_id integer!, address text!, address2 text, district text!, city_id integer!, postal_code text, phone text!, ${stamp}`,
        ['address_id'],
        [fk('address', 'city_id', 'city')],
      ),
      pagilaTable('category', `category_id integer!, name text!, ${stamp}`, ['category_id']),
      pagilaTable(
        'city',
        `city_id integer!, city text!, country_id integer!, ${stamp}`,
        ['city_id'],
        [fk('city', 'country_id', 'country')],
      ),
      pagilaTable('country', `country_id integer!, country text!, ${stamp}`, ['country_id']),
      pagilaTable(
        'customer',
        'customer_id integer!, store_id integer!, first_name text!, last_name text!, email text, address_id integer!, activebool boolean!, create_date date!, last_update timestamp with time zone, active integer',
        ['customer_id'],
        [fk('customer', 'address_id', 'address'), fk('customer', 'store_id', 'store')],
      ),
      pagilaTable(
        'film',
        `film_id integer!, title text!, description text, release_year public.year, language_id integer!, original_language_id integer, rental_duration smallint!, rental_rate numeric(4,2)!, length smallint, replacement_cost numeric(5,2)!, rating public.mpaa_rating, ${stamp}, special_features text[], fulltext tsvector!`,
        ['film_id'],
        [
          fk('film', 'language_id', 'language'),
          fk('film', 'original_language_id', 'language', 'language_id'),
        ],
      ),
      pagilaTable(
        'film_actor',
        `actor_id integer!, film_id integer!, ${stamp}`,
        ['actor_id', 'film_id'],
        [fk('film_actor', 'actor_id', 'actor'), fk('film_actor', 'film_id', 'film')],
      ),
      pagilaTable(
        'film_category',
        `film_id integer!, category_id integer!, ${stamp}`,
        ['film_id', 'category_id'],
        [fk('film_category', 'category_id', 'category'), fk('film_category', 'film_id', 'film')],
      ),
      pagilaTable(
        'inventory',
        `inventory_id integer!, film_id integer!, store_id integer!, ${stamp}`,
        ['inventory_id'],
        [fk('inventory', 'film_id', 'film'), fk('inventory', 'store_id', 'store')],
      ),
      pagilaTable('language', `language_id integer!, name character(20)!, ${stamp}`, ['language_id']),
      pagilaTable('payment', paymentColumns, ['payment_date', 'payment_id'], [], { kind: 'partitioned' }),
      ...partitions,
      pagilaTable(
        'rental',
        `rental_id integer!, rental_date timestamp with time zone!, inventory_id integer!, customer_id integer!, return_date timestamp with time zone, staff_id integer!, ${stamp}`,
        ['rental_id'],
        [
          fk('rental', 'customer_id', 'customer'),
          fk('rental', 'inventory_id', 'inventory'),
          fk('rental', 'staff_id', 'staff'),
        ],
        { unique: [['rental_date', 'inventory_id', 'customer_id']] },
      ),
      pagilaTable(
        'staff',
        `staff_id integer!, first_name text!, last_name text!, address_id integer!, email text, store_id integer!, active boolean!, username text!, password text, ${stamp}, picture bytea`,
        ['staff_id'],
        [fk('staff', 'address_id', 'address'), fk('staff', 'store_id', 'store')],
      ),
      pagilaTable(
        'store',
        `store_id integer!, manager_staff_id integer!, address_id integer!, ${stamp}`,
        ['store_id'],
        [fk('store', 'address_id', 'address')],
        { unique: [['manager_staff_id']] },
      ),
    ],
    sequences: [],
  };
}

/** A stand-in for src/transform: nullify needs a nullable column, shift_date a date; transforms of unique columns may collide. */
const plausibleFit: OutputConstraints = (action, column, isUnique) => {
  if (action.kind === 'nullify' && !column.isNullable)
    return { fits: false, problem: 'NOT NULL', canCollide: false };
  if (action.kind === 'shift_date' && column.category !== 'date' && column.category !== 'timestamp')
    return { fits: false, problem: 'not a date', canCollide: false };
  return { fits: true, canCollide: isUnique };
};

function actionOf(plan: Plan, table: string, column: string): string {
  const c = plan.tables.find((t) => t.table.name === table)?.columns.find((x) => x.name === column);
  return c === undefined ? 'missing' : c.action.kind;
}

describe('examples/pagila.policy.yaml', () => {
  it('loads with loadPolicy', async () => {
    const policy = await loadPolicy(EXAMPLE);
    expect(policy.strict).toBe(true);
    expect(policy.rules.map((r) => r.id)).toEqual(['bookkeeping', 'surrogate-keys']);
    expect(Object.keys(policy.tables)).toContain('public.customer');
  });

  it('covers every column of pagila with no pre-flight errors or warnings', async () => {
    const plan = planTransforms(pagilaSchema(), await loadPolicy(EXAMPLE), {
      selection: SELECT_ALL,
      outputConstraints: plausibleFit,
    });
    expect(plan.uncovered).toEqual([]);
    expect(planErrors(plan)).toEqual([]);
    expect(plan.findings).toEqual([]);
    expect(plan.tables).toHaveLength(22);
  });

  it('replaces the personal columns and keeps actors’ public credits, saying why', async () => {
    const plan = planTransforms(pagilaSchema(), await loadPolicy(EXAMPLE), {
      selection: SELECT_ALL,
      outputConstraints: plausibleFit,
    });
    const personal: [string, string, string][] = [
      ['customer', 'first_name', 'substitute'],
      ['customer', 'last_name', 'substitute'],
      ['customer', 'email', 'substitute'],
      ['staff', 'first_name', 'substitute'],
      ['staff', 'last_name', 'substitute'],
      ['staff', 'email', 'substitute'],
      ['staff', 'username', 'substitute'],
      ['staff', 'password', 'hash'],
      ['staff', 'picture', 'nullify'],
      ['address', 'address', 'substitute'],
      ['address', 'address2', 'substitute'],
      ['address', 'district', 'keep'],
      ['address', 'postal_code', 'mask'],
      ['address', 'phone', 'substitute'],
    ];
    expect(personal.map(([t, c]) => [t, c, actionOf(plan, t, c)])).toEqual(personal);
    const actor = plan.tables.find((t) => t.table.name === 'actor');
    expect(actor?.columns.find((c) => c.name === 'last_name')).toMatchObject({
      action: { kind: 'keep' },
      reason: expect.stringContaining('credited publicly'),
    });
    expect(plan.tables.find((t) => t.table.name === 'payment_p2022_03')?.columns[5]?.rule).toBe(
      'tables."public.payment".columns.payment_date (partitioned parent public.payment)',
    );
  });
});
