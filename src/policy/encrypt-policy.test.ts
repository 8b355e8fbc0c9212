import { describe, expect, it } from 'vitest';
import { GatewayError, SELECT_ALL } from '../core/index.js';
import type { ColumnInfo, DatabaseSchema, TableInfo } from '../core/index.js';
import { formatAction, parsePolicy, planTransforms } from './index.js';

function policyError(text: string): GatewayError {
  try {
    parsePolicy(text, 'p.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('policy_invalid');
    return error as GatewayError;
  }
  throw new Error('expected parsePolicy to throw');
}

const accountRef = (entry: string): string =>
  `version: 1\ntables:\n  public.account:\n    columns:\n      ref: ${entry}\n`;

function text(name: string): ColumnInfo {
  return {
    name,
    dataType: 'text',
    baseType: 'text',
    category: 'string',
    elementCategory: null,
    maxLength: null,
    isNullable: false,
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
  columns: [text('ref')],
  constraints: [
    {
      name: 'account_pkey',
      kind: 'primary_key',
      columns: ['ref'],
      definition: 'PRIMARY KEY (ref)',
      references: null,
    },
  ],
  uniqueColumnSets: [['ref']],
  estimatedRows: 10,
};
const payment: TableInfo = {
  ref: { schema: 'public', name: 'payment' },
  kind: 'table',
  parent: null,
  columns: [text('id'), text('account_ref')],
  constraints: [
    {
      name: 'payment_account_fk',
      kind: 'foreign_key',
      columns: ['account_ref'],
      definition: 'FOREIGN KEY (account_ref) REFERENCES account(ref)',
      references: { table: account.ref, columns: ['ref'] },
    },
  ],
  uniqueColumnSets: [],
  estimatedRows: 10,
};
const schema: DatabaseSchema = { tables: [account, payment], sequences: [] };

describe('encrypt in a policy', () => {
  it('parses the mapping and the shorthand, filling in alphabet auto and leaving the scope to its default', () => {
    const actionOf = (entry: string) =>
      parsePolicy(accountRef(entry), 'p.yaml').tables['public.account']?.columns['ref']?.action;
    expect(actionOf('encrypt')).toEqual({ kind: 'encrypt', alphabet: 'auto' });
    expect(actionOf('{ action: encrypt }')).toEqual({ kind: 'encrypt', alphabet: 'auto' });
    expect(actionOf('{ action: encrypt, alphabet: digits, scope: account }')).toEqual({
      kind: 'encrypt',
      alphabet: 'digits',
      scope: 'account',
    });
    expect(formatAction({ kind: 'encrypt', alphabet: 'digits', scope: 'account' })).toBe(
      'encrypt(alphabet=digits, scope=account)',
    );
  });

  it('rejects an unknown alphabet, an empty scope and unknown options with clear messages', () => {
    expect(policyError(accountRef('{ action: encrypt, alphabet: hex }')).message).toContain(
      'tables."public.account".columns.ref.alphabet: expected one of: auto, digits, alphanumeric',
    );
    expect(policyError(accountRef('{ action: encrypt, scope: "" }')).message).toContain(
      'tables."public.account".columns.ref.scope: expected at least 1 character',
    );
    expect(policyError(accountRef('{ action: encrypt, length: 8 }')).message).toContain(
      'tables."public.account".columns.ref',
    );
    expect(policyError(accountRef('{ action: encrypt, length: 8 }')).message).toContain('length');
  });

  it('is followed by a foreign key column, which gets the same scope and so the same ciphertexts', () => {
    const policy = parsePolicy(
      `version: 1
tables:
  public.account:
    columns:
      ref: { action: encrypt, alphabet: digits, scope: account }
  public.payment:
    columns:
      id: keep
`,
      'p.yaml',
    );
    const plan = planTransforms(schema, policy, {
      selection: SELECT_ALL,
      outputConstraints: () => ({ fits: true, canCollide: false }),
    });
    const payment = plan.tables.find((t) => t.table.name === 'payment');
    expect(payment?.columns.find((c) => c.name === 'account_ref')?.action).toEqual({
      kind: 'encrypt',
      alphabet: 'digits',
      scope: 'account',
    });
  });
});
