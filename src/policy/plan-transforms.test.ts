import { describe, expect, it } from 'vitest';
import { SELECT_ALL } from '../core/index.js';
import type {
  ActionSpec,
  ColumnInfo,
  ConstraintInfo,
  DatabaseSchema,
  Selection,
  TableInfo,
  TableKind,
  TypeCategory,
} from '../core/index.js';
import { schemaFingerprint } from '../introspection/index.js';
import { formatPlanText, parsePolicy, planErrors, planTransforms, policyDigest } from './index.js';
import type { OutputConstraints, Plan, PlannedColumn, PreflightFinding } from './index.js';

// ── Fixture builders: DatabaseSchema by hand ────────────────────────────────────────────────────────────

const CATEGORIES: Record<string, TypeCategory> = {
  integer: 'integer',
  bigint: 'integer',
  text: 'string',
  date: 'date',
  'timestamp with time zone': 'timestamp',
  jsonb: 'json',
  boolean: 'boolean',
};

function col(name: string, dataType: string, options: Partial<ColumnInfo> = {}): ColumnInfo {
  const varchar = /^character varying\((\d+)\)$/.exec(dataType);
  return {
    name,
    dataType,
    baseType: varchar ? 'varchar' : dataType,
    category: varchar ? 'string' : (CATEGORIES[dataType] ?? 'other'),
    elementCategory: null,
    maxLength: varchar ? Number(varchar[1]) : null,
    isNullable: true,
    isGenerated: false,
    identity: null,
    hasDefault: false,
    enumLabels: null,
    ...options,
  };
}

const notNull = { isNullable: false };

function pk(name: string, ...columns: string[]): ConstraintInfo {
  return {
    name,
    kind: 'primary_key',
    columns,
    definition: `PRIMARY KEY (${columns.join(', ')})`,
    references: null,
  };
}
function unique(name: string, ...columns: string[]): ConstraintInfo {
  return { name, kind: 'unique', columns, definition: `UNIQUE (${columns.join(', ')})`, references: null };
}
function check(name: string, ...columns: string[]): ConstraintInfo {
  return { name, kind: 'check', columns, definition: 'CHECK (…)', references: null };
}
function fk(name: string, columns: string[], table: string, refColumns: string[]): ConstraintInfo {
  const [schema, tableName] = table.split('.') as [string, string];
  return {
    name,
    kind: 'foreign_key',
    columns,
    definition: `FOREIGN KEY (${columns.join(', ')}) REFERENCES ${table}(${refColumns.join(', ')})`,
    references: { table: { schema, name: tableName }, columns: refColumns },
  };
}

function table(
  qualified: string,
  columns: ColumnInfo[],
  constraints: ConstraintInfo[] = [],
  options: { kind?: TableKind; parent?: string } = {},
): TableInfo {
  const [schema, name] = qualified.split('.') as [string, string];
  const parent = options.parent?.split('.') as [string, string] | undefined;
  return {
    ref: { schema, name },
    kind: options.kind ?? (parent ? 'partition' : 'table'),
    parent: parent ? { schema: parent[0], name: parent[1] } : null,
    columns,
    constraints,
    uniqueColumnSets: constraints
      .filter((c) => c.kind === 'primary_key' || c.kind === 'unique')
      .map((c) => [...c.columns]),
    estimatedRows: 1000,
  };
}

/** A shop: self reference, unique e-mail, a check, a generated column, a composite FK, a partitioned table. */
function shopSchema(): DatabaseSchema {
  const eventColumns = (): ColumnInfo[] => [
    col('id', 'bigint', notNull),
    col('customer_id', 'integer', notNull),
    col('happened_at', 'timestamp with time zone', notNull),
    col('payload', 'jsonb'),
  ];
  return {
    tables: [
      table(
        'public.customers',
        [
          col('id', 'integer', { ...notNull, identity: 'always', hasDefault: true }),
          col('email', 'character varying(100)', notNull),
          col('full_name', 'text'),
          col('referred_by', 'integer'),
          col('signup_date', 'date', notNull),
          col('name_upper', 'text', { isGenerated: true }),
        ],
        [
          pk('customers_pkey', 'id'),
          unique('customers_email_key', 'email'),
          check('customers_full_name_check', 'full_name'),
          fk('customers_referred_by_fkey', ['referred_by'], 'public.customers', ['id']),
        ],
      ),
      table(
        'public.orders',
        [
          col('customer_id', 'integer', notNull),
          col('order_no', 'integer', notNull),
          col('placed_at', 'timestamp with time zone', notNull),
          col('note', 'text'),
        ],
        [
          pk('orders_pkey', 'customer_id', 'order_no'),
          fk('orders_customer_id_fkey', ['customer_id'], 'public.customers', ['id']),
        ],
      ),
      table(
        'public.order_lines',
        [
          col('customer_id', 'integer', notNull),
          col('order_no', 'integer', notNull),
          col('line_no', 'integer', notNull),
          col('sku', 'text', notNull),
        ],
        [
          pk('order_lines_pkey', 'customer_id', 'order_no', 'line_no'),
          fk('order_lines_order_fkey', ['customer_id', 'order_no'], 'public.orders', [
            'customer_id',
            'order_no',
          ]),
        ],
      ),
      table('public.events', eventColumns(), [pk('events_pkey', 'id', 'happened_at')], {
        kind: 'partitioned',
      }),
      ...['2024', '2025'].map((year) =>
        table(
          `public.events_${year}`,
          eventColumns(),
          [
            pk(`events_${year}_pkey`, 'id', 'happened_at'),
            fk(`events_${year}_customer_id_fkey`, ['customer_id'], 'public.customers', ['id']),
          ],
          { parent: 'public.events' },
        ),
      ),
      table('audit.log', [col('id', 'bigint', notNull), col('message', 'text')], [pk('log_pkey', 'id')]),
    ],
    sequences: [{ ref: { schema: 'public', name: 'customers_id_seq' }, lastValue: '42', isCalled: true }],
  };
}

/** A policy covering every column of shopSchema, with customers.id hashed. */
const SHOP_POLICY = `
version: 1
rules:
  - id: timestamps
    match: { type: timestamp* }
    action: keep
    reason: event times are not personal here
tables:
  public.customers:
    columns:
      id: hash
      email: { action: substitute, entity: email, reason: direct identifier }
      full_name: { action: substitute, entity: full_name }
      signup_date: { action: shift_date, max_days: 30 }
      "*": keep
  public.orders:
    columns:
      order_no: keep
      note: { action: redact_text }
  public.order_lines: { columns: { "*": keep } }
  public.events:
    columns:
      payload: nullify
      "*": keep
  audit.log: { columns: { "*": keep } }
`;

const fitsEverything: OutputConstraints = () => ({ fits: true, canCollide: false });

function plan(
  policyYaml: string,
  options: { schema?: DatabaseSchema; selection?: Selection; outputConstraints?: OutputConstraints } = {},
): Plan {
  return planTransforms(options.schema ?? shopSchema(), parsePolicy(policyYaml, 'test.yaml'), {
    selection: options.selection ?? SELECT_ALL,
    outputConstraints: options.outputConstraints ?? fitsEverything,
  });
}

function column(p: Plan, qualifiedTable: string, name: string): PlannedColumn {
  const t = p.tables.find((x) => `${x.table.schema}.${x.table.name}` === qualifiedTable);
  const c = t?.columns.find((x) => x.name === name);
  if (c === undefined) throw new Error(`no planned column ${qualifiedTable}.${name}`);
  return c;
}

function codes(p: Plan): string[] {
  return p.findings.map((f) => `${f.severity} ${f.code} ${f.table ?? ''}.${f.column ?? ''}`);
}

function findingsWith(p: Plan, code: string): PreflightFinding[] {
  return p.findings.filter((f) => f.code === code);
}

const hash: ActionSpec = { kind: 'hash' };

// ── Tests ───────────────────────────────────────────────────────────────────────────────────────────────

describe('planTransforms precedence', () => {
  it('plans a generated column as not copied even when the policy names it', () => {
    const p = plan(
      SHOP_POLICY.replace(
        '"*": keep\n  public.orders',
        'name_upper: nullify\n      "*": keep\n  public.orders',
      ),
    );
    expect(column(p, 'public.customers', 'name_upper')).toEqual({
      name: 'name_upper',
      action: { kind: 'keep' },
      rule: 'generated column',
      reason: 'the target computes generated columns itself',
      copied: false,
    });
  });

  it('uses an explicit column entry before rules and the "*" entry, with its reason or a default one', () => {
    const p = plan(SHOP_POLICY);
    expect(column(p, 'public.customers', 'email')).toEqual({
      name: 'email',
      action: { kind: 'substitute', entity: 'email' },
      rule: 'tables."public.customers".columns.email',
      reason: 'direct identifier',
      copied: true,
    });
    expect(column(p, 'public.customers', 'id').reason).toBe('set for public.customers.id in the policy');
  });

  it('gives partitions without an entry their partitioned parent’s entry, and says so', () => {
    const p = plan(SHOP_POLICY);
    expect(column(p, 'public.events_2024', 'payload')).toMatchObject({
      action: { kind: 'nullify' },
      rule: 'tables."public.events".columns.payload (partitioned parent public.events)',
    });
    expect(column(p, 'public.events_2025', 'id').rule).toBe(
      'tables."public.events".columns.* (partitioned parent public.events)',
    );
  });

  it('gives a sub-partition its root’s entry through an intermediate partitioned table, skip included', () => {
    const schema = shopSchema();
    const events = schema.tables.find((t) => t.ref.name === 'events_2024');
    if (events === undefined) throw new Error('no events_2024');
    const subPartitioned: DatabaseSchema = {
      ...schema,
      tables: [
        ...schema.tables.filter((t) => t !== events),
        { ...events, kind: 'partitioned' },
        { ...events, ref: { schema: 'public', name: 'events_2024_q1' }, parent: events.ref },
      ],
    };
    const p = plan(SHOP_POLICY, { schema: subPartitioned });
    expect(column(p, 'public.events_2024_q1', 'payload').rule).toBe(
      'tables."public.events".columns.payload (partitioned parent public.events)',
    );
    const skipped = plan(SHOP_POLICY.replace('  public.events:\n', '  public.events:\n    skip: true\n'), {
      schema: subPartitioned,
    });
    expect(skipped.tables.find((t) => t.table.name === 'events_2024_q1')?.copyRows).toBe(false);
  });

  it('uses a partition’s own entry when it has one', () => {
    const p = plan(
      `${SHOP_POLICY}  public.events_2025: { columns: { "*": keep, payload: drop, customer_id: hash } }\n`,
    );
    expect(column(p, 'public.events_2025', 'payload').rule).toBe(
      'tables."public.events_2025".columns.payload',
    );
    expect(column(p, 'public.events_2024', 'payload').action).toEqual({ kind: 'nullify' });
  });

  it('lets a foreign key column follow a transformed key before rules and the "*" entry apply', () => {
    const p = plan(SHOP_POLICY);
    expect(column(p, 'public.orders', 'customer_id')).toEqual({
      name: 'customer_id',
      action: hash,
      rule: 'foreign key orders_customer_id_fkey → public.customers.id',
      reason: 'takes the action of the key it references, so joins still match',
      copied: true,
    });
  });

  it('takes the first matching rule, matching globs on schema, table, column and declared type', () => {
    const p = plan(`
version: 1
rules:
  - { id: no-match, match: { schema: pub, column: "*" }, action: drop }
  - { id: times, match: { type: "timestamp*" }, action: keep }
  - { id: first-wins, match: { table: "order?", column: "pl*" }, action: nullify }
  - { id: notes, match: { schema: "p*", table: "*s", column: note }, action: redact_text }
tables:
  public.customers: { columns: { id: keep, email: keep, full_name: keep, referred_by: keep, signup_date: keep } }
  public.orders: { columns: { "*": hash, customer_id: keep } }
  public.order_lines: { columns: { "*": keep } }
  public.events: { columns: { "*": keep } }
  audit.log: { columns: { "*": keep } }
`);
    expect(column(p, 'public.orders', 'placed_at')).toMatchObject({
      action: { kind: 'keep' },
      rule: 'rules[1] (times)',
    });
    expect(column(p, 'public.orders', 'note')).toMatchObject({
      action: { kind: 'redact_text' },
      rule: 'rules[3] (notes)',
      reason: 'matched rule notes',
    });
    expect(column(p, 'public.orders', 'order_no')).toMatchObject({
      action: hash,
      rule: 'tables."public.orders".columns.*',
      reason: 'default for the columns of public.orders not named in the policy',
    });
  });

  it('lists a column nothing covers as uncovered, plans it as not copied and reports an error', () => {
    const p = plan(SHOP_POLICY.replace('  audit.log: { columns: { "*": keep } }\n', ''));
    expect(p.uncovered).toEqual([
      { table: 'audit.log', column: 'id' },
      { table: 'audit.log', column: 'message' },
    ]);
    expect(column(p, 'audit.log', 'message')).toMatchObject({
      action: { kind: 'drop' },
      rule: 'uncovered',
      copied: false,
    });
    expect(findingsWith(p, 'uncovered_column')).toEqual([
      expect.objectContaining({ severity: 'error', table: 'audit.log', column: 'id' }),
      expect.objectContaining({ severity: 'error', table: 'audit.log', column: 'message' }),
    ]);
    expect(findingsWith(p, 'uncovered_column')[1]?.message).toContain('audit.log.message');
  });

  it('keeps uncovered columns with a warning each when the policy says strict: false', () => {
    const p = plan(
      SHOP_POLICY.replace('version: 1\n', 'version: 1\nstrict: false\n').replace(
        '  audit.log: { columns: { "*": keep } }\n',
        '',
      ),
    );
    expect(p.strict).toBe(false);
    expect(p.uncovered).toHaveLength(2);
    expect(column(p, 'audit.log', 'message')).toMatchObject({
      action: { kind: 'keep' },
      rule: 'strict: false',
      copied: true,
    });
    expect(findingsWith(p, 'uncovered_column').map((f) => f.severity)).toEqual(['warning', 'warning']);
    expect(planErrors(p)).toEqual([]);
  });
});

describe('planTransforms foreign keys', () => {
  it('follows composite foreign keys column by column, through chains', () => {
    const p = plan(
      SHOP_POLICY.replace('      order_no: keep', '      order_no: { action: hash, length: 12 }'),
    );
    expect(column(p, 'public.order_lines', 'customer_id')).toMatchObject({
      action: hash,
      rule: 'foreign key order_lines_order_fkey → public.orders.customer_id',
    });
    expect(column(p, 'public.order_lines', 'order_no')).toMatchObject({
      action: { kind: 'hash', length: 12 },
      rule: 'foreign key order_lines_order_fkey → public.orders.order_no',
    });
    expect(column(p, 'public.order_lines', 'line_no').action).toEqual({ kind: 'keep' });
    expect(planErrors(p)).toEqual([]);
  });

  it('follows a self reference', () => {
    const p = plan(SHOP_POLICY);
    expect(column(p, 'public.customers', 'referred_by')).toMatchObject({
      action: hash,
      rule: 'foreign key customers_referred_by_fkey → public.customers.id',
    });
  });

  it('does not inherit keep: a column referencing a kept key falls through to rules, "*" and uncovered', () => {
    const p = plan(SHOP_POLICY.replace('      id: hash\n', '      id: keep\n'));
    expect(column(p, 'public.order_lines', 'customer_id').rule).toBe('tables."public.order_lines".columns.*');
    expect(column(p, 'public.orders', 'customer_id').rule).toBe('uncovered');
    expect(p.uncovered).toEqual([{ table: 'public.orders', column: 'customer_id' }]);
  });

  it('reports an explicit action on a referencing column that differs from its key', () => {
    const p = plan(
      SHOP_POLICY.replace('      order_no: keep', '      order_no: keep\n      customer_id: keep'),
    );
    expect(findingsWith(p, 'foreign_key_action_conflict')).toEqual([
      {
        severity: 'error',
        code: 'foreign_key_action_conflict',
        table: 'public.orders',
        column: 'customer_id',
        message: expect.stringContaining(
          'public.orders.customer_id uses keep (tables."public.orders".columns.customer_id) but references public.customers.id (foreign key orders_customer_id_fkey), which uses hash',
        ),
      },
    ]);
  });

  it('accepts an explicit action equal to the key’s, and nullify on a nullable reference', () => {
    const p = plan(
      SHOP_POLICY.replace(
        '      "*": keep\n  public.orders',
        '      referred_by: nullify\n      "*": keep\n  public.orders',
      ).replace('      order_no: keep', '      order_no: keep\n      customer_id: hash'),
    );
    expect(column(p, 'public.orders', 'customer_id').rule).toBe('tables."public.orders".columns.customer_id');
    expect(column(p, 'public.customers', 'referred_by').action).toEqual({ kind: 'nullify' });
    expect(findingsWith(p, 'foreign_key_action_conflict')).toEqual([]);
  });

  it('resolves a foreign-key cycle to a fixed point from its one explicit column', () => {
    // a.id → b.id → c.id → a.id: primary keys that are also foreign keys (1:1 extension tables).
    const cycle: DatabaseSchema = {
      tables: [
        table(
          'public.a',
          [col('id', 'integer', notNull)],
          [pk('a_pkey', 'id'), fk('a_b_fkey', ['id'], 'public.b', ['id'])],
        ),
        table(
          'public.b',
          [col('id', 'integer', notNull)],
          [pk('b_pkey', 'id'), fk('b_c_fkey', ['id'], 'public.c', ['id'])],
        ),
        table(
          'public.c',
          [col('id', 'integer', notNull)],
          [pk('c_pkey', 'id'), fk('c_a_fkey', ['id'], 'public.a', ['id'])],
        ),
      ],
      sequences: [],
    };
    const p = plan(
      'version: 1\ntables:\n  public.a: { columns: { "*": keep } }\n  public.b: { columns: { "*": keep } }\n  public.c: { columns: { id: hash } }\n',
      { schema: cycle },
    );
    expect(column(p, 'public.a', 'id')).toMatchObject({
      action: hash,
      rule: 'foreign key a_b_fkey → public.b.id',
    });
    expect(column(p, 'public.b', 'id')).toMatchObject({
      action: hash,
      rule: 'foreign key b_c_fkey → public.c.id',
    });
    expect(column(p, 'public.c', 'id').rule).toBe('tables."public.c".columns.id');
    expect(planErrors(p)).toEqual([]);
  });

  it('reports a cycle whose columns get different actions from their own rules', () => {
    const cycle: DatabaseSchema = {
      tables: [
        table(
          'public.a',
          [col('id', 'integer', notNull)],
          [pk('a_pkey', 'id'), fk('a_b_fkey', ['id'], 'public.b', ['id'])],
        ),
        table(
          'public.b',
          [col('id', 'integer', notNull)],
          [pk('b_pkey', 'id'), fk('b_a_fkey', ['id'], 'public.a', ['id'])],
        ),
      ],
      sequences: [],
    };
    const p = plan(
      'version: 1\ntables:\n  public.a: { columns: { "*": keep } }\n  public.b: { columns: { "*": mask } }\n',
      {
        schema: cycle,
      },
    );
    // The alphabetically first column falls back to its own entry; the rest of the cycle follows it where it can.
    expect(column(p, 'public.a', 'id').action).toEqual({ kind: 'keep' });
    expect(column(p, 'public.b', 'id').action.kind).toBe('mask');
    expect(findingsWith(p, 'foreign_key_action_conflict').map((f) => f.table)).toEqual([
      'public.a',
      'public.b',
    ]);
  });

  it('reports key actions that do not depend on the value alone', () => {
    const p = plan(SHOP_POLICY.replace('      id: hash\n', '      id: redact_text\n'));
    expect(findingsWith(p, 'key_action_not_deterministic').map((f) => `${f.table}.${f.column}`)).toEqual([
      'public.customers.id',
      'public.customers.referred_by',
      'public.events_2024.customer_id',
      'public.events_2025.customer_id',
      'public.orders.customer_id',
      'public.order_lines.customer_id',
    ]);
    const shifted = plan(
      SHOP_POLICY.replace(
        '      order_no: keep',
        '      order_no: { action: shift_date, max_days: 3, by: customer_id }',
      ),
    );
    expect(
      findingsWith(shifted, 'key_action_not_deterministic').map((f) => `${f.table}.${f.column}`),
    ).toContain('public.orders.order_no');
  });
});

describe('planTransforms pre-flight findings', () => {
  it('reports a policy entry for a table the source does not have', () => {
    const p = plan(`${SHOP_POLICY}  public.nope: { columns: { "*": keep } }\n`);
    expect(findingsWith(p, 'policy_unknown_table')).toEqual([
      {
        severity: 'error',
        code: 'policy_unknown_table',
        table: 'public.nope',
        message:
          'the policy has an entry for public.nope (tables."public.nope"), but the source has no such table',
      },
    ]);
  });

  it('ignores entries for tables outside the selection, in a whole or a narrowed schema', () => {
    const selection: Selection = { schemas: [], tables: [{ schema: 'audit', name: 'log' }] };
    const whole = plan(SHOP_POLICY, { selection });
    expect(whole.tables.map((t) => t.table.name)).toEqual(['log']);
    expect(whole.findings).toEqual([]);
    const narrowed: DatabaseSchema = {
      tables: shopSchema().tables.filter((t) => t.ref.schema === 'audit'),
      sequences: [],
    };
    expect(plan(SHOP_POLICY, { selection, schema: narrowed }).findings).toEqual([]);
    // In a narrowed schema, a missing table the selection would have covered is still reported.
    const missing = plan(`${SHOP_POLICY}  audit.gone: { columns: { "*": keep } }\n`, {
      selection: { schemas: ['audit'], tables: [] },
      schema: narrowed,
    });
    expect(codes(missing)).toEqual(['error policy_unknown_table audit.gone.']);
  });

  it('reports a policy entry for a column the table does not have', () => {
    const p = plan(
      SHOP_POLICY.replace(
        '      "*": keep\n  public.orders',
        '      emial: keep\n      "*": keep\n  public.orders',
      ),
    );
    expect(findingsWith(p, 'policy_unknown_column')).toEqual([
      expect.objectContaining({ severity: 'error', table: 'public.customers', column: 'emial' }),
    ]);
    expect(findingsWith(p, 'policy_unknown_column')[0]?.message).toContain('public.customers.emial');
  });

  it('reports actions whose output does not fit the column, with the transform’s explanation', () => {
    const calls: string[] = [];
    const strictFit: OutputConstraints = (action, c, isUnique) => {
      calls.push(`${c.name}:${action.kind}:${String(isUnique)}`);
      return action.kind === 'nullify' && !c.isNullable
        ? { fits: false, problem: 'the column is NOT NULL', canCollide: false }
        : { fits: true, canCollide: false };
    };
    const p = plan(
      SHOP_POLICY.replace(
        '      signup_date: { action: shift_date, max_days: 30 }',
        '      signup_date: nullify',
      ),
      {
        outputConstraints: strictFit,
      },
    );
    expect(findingsWith(p, 'action_does_not_fit')).toEqual([
      {
        severity: 'error',
        code: 'action_does_not_fit',
        table: 'public.customers',
        column: 'signup_date',
        message: 'public.customers.signup_date: nullify does not fit date NOT NULL: the column is NOT NULL',
      },
    ]);
    // Single-column unique sets are asked with isUnique true; kept and uncopied columns are not asked.
    expect(calls).toContain('email:substitute:true');
    expect(calls).toContain('full_name:substitute:false');
    expect(calls.some((c) => c.startsWith('name_upper') || c.includes(':keep:'))).toBe(false);
  });

  it('reports a single-column unique set whose action can collide', () => {
    const collidingHash: OutputConstraints = (action) => ({ fits: true, canCollide: action.kind === 'hash' });
    const p = plan(
      SHOP_POLICY.replace(
        '      email: { action: substitute, entity: email, reason: direct identifier }',
        '      email: { action: hash, length: 4 }',
      ),
      {
        outputConstraints: collidingHash,
      },
    );
    expect(findingsWith(p, 'unique_may_collide').map((f) => `${f.table}.${f.column ?? '(set)'}`)).toEqual([
      'public.customers.id',
      'public.customers.email',
    ]);
    expect(findingsWith(p, 'unique_may_collide')[1]?.message).toBe(
      'public.customers.email must stay unique, but email: hash(length=4) can give different values the same output',
    );
  });

  it('reports a multi-column unique set only when every column is transformed and can collide', () => {
    const schema = shopSchema();
    const collide: OutputConstraints = (action) => ({ fits: true, canCollide: action.kind === 'hash' });
    const allHashed = plan(SHOP_POLICY.replace('      order_no: keep', '      order_no: hash'), {
      schema,
      outputConstraints: collide,
    });
    expect(
      findingsWith(allHashed, 'unique_may_collide').map((f) => `${f.table} ${f.column ?? '(set)'}`),
    ).toEqual(['public.customers id', 'public.orders (set)']);
    expect(findingsWith(allHashed, 'unique_may_collide')[1]?.message).toBe(
      '(customer_id, order_no) of public.orders must stay unique, but every column is transformed by an action that can collide (customer_id: hash, order_no: hash)',
    );
    // order_lines keeps line_no, so its primary key cannot collide.
    expect(findingsWith(allHashed, 'unique_may_collide').some((f) => f.table === 'public.order_lines')).toBe(
      false,
    );
    const oneKept = plan(SHOP_POLICY, { schema, outputConstraints: collide });
    expect(findingsWith(oneKept, 'unique_may_collide').some((f) => f.table === 'public.orders')).toBe(false);
  });

  it('warns that a check constraint over a transformed column cannot be verified', () => {
    const p = plan(SHOP_POLICY);
    expect(findingsWith(p, 'check_not_verifiable')).toEqual([
      {
        severity: 'warning',
        code: 'check_not_verifiable',
        table: 'public.customers',
        column: 'full_name',
        message:
          'check constraint customers_full_name_check uses public.customers.full_name, which substitute(entity=full_name) changes; the new values are not checked against it before loading',
      },
    ]);
  });

  it('reports shift_date by an unknown column, by a column that is not copied, and on a non-date column', () => {
    const p = plan(
      SHOP_POLICY.replace(
        '      signup_date: { action: shift_date, max_days: 30 }',
        '      signup_date: { action: shift_date, max_days: 30, by: customer_no }',
      )
        .replace(
          '      full_name: { action: substitute, entity: full_name }',
          '      full_name: { action: shift_date, max_days: 5 }',
        )
        .replace(
          '      order_no: keep',
          '      order_no: keep\n      placed_at: { action: shift_date, max_days: 2, by: note }',
        )
        .replace('      note: { action: redact_text }', '      note: drop'),
    );
    expect(codes(p).filter((c) => c.includes('shift_date'))).toEqual([
      'error shift_date_not_a_date public.customers.full_name',
      'error shift_date_by_unknown_column public.customers.signup_date',
      'error shift_date_by_not_copied public.orders.placed_at',
    ]);
    expect(findingsWith(p, 'shift_date_not_a_date')[0]?.message).toBe(
      'public.customers.full_name: shift_date applies to date and timestamp columns, not text',
    );
  });

  it('reports dropping a column that a constraint, a unique set or another table’s foreign key uses', () => {
    const p = plan(
      SHOP_POLICY.replace(
        '      email: { action: substitute, entity: email, reason: direct identifier }',
        '      email: drop',
      ),
    );
    expect(findingsWith(p, 'drop_breaks_constraint')).toEqual([
      expect.objectContaining({
        table: 'public.customers',
        column: 'email',
        message: expect.stringContaining('unique customers_email_key'),
      }),
    ]);
    const key = plan(SHOP_POLICY.replace('      id: hash\n', '      id: drop\n'));
    const messages = findingsWith(key, 'drop_breaks_constraint').map((f) => f.message);
    expect(messages).toContain(
      'public.customers.id is dropped, but primary key customers_pkey uses it; the target could not hold it',
    );
    expect(messages).toContain(
      'public.customers.id is dropped, but foreign key orders_customer_id_fkey of public.orders uses it; the target could not hold it',
    );
  });

  it('warns that a filtered or skipped table referenced by copied tables may orphan their rows', () => {
    const p = plan(
      SHOP_POLICY.replace(
        '  public.customers:\n',
        '  public.customers:\n    where: "signup_date > now() - interval \'1 year\'"\n',
      ),
    );
    expect(findingsWith(p, 'filter_may_orphan_rows')).toEqual([
      {
        severity: 'warning',
        code: 'filter_may_orphan_rows',
        table: 'public.customers',
        message:
          'public.customers copies only the rows its where filter selects; rows of public.customers (customers_referred_by_fkey), public.events_2024 (events_2024_customer_id_fkey), public.events_2025 (events_2025_customer_id_fkey), public.orders (orders_customer_id_fkey) that reference left-out rows will fail their foreign keys',
      },
    ]);
    // The filter text is policy, not data, but findings still never repeat it.
    expect(JSON.stringify(p.findings)).not.toContain('interval');
    const skipped = plan(SHOP_POLICY.replace('  public.orders:\n', '  public.orders:\n    skip: true\n'));
    expect(findingsWith(skipped, 'filter_may_orphan_rows')[0]?.message).toMatch(
      /^public\.orders copies no rows \(skip: true\); rows of public\.order_lines/,
    );
  });

  it('reports a partition that drops different columns from its partitioned table', () => {
    const p = plan(`${SHOP_POLICY}  public.events_2025: { columns: { "*": keep, payload: drop } }\n`);
    expect(codes(p)).toContain('error partition_drop_mismatch public.events_2025.payload');
  });

  it('finds nothing wrong with the shop policy', () => {
    const p = plan(SHOP_POLICY);
    expect(planErrors(p)).toEqual([]);
    expect(codes(p)).toEqual(['warning check_not_verifiable public.customers.full_name']);
  });
});

describe('planTransforms plan shape', () => {
  it('marks skipped and partitioned tables as not copying rows, and carries the where filter', () => {
    const p = plan(
      SHOP_POLICY.replace(
        '  audit.log: { columns: { "*": keep } }',
        '  audit.log: { skip: true, where: "id > 10", columns: { "*": keep } }',
      ),
    );
    const byName = new Map(p.tables.map((t) => [t.table.name, t]));
    expect(byName.get('log')).toMatchObject({ copyRows: false, where: 'id > 10' });
    expect(byName.get('events')).toMatchObject({ kind: 'partitioned', copyRows: false });
    expect(byName.get('events_2024')).toMatchObject({ kind: 'partition', copyRows: true, where: null });
  });

  it('lists tables in load order and selects partitions with their parent', () => {
    const p = plan(SHOP_POLICY, {
      selection: { schemas: [], tables: [{ schema: 'public', name: 'events' }] },
    });
    expect(p.tables.map((t) => t.table.name)).toEqual(['events_2024', 'events_2025', 'events']);
    const all = plan(SHOP_POLICY);
    const names = all.tables.map((t) => t.table.name);
    expect(names.indexOf('customers')).toBeLessThan(names.indexOf('orders'));
    expect(names.indexOf('orders')).toBeLessThan(names.indexOf('order_lines'));
    expect(all.sequences).toEqual([{ schema: 'public', name: 'customers_id_seq' }]);
  });

  it('selects sequences of a whole source by schema, or by serial naming for a table list', () => {
    expect(plan(SHOP_POLICY, { selection: { schemas: ['audit'], tables: [] } }).sequences).toEqual([]);
    const byTable = plan(SHOP_POLICY, {
      selection: { schemas: [], tables: [{ schema: 'public', name: 'customers' }] },
    });
    expect(byTable.sequences).toEqual([{ schema: 'public', name: 'customers_id_seq' }]);
    const other = plan(SHOP_POLICY, {
      selection: { schemas: [], tables: [{ schema: 'public', name: 'orders' }] },
    });
    expect(other.sequences).toEqual([]);
  });

  it('produces the same JSON whatever the order of the schema’s tables', () => {
    const schema = shopSchema();
    const reversed: DatabaseSchema = { ...schema, tables: [...schema.tables].reverse() };
    expect(JSON.stringify(plan(SHOP_POLICY, { schema: reversed }))).toBe(
      JSON.stringify(plan(SHOP_POLICY, { schema })),
    );
  });

  it('records the schema fingerprint and policy digest, and round-trips through JSON', () => {
    const p = plan(SHOP_POLICY);
    expect(p.formatVersion).toBe(1);
    expect(p.schemaFingerprint).toBe(schemaFingerprint(shopSchema()));
    expect(p.policyDigest).toBe(policyDigest(parsePolicy(SHOP_POLICY, 'x.yaml')));
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it('produces exactly this plan for a small schema', () => {
    const schema: DatabaseSchema = {
      tables: [
        table(
          'public.users',
          [col('id', 'integer', notNull), col('email', 'text', notNull), col('born', 'date')],
          [pk('users_pkey', 'id'), unique('users_email_key', 'email')],
        ),
        table(
          'public.logins',
          [col('user_id', 'integer', notNull), col('at', 'timestamp with time zone', notNull)],
          [fk('logins_user_id_fkey', ['user_id'], 'public.users', ['id'])],
        ),
      ],
      sequences: [],
    };
    const p = plan(
      `version: 1
rules: [{ id: times, match: { column: at }, action: keep }]
tables:
  users:
    columns:
      id: { action: hash, length: 16, reason: ids are guessable }
      email: { action: mask, keep_last: 4 }
      born: { action: generalize, to: year }
  logins: { columns: { "*": drop } }
`,
      { schema },
    );
    expect(p).toEqual({
      formatVersion: 1,
      schemaFingerprint: schemaFingerprint(schema),
      policyDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
      strict: true,
      tables: [
        {
          table: { schema: 'public', name: 'users' },
          kind: 'table',
          copyRows: true,
          where: null,
          columns: [
            {
              name: 'id',
              action: { kind: 'hash', length: 16 },
              rule: 'tables."users".columns.id',
              reason: 'ids are guessable',
              copied: true,
            },
            {
              name: 'email',
              action: { kind: 'mask', keep_first: 0, keep_last: 4, char: '*' },
              rule: 'tables."users".columns.email',
              reason: 'set for public.users.email in the policy',
              copied: true,
            },
            {
              name: 'born',
              action: { kind: 'generalize', to: 'year' },
              rule: 'tables."users".columns.born',
              reason: 'set for public.users.born in the policy',
              copied: true,
            },
          ],
        },
        {
          table: { schema: 'public', name: 'logins' },
          kind: 'table',
          copyRows: true,
          where: null,
          columns: [
            {
              name: 'user_id',
              action: { kind: 'hash', length: 16 },
              rule: 'foreign key logins_user_id_fkey → public.users.id',
              reason: 'takes the action of the key it references, so joins still match',
              copied: true,
            },
            {
              name: 'at',
              action: { kind: 'keep' },
              rule: 'rules[0] (times)',
              reason: 'matched rule times',
              copied: true,
            },
          ],
        },
      ],
      sequences: [],
      uncovered: [],
      findings: [],
    });
  });
});

describe('formatPlanText', () => {
  it('prints one aligned line per column with action, rule and reason, then the findings', () => {
    const text = formatPlanText(plan(SHOP_POLICY.replace('  audit.log: { columns: { "*": keep } }\n', '')));
    const lines = text.split('\n');
    expect(lines).toContain('public.customers');
    expect(text).toMatch(
      /\n {2}public\.customers\.email +substitute\(entity=email\) +← tables\."public\.customers"\.columns\.email {2}\(direct identifier\)\n/,
    );
    expect(text).toMatch(/public\.customers\.name_upper +keep \[not copied\] +← generated column/);
    expect(text).toContain('public.events  [partitioned; rows copied through its partitions]');
    expect(text).toContain('findings: 2 errors, 1 warning');
    expect(text).toMatch(/\n {2}error {4}uncovered_column {2}no entry or rule covers audit\.log\.id;/);
    // Errors come before warnings.
    expect(text.indexOf('error    uncovered_column')).toBeLessThan(
      text.indexOf('warning  check_not_verifiable'),
    );
  });
});
