import { columnInfo } from '../../test/helpers/column-info.js';
import { describe, expect, it } from 'vitest';
import { GatewayError, SELECT_ALL } from '../core/index.js';
import type { ColumnInfo, ConstraintInfo, DatabaseSchema, Selection, TableInfo } from '../core/index.js';
import { formatPlanText, parsePolicy, planErrors, planTransforms } from './index.js';
import type { Plan, PlannedColumn } from './index.js';

// A CRM: customer(email) is a key that audit_log and tickets hold without declaring a foreign key; users(id)
// is held by events.user_id; orders carry a composite (region, customer_no) of accounts.

function col(name: string, dataType: 'text' | 'integer' | 'timestamp', notNull = false): ColumnInfo {
  const category = dataType === 'text' ? 'string' : dataType;
  return columnInfo({ name, dataType, baseType: dataType, category, isNullable: !notNull });
}

function key(name: string, kind: 'primary_key' | 'unique', ...columns: string[]): ConstraintInfo {
  return { name, kind, columns, definition: `(${columns.join(', ')})`, references: null };
}

function table(qualified: string, columns: ColumnInfo[], constraints: ConstraintInfo[] = []): TableInfo {
  const [schema, name] = qualified.split('.') as [string, string];
  return {
    ref: { schema, name },
    kind: 'table',
    parent: null,
    columns,
    constraints,
    uniqueColumnSets: constraints.map((c) => [...c.columns]),
    estimatedRows: 100,
  };
}

function crmSchema(): DatabaseSchema {
  return {
    tables: [
      table(
        'public.customer',
        [col('customer_id', 'integer', true), col('email', 'text', true), col('full_name', 'text')],
        [key('customer_pkey', 'primary_key', 'customer_id'), key('customer_email_key', 'unique', 'email')],
      ),
      table(
        'public.audit_log',
        [col('id', 'integer', true), col('customer_email', 'text'), col('at', 'timestamp')],
        [key('audit_log_pkey', 'primary_key', 'id')],
      ),
      table('public.tickets', [
        col('id', 'integer', true),
        col('customer_email', 'text'),
        col('customer_id', 'integer'),
      ]),
      table(
        'public.users',
        [col('id', 'integer', true), col('email', 'text')],
        [key('users_pkey', 'primary_key', 'id'), key('users_email_key', 'unique', 'email')],
      ),
      table('public.events', [
        col('user_id', 'integer'),
        col('user_email', 'text'),
        col('users_id', 'timestamp'),
      ]),
      table(
        'public.accounts',
        [col('region', 'text', true), col('customer_no', 'text', true), col('owner', 'text')],
        [key('accounts_pkey', 'primary_key', 'region', 'customer_no')],
      ),
      table('public.orders', [col('id', 'integer', true), col('region', 'text'), col('customer_no', 'text')]),
    ],
    sequences: [],
  };
}

/** Keys transformed, everything else kept by "*" entries; `extra` goes at the end (e.g. references:). */
function policyText(extra = ''): string {
  return `version: 1
tables:
  public.customer:
    columns:
      customer_id: hash
      email: { action: substitute, entity: email }
      "*": keep
  public.users:
    columns:
      id: hash
      email: { action: substitute, entity: email, scope: user_email }
  public.accounts:
    columns:
      region: keep
      customer_no: { action: substitute, entity: string, scope: account_no }
      owner: keep
  public.audit_log: { columns: { "*": keep } }
  public.tickets: { columns: { "*": keep } }
  public.events: { columns: { "*": keep } }
  public.orders: { columns: { "*": keep } }
${extra}`;
}

function plan(text: string, selection: Selection = SELECT_ALL): Plan {
  return planTransforms(crmSchema(), parsePolicy(text, 'crm.yaml'), {
    selection,
    outputConstraints: () => ({ fits: true, canCollide: false }),
  });
}

function column(p: Plan, qualified: string, name: string): PlannedColumn {
  const c = p.tables
    .find((t) => `${t.table.schema}.${t.table.name}` === qualified)
    ?.columns.find((x) => x.name === name);
  if (c === undefined) throw new Error(`no planned column ${qualified}.${name}`);
  return c;
}

function findings(p: Plan, code: string): string[] {
  return p.findings.filter((f) => f.code === code).map((f) => `${f.table ?? ''}.${f.column ?? ''}`);
}

describe('references: in the policy file', () => {
  it('parses from/to into tables and columns, composite ones paired in order', () => {
    const policy = parsePolicy(
      `version: 1
references:
  - from: audit_log(customer_email)
    to: public.customer(email)
    reason: audit rows copy the address
  - { from: 'public.orders(region, "customer_no")', to: "public.accounts(region,customer_no)" }
`,
      'crm.yaml',
    );
    expect(policy.references).toEqual([
      {
        from: { table: { schema: 'public', name: 'audit_log' }, columns: ['customer_email'] },
        to: { table: { schema: 'public', name: 'customer' }, columns: ['email'] },
        reason: 'audit rows copy the address',
      },
      {
        from: { table: { schema: 'public', name: 'orders' }, columns: ['region', 'customer_no'] },
        to: { table: { schema: 'public', name: 'accounts' }, columns: ['region', 'customer_no'] },
      },
    ]);
  });

  it('rejects a malformed side or unequal column counts naming file:line:col and the path, never the text', () => {
    const error = (() => {
      try {
        parsePolicy(
          `version: 1
references:
  - from: audit_log.customer_email
    to: public.customer(email)
  - from: public.orders(region, customer_no)
    to: public.accounts(region)
  - { from: public.orders(region), to: public.accounts(region), why: nope }
`,
          'policies/crm.yaml',
        );
      } catch (e) {
        return e as GatewayError;
      }
      throw new Error('expected parsePolicy to throw');
    })();
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.code).toBe('policy_invalid');
    expect(error.message).toBe(
      [
        'invalid policy file, 3 problems:',
        '  policies/crm.yaml:3:11: references[0].from: expected schema.table(column), or schema.table(a, b) for a composite key, e.g. public.customer(email)',
        '  policies/crm.yaml:6:9: references[1].to: names 1 column but from names 2; the columns are paired in order',
        '  policies/crm.yaml:7:65: references[2]: unknown key "why"',
      ].join('\n'),
    );
    expect(error.message).not.toContain('audit_log.customer_email');
  });
});

describe('planTransforms with declared references', () => {
  const REFERENCES = `references:
  - from: public.audit_log(customer_email)
    to: public.customer(email)
  - from: public.events(user_id)
    to: public.users(id)
  - from: public.orders(region, customer_no)
    to: public.accounts(region, customer_no)
`;

  it('gives the referencing column the action and scope of the key, as a foreign key would', () => {
    const p = plan(policyText(REFERENCES));
    expect(planErrors(p)).toEqual([]);
    expect(column(p, 'public.audit_log', 'customer_email')).toEqual({
      name: 'customer_email',
      action: { kind: 'substitute', entity: 'email' },
      rule: 'references[0] → public.customer.email',
      reason: 'takes the action of the key the policy says it references, so joins still match',
      copied: true,
      follows: { column: 'public.customer.email', reference: 'references[0]' },
    });
    expect(column(p, 'public.events', 'user_id').action).toEqual({ kind: 'hash' });
    // Composite: each column follows its pair; a kept key column leaves its follower to its own rule.
    expect(column(p, 'public.orders', 'customer_no').action).toEqual({
      kind: 'substitute',
      entity: 'string',
      scope: 'account_no',
    });
    expect(column(p, 'public.orders', 'region').follows).toBeUndefined();
    expect(column(p, 'public.orders', 'region').rule).toBe('tables."public.orders".columns.*');
  });

  it('without the declaration the same column is kept, so the reference changes the plan', () => {
    const p = plan(policyText());
    expect(column(p, 'public.audit_log', 'customer_email').action).toEqual({ kind: 'keep' });
    expect(column(p, 'public.audit_log', 'customer_email').follows).toBeUndefined();
  });

  it('shows what a column follows in the plan text', () => {
    const text = formatPlanText(plan(policyText(REFERENCES)));
    expect(text).toMatch(
      /public\.audit_log\.customer_email +substitute\(entity=email\) \[follows public\.customer\.email \(references\[0\]\)\] +← references\[0\] → public\.customer\.email/,
    );
    expect(text).toContain('[follows public.users.id (references[1])]');
  });

  it('uses the reference’s own reason when it gives one', () => {
    const p = plan(
      policyText(`references:
  - { from: public.tickets(customer_email), to: public.customer(email), reason: tickets copy the address }
`),
    );
    expect(column(p, 'public.tickets', 'customer_email').reason).toBe('tickets copy the address');
  });

  it('reports an explicit entry that contradicts a declared reference', () => {
    const p = plan(
      policyText(REFERENCES).replace(
        'public.audit_log: { columns: { "*": keep } }',
        'public.audit_log: { columns: { customer_email: hash, "*": keep } }',
      ),
    );
    const conflict = p.findings.find((f) => f.code === 'reference_action_conflict');
    expect(conflict).toMatchObject({
      severity: 'error',
      table: 'public.audit_log',
      column: 'customer_email',
    });
    expect(conflict?.message).toContain(
      'references public.customer.email (references[0] of the policy), which uses substitute(entity=email)',
    );
  });

  it('reports a key column with a value-independent action, naming the declaration', () => {
    const p = plan(
      policyText(`references:
  - { from: public.tickets(customer_email), to: public.customer(email) }
`).replace('email: { action: substitute, entity: email }\n      "*"', 'email: redact_text\n      "*"'),
    );
    const finding = p.findings.find(
      (f) => f.code === 'key_action_not_deterministic' && f.table === 'public.tickets',
    );
    expect(finding?.message).toContain('takes part in references[0] of the policy');
  });

  it('names unknown tables and columns as plan errors', () => {
    const p = plan(
      policyText(`references:
  - { from: public.audit_log(customer_mail), to: public.customers(email) }
  - { from: "public.tickets(customer_email, nope)", to: "public.customer(email, customer_id)" }
`),
    );
    expect(planErrors(p).map((f) => `${f.code}: ${f.message}`)).toEqual([
      'reference_unknown_column: references[0].from names public.audit_log.customer_mail, but public.audit_log has no such column',
      'reference_unknown_table: references[0].to names public.customers, but the source has no such table',
      'reference_unknown_column: references[1].from names public.tickets.nope, but public.tickets has no such column',
    ]);
    // The pair of the second reference that names existing columns is still followed.
    expect(column(p, 'public.tickets', 'customer_email').action).toEqual({
      kind: 'substitute',
      entity: 'email',
    });
  });

  it('ignores a reference to a table that exists but is not selected', () => {
    const p = plan(policyText(REFERENCES), {
      schemas: [],
      tables: [{ schema: 'public', name: 'audit_log' }],
    });
    expect(planErrors(p)).toEqual([]);
    expect(column(p, 'public.audit_log', 'customer_email').action).toEqual({ kind: 'keep' });
  });

  it('is pure: the same inputs give the same plan, byte for byte', () => {
    expect(JSON.stringify(plan(policyText(REFERENCES)))).toBe(JSON.stringify(plan(policyText(REFERENCES))));
  });
});

describe('reference suggestions in the pre-flight', () => {
  it('suggests kept columns whose name and type point at a transformed key', () => {
    const p = plan(policyText());
    expect(findings(p, 'reference_suggested')).toEqual([
      'public.audit_log.customer_email',
      'public.events.user_id',
      'public.events.user_email',
      'public.tickets.customer_email',
      'public.tickets.customer_id',
    ]);
    expect(p.findings.every((f) => f.code !== 'reference_suggested' || f.severity === 'warning')).toBe(true);
    const message = p.findings.find(
      (f) => f.code === 'reference_suggested' && f.table === 'public.events' && f.column === 'user_email',
    )?.message;
    expect(message).toBe(
      'public.events.user_email is copied as is (tables."public.events".columns.*), but by its name and type it may hold values of public.users.email, which substitute(entity=email, scope=user_email) changes; no foreign key or declared reference says so, and such values would no longer match. If it does, declare it: references: [{ from: "public.events(user_email)", to: "public.users(email)" }]; if not, give it an explicit keep entry',
    );
  });

  it('does not suggest declared references, explicit keeps, other types or kept keys', () => {
    const p = plan(
      policyText(`references:
  - { from: public.audit_log(customer_email), to: public.customer(email) }
`)
        .replace(
          'public.tickets: { columns: { "*": keep } }',
          'public.tickets: { columns: { customer_id: keep, "*": keep } }',
        )
        .replace(
          '      id: hash\n      email: { action: substitute, entity: email, scope: user_email }',
          '      "*": keep',
        ),
    );
    // users.id and users.email are kept now; events.users_id is a timestamp; tickets.customer_id is explicit.
    expect(findings(p, 'reference_suggested')).toEqual(['public.tickets.customer_email']);
  });
});

describe('references and the subset', () => {
  it('are followed by the subset closure too, once, beside its own virtual foreign keys', () => {
    const p = plan(
      policyText(`references:
  - { from: public.audit_log(customer_email), to: public.customer(email) }
  - { from: "orders(region, customer_no)", to: "accounts(region, customer_no)" }
subset:
  targets: [{ table: public.customer, percent: 10 }]
  virtual_foreign_keys:
    - { table: public.audit_log, columns: [customer_email], references: { table: customer, columns: [email] } }
    - { table: public.events, columns: [user_id], references: { table: public.users, columns: [id] } }
`),
    );
    expect(p.subset?.virtual_foreign_keys).toEqual([
      {
        table: 'public.audit_log',
        columns: ['customer_email'],
        references: { table: 'customer', columns: ['email'] },
      },
      {
        table: 'public.events',
        columns: ['user_id'],
        references: { table: 'public.users', columns: ['id'] },
      },
      {
        table: 'public.orders',
        columns: ['region', 'customer_no'],
        references: { table: 'public.accounts', columns: ['region', 'customer_no'] },
      },
    ]);
  });
});
