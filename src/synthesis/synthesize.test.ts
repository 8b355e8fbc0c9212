import { describe, expect, it } from 'vitest';
import { columnInfo } from '../../test/helpers/column-info.js';
import { Secret, type ColumnInfo, type DatabaseSchema, type Row, type TableInfo } from '../core/index.js';
import { createKeyedSeeder } from '../fake-values/index.js';
import { fitSynthesisModel, type ColumnTreatment, type TableSample } from './fit-model.js';
import { ksComplement, tvComplement } from './report/index.js';
import { comparedColumns, SynthesisSampler, tupleKey } from './sample-model.js';
import { seededRandom } from './seeded-random.js';
import type { SynthesisModel } from './synthesis-model.js';

const int = (name: string, nullable = false): ColumnInfo =>
  columnInfo({ name, dataType: 'integer', baseType: 'int4', category: 'integer', isNullable: nullable });
const text = (name: string, nullable = true): ColumnInfo => columnInfo({ name, isNullable: nullable });
const ts = (name: string, nullable = true): ColumnInfo =>
  columnInfo({
    name,
    dataType: 'timestamp with time zone',
    baseType: 'timestamptz',
    category: 'timestamp',
    isNullable: nullable,
  });

function table(name: string, columns: ColumnInfo[], extra: Partial<TableInfo> = {}): TableInfo {
  return {
    ref: { schema: 'public', name },
    kind: 'table',
    parent: null,
    columns,
    constraints: [],
    uniqueColumnSets: [],
    estimatedRows: 0,
    ...extra,
  };
}

const PEOPLE = table('people', [int('id'), text('email'), text('country'), int('age'), text('plan')], {
  constraints: [
    { name: 'people_pkey', kind: 'primary_key', columns: ['id'], definition: '', references: null },
  ],
  uniqueColumnSets: [['id']],
});
const ORDERS = table(
  'orders',
  [int('id'), int('person_id'), ts('ordered_at', false), ts('shipped_at'), text('status')],
  {
    constraints: [
      { name: 'orders_pkey', kind: 'primary_key', columns: ['id'], definition: '', references: null },
      {
        name: 'orders_person_fkey',
        kind: 'foreign_key',
        columns: ['person_id'],
        definition: '',
        references: { table: { schema: 'public', name: 'people' }, columns: ['id'] },
      },
    ],
    uniqueColumnSets: [['id']],
  },
);
const SCHEMA: DatabaseSchema = { tables: [ORDERS, PEOPLE], sequences: [] };

/** Real-looking rows with dependencies: plan depends on country and age; orders per person on plan. */
function realData(people: number): Map<string, TableSample> {
  const random = seededRandom('test data');
  const peopleRows: Row[] = [];
  const orderRows: Row[] = [];
  const countries = ['DE', 'FR', 'US', 'ES'];
  for (let i = 1; i <= people; i++) {
    const country = countries[random.below(4)] as string;
    const age = 18 + random.below(60);
    const plan = country === 'US' ? (age > 50 ? 'gold' : 'silver') : age > 60 ? 'silver' : 'free';
    // A singleton category (rare) and a real email: neither may reach the model.
    peopleRows.push([
      String(i),
      `real.person${i}@corp.example`,
      i === 7 ? 'XX-RARE' : country,
      String(age),
      plan,
    ]);
    const orders = plan === 'gold' ? 5 : plan === 'silver' ? 2 : random.below(2);
    for (let o = 0; o < orders; o++) {
      const ordered = Date.UTC(2024, 0, 1) + random.below(300) * 86_400_000 + random.below(86_400) * 1000;
      const shipped = random.next() < 0.2 ? null : ordered + (1 + random.below(5)) * 86_400_000;
      orderRows.push([
        String(orderRows.length + 1),
        String(i),
        iso(ordered),
        shipped === null ? null : iso(shipped),
        shipped === null ? 'pending' : 'shipped',
      ]);
    }
  }
  return new Map([
    ['public.people', sample(PEOPLE, peopleRows)],
    ['public.orders', sample(ORDERS, orderRows)],
  ]);
}

function iso(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}+00`;
}

function sample(info: TableInfo, rows: Row[]): TableSample {
  return {
    table: info.ref,
    rows: rows.length,
    columns: info.columns.map((c) => c.name),
    values: info.columns.map((_, j) => rows.map((r) => r[j] ?? null)),
  };
}

const treatment = (_table: unknown, column: string): ColumnTreatment =>
  column === 'email' ? { kind: 'personal', entity: 'email', scope: 'email' } : { kind: 'model' };

function fit(samples: Map<string, TableSample>, k = 5): SynthesisModel {
  return fitSynthesisModel({
    schema: SCHEMA,
    samples,
    treatment,
    rareCategoryMin: k,
    seed: '1',
    schemaFingerprint: 'test',
    ddl: null,
  });
}

const seeder = createKeyedSeeder(new Secret(Buffer.alloc(32, 7)));

function generate(
  model: SynthesisModel,
  seed = '1',
  scale = 1,
  realTuples?: (table: string) => ReadonlySet<string> | undefined,
): { rows: Map<string, Row[]>; sampler: SynthesisSampler } {
  const sampler = new SynthesisSampler(model, {
    scale,
    seed,
    seeder,
    batchRows: 100,
    ...(realTuples === undefined ? {} : { realTuples }),
  });
  const rows = new Map<string, Row[]>();
  for (const t of model.tables)
    rows.set(`${t.table.schema}.${t.table.name}`, [...sampler.generate(t)].flat());
  return { rows, sampler };
}

const column = (rows: readonly Row[], info: TableInfo, name: string): (string | null)[] =>
  rows.map((r) => r[info.columns.findIndex((c) => c.name === name)] ?? null);

describe('fitSynthesisModel + SynthesisSampler', () => {
  const real = realData(3000);
  const model = fit(real);
  const { rows } = generate(model);
  const people = rows.get('public.people') ?? [];
  const orders = rows.get('public.orders') ?? [];
  const realPeople = real.get('public.people') as TableSample;
  const realOrders = real.get('public.orders') as TableSample;

  it('generates parents before children, with unique serial keys and joinable foreign keys', () => {
    expect(model.tables.map((t) => t.table.name)).toEqual(['people', 'orders']);
    expect(people).toHaveLength(3000);
    const ids = new Set(column(people, PEOPLE, 'id'));
    expect(ids.size).toBe(3000);
    expect(new Set(column(orders, ORDERS, 'id')).size).toBe(orders.length);
    expect(column(orders, ORDERS, 'person_id').every((p) => p !== null && ids.has(p))).toBe(true);
    expect(Math.abs(orders.length - (realOrders.values[0]?.length ?? 0))).toBeLessThan(5);
  });

  it('keeps marginals: numeric KS and categorical TV complements above 0.95', () => {
    const ages = (values: readonly (string | null)[]): number[] =>
      values.filter((v) => v !== null).map(Number);
    expect(
      ksComplement(ages(realPeople.values[3] ?? []), ages(column(people, PEOPLE, 'age'))),
    ).toBeGreaterThan(0.95);
    expect(tvComplement(realPeople.values[4] ?? [], column(people, PEOPLE, 'plan'))).toBeGreaterThan(0.95);
    expect(tvComplement(realOrders.values[4] ?? [], column(orders, ORDERS, 'status'))).toBeGreaterThan(0.95);
  });

  it('keeps dependencies: a plan follows country and age, NULLs follow the status', () => {
    const share = (rows: Row[], test: (r: Row) => boolean, of: (r: Row) => boolean): number =>
      rows.filter((r) => of(r) && test(r)).length / Math.max(1, rows.filter(of).length);
    const country = PEOPLE.columns.findIndex((c) => c.name === 'country');
    const plan = PEOPLE.columns.findIndex((c) => c.name === 'plan');
    // In the real data, outside the US nobody has gold.
    expect(
      share(
        people,
        (r) => r[plan] === 'gold',
        (r) => r[country] !== 'US',
      ),
    ).toBeLessThan(0.03);
    expect(
      share(
        people,
        (r) => r[plan] !== 'free',
        (r) => r[country] === 'US',
      ),
    ).toBeGreaterThan(0.9);
    const shipped = ORDERS.columns.findIndex((c) => c.name === 'shipped_at');
    const status = ORDERS.columns.findIndex((c) => c.name === 'status');
    expect(
      share(
        orders,
        (r) => r[shipped] === null,
        (r) => r[status] === 'pending',
      ),
    ).toBeGreaterThan(0.95);
    expect(
      share(
        orders,
        (r) => r[shipped] === null,
        (r) => r[status] === 'shipped',
      ),
    ).toBeLessThan(0.05);
  });

  it('conditions child counts on the parent: gold customers order more', () => {
    const plan = new Map(people.map((r) => [r[0], r[4]]));
    const perPerson = new Map<string, number>();
    for (const r of orders) perPerson.set(r[1] as string, (perPerson.get(r[1] as string) ?? 0) + 1);
    const mean = (p: string): number => {
      const ids = people.filter((r) => r[4] === p).map((r) => r[0] as string);
      return ids.reduce((s, id) => s + (perPerson.get(id) ?? 0), 0) / ids.length;
    };
    expect(mean('gold')).toBeGreaterThan(mean('free') + 2);
    // Zero-child parents exist, as in the real data.
    expect(people.some((r) => !perPerson.has(r[0] as string))).toBe(true);
    expect(plan.size).toBe(3000);
  });

  it('keeps the order constraint: shipped_at is never before ordered_at', () => {
    const at = (r: Row, name: string): number =>
      Date.parse(
        String(r[ORDERS.columns.findIndex((c) => c.name === name)])
          .replace(' ', 'T')
          .replace('+00', 'Z'),
      );
    const both = orders.filter((r) => r[3] !== null);
    expect(both.length).toBeGreaterThan(0);
    expect(both.every((r) => at(r, 'shipped_at') >= at(r, 'ordered_at'))).toBe(true);
    const anchored = model.tables[1]?.columns.find((c) => c.name === 'shipped_at');
    expect(anchored?.role === 'modelled' && anchored.stats.type === 'numeric' && anchored.stats.anchor).toBe(
      'ordered_at',
    );
  });

  it('stores no personal value and no rare category in the model, and says so', () => {
    const json = JSON.stringify(model);
    expect(json).not.toContain('corp.example');
    expect(json).not.toContain('XX-RARE');
    expect(model.notice).toContain('statistics only');
    // The personal column is generated: fake emails, none of them real.
    const emails = column(people, PEOPLE, 'email');
    const realEmails = new Set(realPeople.values[1]);
    expect(emails.every((e) => e !== null && e.includes('@') && !realEmails.has(e))).toBe(true);
    // The rare category is never generated either.
    expect(column(people, PEOPLE, 'country')).not.toContain('XX-RARE');
  });

  it('is deterministic for a seed and changes with it', () => {
    expect(generate(fit(real)).rows.get('public.orders')).toEqual(orders);
    expect(generate(model, '2').rows.get('public.orders')).not.toEqual(orders);
  });

  it('scales row counts and keeps foreign keys valid at 0.1 and 10', () => {
    for (const scale of [0.1, 10]) {
      const scaled = generate(model, '1', scale).rows;
      const ids = new Set(column(scaled.get('public.people') ?? [], PEOPLE, 'id'));
      expect(ids.size).toBe(Math.round(3000 * scale));
      expect(
        column(scaled.get('public.orders') ?? [], ORDERS, 'person_id').every((p) => p !== null && ids.has(p)),
      ).toBe(true);
    }
  });

  it('with a larger k, keeps fewer categories', () => {
    const strict = fit(real, 1000);
    const country = strict.tables[0]?.columns.find((c) => c.name === 'country');
    expect(
      country?.role === 'modelled' && country.stats.type === 'categorical' && country.stats.categories,
    ).toEqual([]);
  });
});

describe('exact-match filter', () => {
  // A table of two low-cardinality columns: most synthetic rows would equal some real row.
  const info = table('t', [text('a', false), text('b', false)]);
  const schema: DatabaseSchema = { tables: [info], sequences: [] };
  const rows: Row[] = [];
  for (let i = 0; i < 400; i++) rows.push([`a${i % 4}`, `b${i % 3}`]);
  // A planted copy: a real row whose combination is common, so the model generates it often.
  const samples = new Map([['public.t', sample(info, rows)]]);
  const model = fitSynthesisModel({
    schema,
    samples,
    treatment: () => ({ kind: 'model' }),
    rareCategoryMin: 5,
    seed: '1',
    schemaFingerprint: 'x',
    ddl: null,
  });
  const tableModel = model.tables[0];

  it('redraws rows equal to a training row; never emits one', () => {
    if (tableModel === undefined) throw new Error('no table');
    const planted = new Set([tupleKey(['a0', 'b0']), tupleKey(['a1', 'b1'])]);
    const { rows: out, sampler } = generate(model, '1', 1, () => planted);
    const generated = out.get('public.t') ?? [];
    expect(comparedColumns(tableModel)).toEqual(['a', 'b']);
    expect(generated.some((r) => planted.has(tupleKey(r)))).toBe(false);
    expect(sampler.outcome('public.t')?.exactMatchesRedrawn).toBeGreaterThan(0);
    // Without the filter the planted combinations do appear.
    const unfiltered = generate(model).rows.get('public.t') ?? [];
    expect(unfiltered.some((r) => planted.has(tupleKey(r)))).toBe(true);
  });

  it('gives up (saturated) rather than dropping most rows when every combination is real', () => {
    const all = new Set(rows.map((r) => tupleKey(r)));
    const { rows: out, sampler } = generate(model, '1', 2, () => all);
    expect(sampler.outcome('public.t')?.exactMatchFilter).toBe('saturated');
    expect((out.get('public.t') ?? []).length).toBeGreaterThan(700);
  });
});
