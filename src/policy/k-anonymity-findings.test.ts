import { describe, expect, it } from 'vitest';
import { GatewayError, SELECT_ALL } from '../core/index.js';
import type { ColumnInfo, DatabaseSchema, TableInfo, TableKind } from '../core/index.js';
import { formatPlanText, parsePolicy, planTransforms } from './index.js';
import type { Plan } from './index.js';

function col(name: string, dataType = 'text'): ColumnInfo {
  return {
    name,
    dataType,
    baseType: dataType,
    category: dataType === 'date' ? 'date' : 'string',
    elementCategory: null,
    maxLength: null,
    isNullable: true,
    isGenerated: false,
    identity: null,
    hasDefault: false,
    enumLabels: null,
  };
}

function table(name: string, kind: TableKind = 'table', parent: string | null = null): TableInfo {
  return {
    ref: { schema: 'public', name },
    kind,
    parent: parent === null ? null : { schema: 'public', name: parent },
    columns: [
      col('id', 'integer'),
      col('birth_date', 'date'),
      col('zip'),
      col('sex'),
      col('note'),
      col('extra', 'json'),
    ],
    constraints: [],
    uniqueColumnSets: [],
    estimatedRows: 100,
  };
}

const schema: DatabaseSchema = {
  tables: [table('patient'), table('visit', 'partitioned'), table('visit_2026', 'partition', 'visit')],
  sequences: [],
};

function plan(tables: string): Plan {
  return planTransforms(schema, parsePolicy(`version: 1\nstrict: false\ntables:\n${tables}`, 'k.yaml'), {
    selection: SELECT_ALL,
    outputConstraints: () => ({ fits: true, canCollide: false }),
  });
}

/** The k-anonymity findings (the policy is not strict: uncovered columns are warnings of their own). */
function ours(p: Plan): Plan['findings'] {
  return p.findings.filter((f) => f.code.startsWith('quasi_identifier'));
}

function parseError(tables: string): string {
  try {
    parsePolicy(`version: 1\ntables:\n${tables}`, 'k.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return (error as GatewayError).message + JSON.stringify((error as GatewayError).details);
  }
  throw new Error('expected the policy to be refused');
}

describe('quasi-identifiers in the policy and the plan', () => {
  it('puts the declared columns, k and mode (enforce by default) on the table they are declared for', () => {
    const p = plan(`  public.patient:
    quasi_identifiers: [birth_date, zip, sex]
    k: 3
  public.visit:
    quasi_identifiers: [zip]
    k: 5
    k_anonymity: report
`);
    const byName = new Map(p.tables.map((t) => [t.table.name, t]));
    expect(byName.get('patient')?.kAnonymity).toEqual({
      quasiIdentifiers: ['birth_date', 'zip', 'sex'],
      k: 3,
      mode: 'enforce',
    });
    expect(byName.get('visit')?.kAnonymity).toEqual({ quasiIdentifiers: ['zip'], k: 5, mode: 'report' });
    expect(formatPlanText(p)).toContain(
      'public.patient  [quasi-identifiers birth_date, zip, sex: k=3 (enforce)]',
    );
    // The partitioned table's classes span its partitions: a partition gets no spec of its own.
    expect(byName.get('visit_2026')?.kAnonymity).toBeUndefined();
    expect(ours(p)).toEqual([]);
  });

  it('without k, the figures are reported and nothing is enforced', () => {
    const p = plan(`  public.patient: { quasi_identifiers: [zip] }\n`);
    expect(p.tables.find((t) => t.table.name === 'patient')?.kAnonymity).toEqual({
      quasiIdentifiers: ['zip'],
      k: null,
      mode: 'enforce',
    });
  });

  it('stops on a quasi-identifier that is not a column, is dropped or cannot be grouped; warns on a skipped table', () => {
    const p = plan(`  public.patient:
    quasi_identifiers: [zip, postcode, note, extra]
    k: 2
    columns: { note: drop }
  public.visit_2026: { skip: true, quasi_identifiers: [zip] }
`);
    expect(ours(p).map((f) => [f.severity, f.code, f.column ?? null])).toEqual([
      ['error', 'quasi_identifier_unknown', 'postcode'],
      ['error', 'quasi_identifier_dropped', 'note'],
      ['error', 'quasi_identifier_not_groupable', 'extra'],
      ['warning', 'quasi_identifiers_not_checked', null],
    ]);
  });

  it('refuses k or k_anonymity without quasi_identifiers, k_anonymity without k, k below 2 and repeats', () => {
    expect(parseError('  patient: { k: 3 }\n')).toContain('k needs quasi_identifiers');
    expect(parseError('  patient: { quasi_identifiers: [zip], k_anonymity: report }\n')).toContain(
      'k_anonymity needs k',
    );
    expect(parseError('  patient: { quasi_identifiers: [zip], k: 1 }\n')).toMatch(/k/);
    expect(parseError('  patient: { quasi_identifiers: [zip, zip], k: 2 }\n')).toContain(
      'names column "zip" twice',
    );
    expect(parseError('  patient: { quasi_identifiers: [zip], k: 2, k_anonymity: warn }\n')).toMatch(
      /k_anonymity/,
    );
  });
});
