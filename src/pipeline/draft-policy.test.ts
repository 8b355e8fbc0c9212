import { describe, expect, it } from 'vitest';
import { columnInfo } from '../../test/helpers/column-info.js';
import type { ActionSpec, DatabaseSchema, TableInfo } from '../core/index.js';
import type { ClassifiedColumn, ColumnClassification, Detection } from '../detection/index.js';
import { parsePolicy, planTransforms } from '../policy/index.js';
import { outputConstraints } from '../transform/index.js';
import { draftPolicy } from './draft-policy.js';

const ACTIONS: Record<string, ActionSpec> = {
  EMAIL_ADDRESS: { kind: 'substitute', entity: 'email' },
  PERSON: { kind: 'substitute', entity: 'full_name' },
  PHONE_NUMBER: { kind: 'substitute', entity: 'phone' },
  US_SSN: { kind: 'substitute', entity: 'national_id' },
  COUNTRY: { kind: 'substitute', entity: 'country' },
};

// Only the catalogue lookups are used by draftPolicy; the classifications are given directly.
const detection = {
  entityAction: (id: string) => ACTIONS[id] ?? { kind: 'hash' },
} as unknown as Detection;

const customers: TableInfo = {
  ref: { schema: 'public', name: 'customers' },
  kind: 'table',
  parent: null,
  columns: [
    columnInfo({ name: 'id', dataType: 'bigint', baseType: 'int8', category: 'integer', isNullable: false }),
    columnInfo({ name: 'email', isNullable: false }),
    columnInfo({ name: 'ssn', dataType: 'bigint', baseType: 'int8', category: 'integer' }),
    columnInfo({ name: 'profile', dataType: 'jsonb', baseType: 'jsonb', category: 'json' }),
    columnInfo({ name: 'notes' }),
    columnInfo({ name: 'mystery' }),
  ],
  constraints: [
    { name: 'customers_pkey', kind: 'primary_key', columns: ['id'], definition: '', references: null },
  ],
  uniqueColumnSets: [['id'], ['email']],
  estimatedRows: 10,
};
const orders: TableInfo = {
  ref: { schema: 'public', name: 'orders' },
  kind: 'table',
  parent: null,
  columns: [
    columnInfo({ name: 'id', dataType: 'bigint', baseType: 'int8', category: 'integer', isNullable: false }),
    columnInfo({ name: 'customer_email' }),
  ],
  constraints: [
    {
      name: 'orders_customer_email_fkey',
      kind: 'foreign_key',
      columns: ['customer_email'],
      definition: '',
      references: { table: { schema: 'public', name: 'customers' }, columns: ['email'] },
    },
  ],
  uniqueColumnSets: [['id']],
  estimatedRows: 10,
};
const schema: DatabaseSchema = { tables: [customers, orders], sequences: [] };

const decided = (category: string | null, confidence: number, extra: Partial<ColumnClassification> = {}) => ({
  category,
  confidence,
  evidence: [{ detector: 'values', detail: `rule ${category ?? 'none'}`, weight: confidence }],
  prose: false,
  ...extra,
});

const classified: ClassifiedColumn[] = [
  { table: customers.ref, column: 'id', classification: decided(null, 0.97) },
  { table: customers.ref, column: 'email', classification: decided('EMAIL_ADDRESS', 0.99) },
  { table: customers.ref, column: 'ssn', classification: decided('US_SSN', 0.9) },
  {
    table: customers.ref,
    column: 'profile',
    classification: decided('PERSON', 0.8, {
      jsonPaths: [
        { path: '$.contact.name', category: 'PERSON', confidence: 0.9, evidence: [], prose: false },
        { path: '$["home phone"]', category: 'PHONE_NUMBER', confidence: 0.8, evidence: [], prose: false },
        { path: '$.theme', category: null, confidence: 0.9, evidence: [], prose: false },
      ],
    }),
  },
  { table: customers.ref, column: 'notes', classification: decided(null, 0.9, { prose: true }) },
  { table: customers.ref, column: 'mystery', classification: decided(null, 0.3) },
  { table: orders.ref, column: 'id', classification: decided(null, 0.97) },
  { table: orders.ref, column: 'customer_email', classification: decided(null, 0.3) },
];

describe('draftPolicy', () => {
  const text = draftPolicy(schema, classified, detection, 'test draft\nsecond line');
  const policy = parsePolicy(text, 'draft.yaml');
  const columns = policy.tables['public.customers']?.columns ?? {};

  it('writes a policy that parses, with the header as comments', () => {
    expect(text.startsWith('# test draft\n# second line\n')).toBe(true);
    expect(policy.strict).toBe(true);
  });

  it("gives personal columns their kind's action, and one that fits the column type", () => {
    expect(columns.email?.action).toEqual({ kind: 'substitute', entity: 'email' });
    // national_id does not fit a bigint: the closest action that does is a same-shape number.
    expect(columns.ssn?.action).toEqual({ kind: 'substitute', entity: 'number' });
  });

  it('rewrites JSON documents per personal path and sends other text leaves to span detection', () => {
    expect(columns.profile?.action).toEqual({
      kind: 'json',
      paths: {
        '$.contact.name': { kind: 'substitute', entity: 'full_name' },
        '$["home phone"]': { kind: 'substitute', entity: 'phone' },
      },
      other: 'redact_text',
    });
  });

  it('redacts prose, keeps what is confidently not personal, and comments out what is undecided', () => {
    expect(columns.notes?.action).toEqual({ kind: 'redact_text' });
    expect(columns.id?.action).toEqual({ kind: 'keep' });
    expect(columns.mystery).toBeUndefined();
    expect(text).toContain('# mystery: ?');
    expect(text).toMatch(/# EMAIL_ADDRESS \(confidence 0\.99\): rule EMAIL_ADDRESS/);
  });

  it('gives a foreign key the action of the key it references, even when the scan was unsure', () => {
    expect(policy.tables['public.orders']?.columns.customer_email?.action).toEqual({
      kind: 'substitute',
      entity: 'email',
    });
  });

  it('plans with the undecided column left uncovered (fail closed)', () => {
    const plan = planTransforms(schema, policy, {
      selection: { schemas: [], tables: [] },
      outputConstraints,
    });
    expect(plan.uncovered).toEqual([{ table: 'public.customers', column: 'mystery' }]);
  });
});

describe('draftPolicy: lookup tables drafted synth: copy', () => {
  const fk = (table: string, column: string, parent: string) => ({
    name: `${table}_${column}_fkey`,
    kind: 'foreign_key' as const,
    columns: [column],
    definition: '',
    references: { table: { schema: 'public', name: parent }, columns: ['id'] },
  });
  const table = (
    name: string,
    rows: number,
    columns: string[],
    constraints: TableInfo['constraints'] = [],
  ): TableInfo => ({
    ref: { schema: 'public', name },
    kind: 'table',
    parent: null,
    columns: columns.map((c) => columnInfo({ name: c })),
    constraints,
    uniqueColumnSets: [['id']],
    estimatedRows: rows,
  });
  const tables = [
    table('country', 109, ['id', 'name']),
    table('region', 40, ['id', 'name', 'country_id'], [fk('region', 'country_id', 'country')]),
    table('huge_lookup', 5000, ['id', 'name']),
    table('unused_lookup', 5, ['id', 'name']),
    table('unanalysed', 0, ['id', 'name']),
    table('team', 20, ['id', 'owner_id'], [fk('team', 'owner_id', 'member')]),
    table(
      'member',
      800,
      ['id', 'email', 'region_id', 'huge_id', 'unanalysed_id'],
      [
        fk('member', 'region_id', 'region'),
        fk('member', 'huge_id', 'huge_lookup'),
        fk('member', 'unanalysed_id', 'unanalysed'),
      ],
    ),
    table('badge', 30, ['id', 'team_id'], [fk('badge', 'team_id', 'team')]),
    table('member_badge', 900, ['id', 'badge_id'], [fk('member_badge', 'badge_id', 'badge')]),
  ];
  const lookupSchema: DatabaseSchema = { tables, sequences: [] };
  const entries: ClassifiedColumn[] = tables.flatMap((t) =>
    t.columns.map((c) => ({
      table: t.ref,
      column: c.name,
      classification:
        c.name === 'email'
          ? decided('EMAIL_ADDRESS', 0.99)
          : t.ref.name === 'country' && c.name === 'name'
            ? decided('COUNTRY', 0.95)
            : decided(null, 0.97),
    })),
  );
  const text = draftPolicy(lookupSchema, entries, detection, 'lookups');
  const policy = parsePolicy(text, 'draft.yaml');
  const copied = Object.entries(policy.tables)
    .filter(([, t]) => t.synth === 'copy')
    .map(([name]) => name)
    .sort();

  it('marks small, referenced, all-kept tables that reference only marked tables, and says why', () => {
    expect(copied).toEqual(['public.country', 'public.region']);
    expect(text).toContain(
      '  public.country:\n    # lookup table (about 109 rows, nothing personal, referenced by public.region): synthesis copies it as it is; snapshot ignores synth\n    synth: copy\n    columns:',
    );
    // The country names of a lookup table are kept (copy needs every column kept), with the reason.
    expect(policy.tables['public.country']?.columns.name?.action).toEqual({ kind: 'keep' });
    expect(text).toContain('reason: "lookup table: a country name alone identifies nobody"');
    // team references member (synthesized: personal), so neither team nor badge is a lookup table.
    expect(policy.tables['public.team']?.synth).toBeUndefined();
    expect(policy.tables['public.badge']?.synth).toBeUndefined();
  });

  it('snapshot ignores it: the plan is the same as without the synth lines', () => {
    const without = parsePolicy(text.replace(/^ {4}(# lookup table.*|synth: copy)\n/gm, ''), 'plain.yaml');
    expect(Object.values(without.tables).some((t) => t.synth !== undefined)).toBe(false);
    const options = { selection: { schemas: [], tables: [] }, outputConstraints };
    // Everything but the digest of the policy text.
    const { policyDigest: _drafted, ...drafted } = planTransforms(lookupSchema, policy, options);
    const { policyDigest: _plain, ...plain } = planTransforms(lookupSchema, without, options);
    expect(drafted).toEqual(plain);
  });
});
