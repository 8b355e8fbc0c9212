import { describe, expect, it } from 'vitest';

import { columnInfo } from '../../test/helpers/column-info.js';
import { SELECT_ALL } from '../core/index.js';
import type { ActionSpec, DatabaseSchema, TableInfo } from '../core/index.js';
import { followedNames } from './followed-names.js';
import { formatPlanText } from './format-plan-text.js';
import { parsePolicy } from './parse-policy.js';
import type { Plan, PlannedColumn, PlannedTable } from './plan.js';
import { planTransforms } from './plan-transforms.js';

function col(name: string, action: ActionSpec, copied = true): PlannedColumn {
  return { name, action, rule: `columns.${name}`, reason: 'r', copied };
}

const sub = (
  entity: 'first_name' | 'last_name' | 'email' | 'username' | 'phone',
  scope?: string,
): ActionSpec =>
  scope === undefined ? { kind: 'substitute', entity } : { kind: 'substitute', entity, scope };

function table(columns: PlannedColumn[]): PlannedTable {
  return { table: { schema: 'public', name: 'staff' }, kind: 'table', copyRows: true, where: null, columns };
}

describe('followedNames', () => {
  it('names the substituted name columns an e-mail or username column follows', () => {
    const t = table([
      col('first_name', sub('first_name')),
      col('surname', sub('last_name', 'last_name')),
      col('nick', sub('first_name', 'nicknames')),
      col('email', sub('email')),
      col('login', sub('username', 'logins')),
      col('phone', sub('phone')),
    ]);
    const [, , , email, login, phone] = t.columns as [PlannedColumn, ...PlannedColumn[]];
    expect(followedNames(t, email as PlannedColumn)).toEqual(['first_name', 'surname']);
    expect(followedNames(t, login as PlannedColumn)).toEqual(['first_name', 'surname']);
    expect(followedNames(t, phone as PlannedColumn)).toEqual([]);
  });

  it('follows nothing when the names are kept, or the address is not substituted', () => {
    const kept = table([col('first_name', { kind: 'keep' }), col('email', sub('email'))]);
    expect(followedNames(kept, kept.columns[1] as PlannedColumn)).toEqual([]);
    const hashed = table([col('first_name', sub('first_name')), col('email', { kind: 'hash' })]);
    expect(followedNames(hashed, hashed.columns[1] as PlannedColumn)).toEqual([]);
  });

  it('is shown in the plan text next to the action', () => {
    const plan: Plan = {
      formatVersion: 1,
      schemaFingerprint: 'x',
      policyDigest: 'y',
      strict: true,
      tables: [
        table([
          col('first_name', sub('first_name')),
          col('last_name', sub('last_name')),
          col('email', sub('email')),
        ]),
      ],
      sequences: [],
      uncovered: [],
      findings: [],
    };
    expect(formatPlanText(plan)).toMatch(
      /\n {2}public\.staff\.email +substitute\(entity=email\) \[follows first_name, last_name\] +← columns\.email {2}\(r\)\n/,
    );
  });
});

/** accounts(email primary key, first_name, last_name) ← logins(account_email): the address is a key. */
function accountsSchema(): DatabaseSchema {
  const info = (name: string, columns: string[], extra: Partial<TableInfo>): TableInfo => ({
    ref: { schema: 'public', name },
    kind: 'table',
    parent: null,
    columns: columns.map((c) => columnInfo({ name: c, isNullable: false })),
    constraints: [],
    uniqueColumnSets: [],
    estimatedRows: 10,
    ...extra,
  });
  return {
    tables: [
      info('accounts', ['email', 'first_name', 'last_name'], {
        constraints: [
          {
            name: 'accounts_pkey',
            kind: 'primary_key',
            columns: ['email'],
            definition: 'PRIMARY KEY (email)',
            references: null,
          },
        ],
        uniqueColumnSets: [['email']],
      }),
      info('logins', ['account_email'], {
        constraints: [
          {
            name: 'logins_account_email_fkey',
            kind: 'foreign_key',
            columns: ['account_email'],
            definition: 'FOREIGN KEY (account_email) REFERENCES public.accounts(email)',
            references: { table: { schema: 'public', name: 'accounts' }, columns: ['email'] },
          },
        ],
      }),
    ],
    sequences: [],
  };
}

function planAccounts(accounts: string, logins: string): Plan {
  const yaml = `version: 1
tables:
  public.accounts:${accounts}
    columns:
      email: { action: substitute, entity: email }
      first_name: { action: substitute, entity: first_name }
      last_name: { action: substitute, entity: last_name }
  public.logins:${logins}
    columns: {}
`;
  return planTransforms(accountsSchema(), parsePolicy(yaml, 'test.yaml'), {
    selection: SELECT_ALL,
    outputConstraints: () => ({ fits: true, canCollide: false }),
  });
}

describe('coherent_rows: false', () => {
  it('is on by default: the plan says nothing, and the address follows the names', () => {
    const plan = planAccounts('', '');
    expect(plan.tables.every((t) => !('coherentRows' in t))).toBe(true);
    expect(plan.findings).toEqual([]);
    expect(formatPlanText(plan)).toContain('[follows first_name, last_name]');
  });

  it('turns it off for a table: recorded in the plan, no longer shown as following', () => {
    const plan = planAccounts('\n    coherent_rows: false', '\n    coherent_rows: false');
    expect(plan.tables.map((t) => t.coherentRows)).toEqual([false, false]);
    expect(plan.findings).toEqual([]);
    expect(formatPlanText(plan)).not.toContain('[follows');
  });

  it('is refused when a table sharing the scope (here through a foreign key) keeps it on', () => {
    const plan = planAccounts('\n    coherent_rows: false', '');
    expect(plan.findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'coherence_differs_in_scope',
        message: expect.stringContaining(
          'scope "email" is built from names in public.logins.account_email but not in public.accounts.email',
        ) as unknown,
      }),
    ]);
  });
});
