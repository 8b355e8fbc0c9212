import { describe, expect, it } from 'vitest';
import { columnInfo } from '../../test/helpers/column-info.js';
import {
  GatewayError,
  Secret,
  type ColumnInfo,
  type DatabaseSchema,
  type Row,
  type TableInfo,
} from '../core/index.js';
import { createKeyedSeeder } from '../fake-values/index.js';
import { binShares, highQuantile, lowQuantile, valueHonours } from './conditional-draw.js';
import { fitSynthesisModel, type ColumnTreatment, type TableSample } from './fit-model.js';
import { parseScenario, parseWhereOptions, type ScenarioSpec } from './parse-scenario.js';
import { resolveScenario } from './resolve-scenario.js';
import { SynthesisSampler } from './sample-model.js';
import { seededRandom } from './seeded-random.js';
import type { SynthesisModel } from './synthesis-model.js';

const int = (name: string, nullable = false): ColumnInfo =>
  columnInfo({ name, dataType: 'integer', baseType: 'int4', category: 'integer', isNullable: nullable });
const text = (name: string, nullable = true): ColumnInfo => columnInfo({ name, isNullable: nullable });
const date = (name: string, nullable = true): ColumnInfo =>
  columnInfo({ name, dataType: 'date', baseType: 'date', category: 'date', isNullable: nullable });

function table(name: string, columns: ColumnInfo[], extra: Partial<TableInfo> = {}): TableInfo {
  return {
    ref: { schema: 'public', name },
    kind: 'table',
    parent: null,
    columns,
    constraints: [
      { name: `${name}_pkey`, kind: 'primary_key', columns: ['id'], definition: '', references: null },
    ],
    uniqueColumnSets: [['id']],
    estimatedRows: 0,
    ...extra,
  };
}

const PEOPLE = table(
  'people',
  [
    int('id'),
    text('email'),
    text('country', false),
    int('age', true),
    text('plan', false),
    columnInfo({
      name: 'tier',
      dataType: 'tier',
      baseType: 'tier',
      category: 'enum',
      enumLabels: ['a', 'b', 'c', 'z'],
    }),
    text('code', false),
  ],
  { uniqueColumnSets: [['id'], ['code']] },
);
const ORDERS = table(
  'orders',
  [int('id'), int('person_id'), date('ordered_on', false), text('status', false)],
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
  },
);
const SCHEMA: DatabaseSchema = { tables: [PEOPLE, ORDERS], sequences: [] };

/** People whose plan depends on country and age (gold: US and over 50); orders per person by plan. */
function realData(): Map<string, TableSample> {
  const random = seededRandom('conditions');
  const people: Row[] = [];
  const orders: Row[] = [];
  const countries = ['DE', 'FR', 'US', 'ES'];
  for (let i = 1; i <= 3000; i++) {
    const country = countries[random.below(4)] as string;
    const age = random.next() < 0.05 ? null : 18 + random.below(60);
    const plan =
      country === 'US' && age !== null && age > 50 ? 'gold' : age !== null && age > 60 ? 'silver' : 'free';
    const tier = ['a', 'b', 'c'][random.below(3)] as string;
    people.push([
      String(i),
      `p${i}@corp.example`,
      country,
      age === null ? null : String(age),
      plan,
      tier,
      `C${i}`,
    ]);
    const n = plan === 'gold' ? 4 : 1 + random.below(2);
    for (let o = 0; o < n; o++) {
      const day = 1 + random.below(28);
      const status =
        plan === 'gold'
          ? random.next() < 0.5
            ? 'refunded'
            : 'paid'
          : random.next() < 0.02
            ? 'refunded'
            : 'paid';
      orders.push([String(orders.length + 1), String(i), `2024-03-${String(day).padStart(2, '0')}`, status]);
    }
  }
  const sample = (info: TableInfo, rows: Row[]): TableSample => ({
    table: info.ref,
    rows: rows.length,
    columns: info.columns.map((c) => c.name),
    values: info.columns.map((_, j) => rows.map((r) => r[j] ?? null)),
  });
  return new Map([
    ['public.people', sample(PEOPLE, people)],
    ['public.orders', sample(ORDERS, orders)],
  ]);
}

const treatment = (_table: unknown, column: string): ColumnTreatment =>
  column === 'email' ? { kind: 'personal', entity: 'email', scope: 'email' } : { kind: 'model' };

const MODEL: SynthesisModel = fitSynthesisModel({
  schema: SCHEMA,
  samples: realData(),
  treatment,
  rareCategoryMin: 5,
  seed: '1',
  schemaFingerprint: 'test',
  ddl: null,
});

const seeder = createKeyedSeeder(new Secret(Buffer.alloc(32, 7)));

function generate(specs: ScenarioSpec[], scale = 1): { rows: Map<string, Row[]>; sampler: SynthesisSampler } {
  const sampler = new SynthesisSampler(MODEL, {
    scale,
    seed: '3',
    seeder,
    batchRows: 500,
    scenario: resolveScenario(MODEL, specs),
  });
  const rows = new Map<string, Row[]>();
  for (const t of MODEL.tables) rows.set(t.table.name, [...sampler.generate(t)].flat());
  return { rows, sampler };
}

const col = (info: TableInfo, name: string) => {
  const i = info.columns.findIndex((c) => c.name === name);
  return (row: Row): string | null => row[i] ?? null;
};
const where = (...options: string[]): ScenarioSpec[] => [{ slices: parseWhereOptions(options) }];

function usageError(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('usage');
    return error as GatewayError;
  }
  throw new Error('expected an error');
}

describe('conditional sampling', () => {
  it('a --where restriction holds on every row, and the columns drawn before it follow it', () => {
    const { rows } = generate(where('people: plan = gold'));
    const people = rows.get('people') ?? [];
    expect(people.length).toBe(3000);
    const plan = col(PEOPLE, 'plan');
    const country = col(PEOPLE, 'country');
    const age = col(PEOPLE, 'age');
    expect(people.every((r) => plan(r) === 'gold')).toBe(true);
    // Gold means US and over 50 in the real data: a fixed plan with random country and age would give ~25 % US.
    const us = people.filter((r) => country(r) === 'US').length / people.length;
    const old = people.filter((r) => Number(age(r)) > 50).length / people.length;
    expect(us).toBeGreaterThan(0.85);
    expect(old).toBeGreaterThan(0.85);
    // Unconditioned tables keep their size; children still join.
    const ids = new Set(people.map(col(PEOPLE, 'id')));
    expect((rows.get('orders') ?? []).every((r) => ids.has(col(ORDERS, 'person_id')(r)))).toBe(true);
  });

  it('slices add exactly their rows under equality, in-lists and ranges (bounds included or not)', () => {
    const { rows, sampler } = generate([
      parseScenario(
        [
          'slices:',
          '  - table: people',
          '    rows: 400',
          '    where: {age: {gt: 30, lte: 40}, country: [DE, FR], tier: z}',
          '  - table: orders',
          '    rows: 250',
          '    where: "status = refunded and ordered_on between 2024-03-10 and 2024-03-12"',
        ].join('\n'),
        's.yaml',
      ),
    ]);
    const people = rows.get('people') ?? [];
    const age = col(PEOPLE, 'age');
    const inSlice = people.filter((r) => col(PEOPLE, 'tier')(r) === 'z');
    expect(inSlice.length).toBe(400);
    expect(people.length).toBe(3400);
    for (const r of inSlice) {
      expect(Number(age(r))).toBeGreaterThan(30);
      expect(Number(age(r))).toBeLessThanOrEqual(40);
      expect(['DE', 'FR']).toContain(col(PEOPLE, 'country')(r));
    }
    // The ages spread over the range (drawn from the learned distribution, not one value).
    expect(new Set(inSlice.map(age)).size).toBeGreaterThan(5);
    const refunds = (rows.get('orders') ?? []).filter(
      (r) =>
        col(ORDERS, 'status')(r) === 'refunded' &&
        ['2024-03-10', '2024-03-11', '2024-03-12'].includes(col(ORDERS, 'ordered_on')(r) ?? ''),
    );
    expect(refunds.length).toBeGreaterThanOrEqual(250);
    expect(sampler.outcome('public.orders')?.conditionedRows).toBe(250);
  });

  it('conditions on the referenced row pick parents that honour it, generating some when none do', () => {
    const { rows, sampler } = generate([
      parseScenario(
        [
          'slices:',
          '  - {table: orders, rows: 300, where: {person_id.plan: gold}}',
          '  - {table: orders, rows: 60, where: {person_id.country: XX}}',
        ].join('\n'),
        's.yaml',
      ),
    ]);
    const people = rows.get('people') ?? [];
    const byId = new Map(people.map((r) => [col(PEOPLE, 'id')(r), r]));
    const orders = rows.get('orders') ?? [];
    const conditioned = orders.slice(orders.length - 360);
    const planOf = (r: Row) => col(PEOPLE, 'plan')(byId.get(col(ORDERS, 'person_id')(r)) as Row);
    const countryOf = (r: Row) => col(PEOPLE, 'country')(byId.get(col(ORDERS, 'person_id')(r)) as Row);
    expect(conditioned.slice(0, 300).every((r) => planOf(r) === 'gold')).toBe(true);
    // No real country XX: people in XX were added (with the rest of their row drawn as usual).
    expect(conditioned.slice(300).every((r) => countryOf(r) === 'XX')).toBe(true);
    const xx = people.filter((r) => col(PEOPLE, 'country')(r) === 'XX');
    expect(xx.length).toBeGreaterThan(0);
    expect(xx.length).toBeLessThan(60);
    expect(sampler.outcome('public.people')?.rows).toBe(3000 + xx.length);
    // Serial keys stay unique across the added rows.
    expect(new Set(people.map(col(PEOPLE, 'id'))).size).toBe(people.length);
  });

  it("parents added for children's conditions keep their own table's --where too", () => {
    // Gold people are US people in the real data: the orders' condition needs parents added, which must
    // also honour people's own restriction (DE), not only the orders' (gold).
    const { rows } = generate(
      where('people: country = DE and plan != silver', 'orders: person_id.plan = gold'),
    );
    const people = rows.get('people') ?? [];
    expect(people.length).toBeGreaterThan(3000);
    expect(people.every((r) => col(PEOPLE, 'country')(r) === 'DE')).toBe(true);
    expect(people.some((r) => col(PEOPLE, 'plan')(r) === 'silver')).toBe(false);
    const byId = new Map(people.map((r) => [col(PEOPLE, 'id')(r), r]));
    const orders = rows.get('orders') ?? [];
    expect(orders.length).toBeGreaterThan(100);
    for (const order of orders)
      expect(col(PEOPLE, 'plan')(byId.get(col(ORDERS, 'person_id')(order)) as Row)).toBe('gold');
    // A restriction and a condition through a foreign key that cannot both hold are refused.
    expect(
      usageError(() => resolveScenario(MODEL, where('people: plan = free', 'orders: person_id.plan = gold')))
        .message,
    ).toContain('public.people.plan: no value satisfies all its conditions');
  });

  it('is deterministic: the same seed and scenario give the same rows', () => {
    const spec = () => where('people: plan = silver', 'orders: person_id.country = FR');
    const a = generate(spec()).rows;
    const b = generate(spec()).rows;
    expect(b.get('people')).toEqual(a.get('people'));
    expect(b.get('orders')).toEqual(a.get('orders'));
  });

  it('edge cases: the smallest and largest learned value, empty text and NULL in every nullable column', () => {
    const { rows } = generate([parseScenario('slices:\n  - edge_cases: [people]\n', 's.yaml')], 0.1);
    const people = rows.get('people') ?? [];
    const ages = people.map(col(PEOPLE, 'age'));
    expect(ages).toContain('22'); // the 5th smallest real age (k = 5): single extremes are never stored
    expect(ages).toContain('77');
    expect(ages).toContain(null);
    expect(people.map(col(PEOPLE, 'email'))).toContain(null);
    expect(people.map(col(PEOPLE, 'tier'))).toContain(null);
    expect(people.map(col(PEOPLE, 'country'))).toContain('');
    // NOT NULL columns never get NULL.
    expect(people.map(col(PEOPLE, 'country'))).not.toContain(null);
    expect(people.map(col(PEOPLE, 'plan'))).not.toContain(null);
  });
});

describe('exclusions: != and not in', () => {
  it('cut excluded values from the learned distribution; the columns drawn before follow', () => {
    const { rows } = generate(where('people: plan not in (free, silver) and country <> DE'));
    const people = rows.get('people') ?? [];
    expect(people.length).toBe(3000);
    // Left: gold, which in the real data means US and over 50.
    expect(people.every((r) => col(PEOPLE, 'plan')(r) === 'gold')).toBe(true);
    expect(people.some((r) => col(PEOPLE, 'country')(r) === 'DE')).toBe(false);
    expect(people.filter((r) => col(PEOPLE, 'country')(r) === 'US').length / people.length).toBeGreaterThan(
      0.85,
    );
  });

  it('through foreign keys: referenced rows honour the exclusion too', () => {
    const { rows } = generate(where('orders: person_id.country != US and status != paid'));
    const people = rows.get('people') ?? [];
    const byId = new Map(people.map((r) => [col(PEOPLE, 'id')(r), r]));
    const orders = rows.get('orders') ?? [];
    expect(orders.length).toBeGreaterThan(100);
    for (const order of orders) {
      expect(col(ORDERS, 'status')(order)).toBe('refunded');
      const person = byId.get(col(ORDERS, 'person_id')(order)) as Row;
      expect(col(PEOPLE, 'country')(person)).not.toBe('US');
    }
  });

  it('cut excluded numbers (and NULL, as in SQL) from a range, keeping the rest of it', () => {
    const { rows } = generate([
      parseScenario(
        [
          'slices:',
          '  - table: people',
          '    rows: 300',
          '    where: {age: {between: [29, 33], not_in: [30, 31]}, tier: {ne: a, not_in: [b]}}',
          '  - {table: people, rows: 200, where: "age != 40 and age >= 40 and age <= 41"}',
        ].join('\n'),
        's.yaml',
      ),
    ]);
    const people = (rows.get('people') ?? []).slice(3000);
    const ages = people.slice(0, 300).map(col(PEOPLE, 'age'));
    expect(new Set(ages)).toEqual(new Set(['29', '32', '33']));
    expect(people.slice(0, 300).every((r) => ['c', 'z'].includes(col(PEOPLE, 'tier')(r) ?? ''))).toBe(true);
    expect(new Set(people.slice(300).map(col(PEOPLE, 'age')))).toEqual(new Set(['41']));
  });

  it.each([
    ['people: tier not in (a, b, c, z)', 'public.people.tier: excludes every value the column can hold'],
    ['people: age between 30 and 31 and age not in (30, 31)', 'public.people.age: no value satisfies'],
    ['people: country != DE and country in (DE)', 'public.people.country: no value satisfies'],
    ['people: age != 30 and age is null', 'public.people.age: is asked to be NULL and to hold a value'],
    ['people: email != someone', 'public.people.email: is personal'],
    ['people: age != forty', 'public.people.age: expected an integer'],
  ])('refuses %s before anything is written', (option, message) => {
    const error = usageError(() => resolveScenario(MODEL, where(option)));
    expect(error.message).toContain(message);
    expect(error.message).not.toContain('someone');
    expect(error.message).not.toContain('forty');
  });
});

describe('CHECK constraints in conditions', () => {
  const checks = [
    { name: 'people_age_check', columns: ['age'], definition: 'CHECK (((age >= 18) AND (age <= 99)))' },
    {
      name: 'people_plan_check',
      columns: ['plan'],
      definition: "CHECK ((plan = ANY (ARRAY['free'::text, 'silver'::text, 'gold'::text])))",
    },
    { name: 'people_plan_not_gold', columns: ['plan'], definition: "CHECK ((plan <> 'gold'::text))" },
    {
      name: 'people_code_check',
      columns: ['code', 'country'],
      definition: "CHECK (((code <> 'X'::text) OR (country = 'DE'::text)))",
    },
  ];
  const model: SynthesisModel = {
    ...MODEL,
    tables: MODEL.tables.map((t) => (t.table.name === 'people' ? { ...t, checks } : t)),
  };

  it.each([
    ['people: age > 120', 'public.people.age: contradicts CHECK constraint people_age_check'],
    ['people: age in (30, 17)', 'public.people.age: contradicts CHECK constraint people_age_check'],
    ['people: plan = platinum', 'public.people.plan: contradicts CHECK constraint people_plan_check'],
    ['people: plan in (free, gold)', 'public.people.plan: contradicts CHECK constraint people_plan_not_gold'],
    [
      'people: plan != silver and plan != free',
      'public.people.plan: contradicts CHECK constraint people_plan_not_gold',
    ],
    [
      'people: plan not in (free, silver, gold)',
      'public.people.plan: contradicts CHECK constraint people_plan_check',
    ],
  ])('refuses %s, naming the table, column and constraint (never a value)', (option, message) => {
    const error = usageError(() => resolveScenario(model, where(option)));
    expect(error.message).toBe(`--where 1: ${message}`);
    // Without the constraint in the model the same condition is accepted or refused for another reason.
    expect(() => resolveScenario(MODEL, where(option))).not.toThrow('CHECK');
  });

  it('narrows a condition to what the CHECK allows; NULL always passes a CHECK', () => {
    const resolved = resolveScenario(model, where('people: plan != free and age is null'));
    const columns = resolved.tables.get('public.people')?.restriction?.columns;
    // plan IN (free, silver, gold) and plan <> gold, two constraints: both narrow.
    expect(columns?.find((c) => c.column === 'plan')?.values).toEqual(['silver']);
    expect(columns?.find((c) => c.column === 'age')?.onlyNull).toBe(true);
    expect(resolved.uncheckedConstraints).toEqual([]);
  });

  it('reports the constraints it cannot read as not checked, and leaves them to the database', () => {
    const resolved = resolveScenario(model, where('people: country in (DE, FR) and age >= 50'));
    expect(resolved.uncheckedConstraints).toEqual([
      { table: 'public.people', constraint: 'people_code_check' },
    ]);
  });
});

describe('resolveScenario errors: where, which table and column, what was expected — never the value', () => {
  const resolve = (specs: ScenarioSpec[]) => () => resolveScenario(MODEL, specs);
  it.each([
    ['customers: country = DE', '--where 1: unknown table "customers" (not in the model)'],
    ['people: nation = DE', '--where 1: public.people.nation: unknown column (not in the model)'],
    ['people: email = secret-value@example.com', 'public.people.email: is personal (generated as fakes)'],
    ['orders: person_id = 12345', 'public.orders.person_id: is a foreign key: condition the referenced row'],
    ['orders: status.plan = gold', 'public.orders.status: is not a single-column foreign key'],
    ['people: id = 7', 'public.people.id: is generated as a key'],
    ['people: tier = secretlabel', "public.people.tier: a value is not a label of the column's enum type"],
    ['people: age >= forty', 'public.people.age: expected an integer'],
    ['people: age > 500', 'public.people.age: no value the model learned lies in the range'],
    ['people: age > 40 and age < 30', 'public.people.age: no value satisfies all its conditions'],
    ['people: country is null', 'public.people.country: is NOT NULL: "is null" is impossible'],
    [
      'people: country in (US) and country = DE',
      'public.people.country: no value satisfies all its conditions',
    ],
    ['people: plan > gold', 'public.people.plan: is not a number, date or time column'],
    ['orders: person_id.nation = DE', 'public.people.nation: unknown column'],
  ])('%s', (option, message) => {
    const error = usageError(resolve(where(option)));
    expect(error.message).toContain(message);
    for (const value of ['DE', 'secret', '12345', 'forty', '500']) {
      if (!message.includes(value)) expect(error.message).not.toContain(value);
    }
  });

  it('several --where options on one table are joined: together they must be satisfiable', () => {
    const joined = resolveScenario(MODEL, where('people: age > 40', 'people: country = US'));
    expect(joined.tables.get('public.people')?.restriction?.columns.map((c) => c.column)).toEqual([
      'age',
      'country',
    ]);
    expect(usageError(resolve(where('people: age > 40', 'people: age < 30'))).message).toBe(
      '--where 1: public.people.age: no value satisfies all its conditions',
    );
  });

  it('unique columns fixed to fewer combinations than rows cannot be honoured', () => {
    const model: SynthesisModel = {
      ...MODEL,
      tables: MODEL.tables.map((t) =>
        t.table.name === 'orders' ? { ...t, uniqueSets: [...t.uniqueSets, ['status', 'ordered_on']] } : t,
      ),
    };
    const spec = (rows: number) =>
      parseScenario(
        `slices:\n  - {table: orders, rows: ${rows}, where: {status: [paid, refunded], ordered_on: 2024-03-03}}\n`,
        'u.yaml',
      );
    expect(usageError(() => resolveScenario(model, [spec(3)])).message).toBe(
      'u.yaml:2:5: slices[0]: public.orders.status, ordered_on: are unique: 3 rows cannot share 2 value(s)',
    );
    expect(resolveScenario(model, [spec(2)]).tables.get('public.orders')?.slices[0]?.rows).toBe(2);
  });

  it('names the line and path of the clause inside a scenario file', () => {
    const spec = parseScenario(
      ['slices:', '  - table: people', '    rows: 5', '    where:', '      age: 30', '      nation: DE'].join(
        '\n',
      ),
      'bad.yaml',
    );
    expect(usageError(resolve([spec])).message).toBe(
      'bad.yaml:6:7: slices[0].where.nation: public.people.nation: unknown column (not in the model)',
    );
  });
});

describe('parseScenario', () => {
  it('reads slices (mapping or text conditions) and edge cases', () => {
    const spec = parseScenario(
      [
        'description: refunds',
        'slices:',
        '  - table: orders',
        '    rows: 2000',
        '    where: {status: refunded, person_id.country: [DE, null], ordered_on: {gte: 2024-03-01}}',
        '  - table: people',
        '    where: "age between 20 and 30"',
        '  - edge_cases: all',
      ].join('\n'),
      'ok.yaml',
    );
    expect(spec.slices.map((s) => s.kind)).toEqual(['condition', 'condition', 'edge_cases']);
    const [orders, people] = spec.slices;
    expect(orders).toMatchObject({
      table: 'orders',
      rows: 2000,
      clauses: [
        { clause: { path: ['status'], op: 'eq', values: ['refunded'] } },
        { clause: { path: ['person_id', 'country'], op: 'in', values: ['DE', null] } },
        { clause: { path: ['ordered_on'], op: 'gte', values: ['2024-03-01'] } },
      ],
    });
    expect(people).toMatchObject({
      rows: null,
      clauses: [{ clause: { op: 'gte' } }, { clause: { op: 'lte' } }],
    });
  });

  it.each([
    [
      'slices:\n  - table: orders\n    rows: -1\n    where: {status: x}\n',
      'f.yaml:3:11: slices[0].rows: expected a number at least 1',
    ],
    [
      'slices:\n  - table: orders\n    where: {status: x}\n    colour: red\n',
      'f.yaml:4:5: slices[0]: unknown key "colour"',
    ],
    [
      'slices:\n  - table: orders\n    where: "status = "\n',
      'f.yaml:3:12: slices[0].where: at character 10: expected a value',
    ],
    ['slices:\n  - table: orders\n    where: {status: {above: 3}}\n', 'unknown key "above"'],
    ['slices: []\n', 'f.yaml:1:9: slices: expected at least 1 item'],
    ['slices:\n  - table: orders\n    where: {status: x}\n  bad indent\n', 'f.yaml:4:'],
  ])('rejects a bad file naming the line, the path and what was expected (%#)', (source, message) => {
    const error = usageError(() => parseScenario(source, 'f.yaml'));
    expect(error.message).toContain(message);
    expect(error.message).not.toContain('red');
  });
});

describe('truncated draws', () => {
  const knots = [0, 10, 10, 10, 20]; // an atom at 10 spanning knots 1..3
  it('places values and atoms on the quantile scale', () => {
    expect(lowQuantile(knots, 10)).toBe(0.25);
    expect(highQuantile(knots, 10)).toBe(0.75);
    expect(lowQuantile(knots, 5)).toBe(0.125);
    expect(highQuantile(knots, 15)).toBe(0.875);
    expect(lowQuantile(knots, -1)).toBe(0);
    expect(highQuantile(knots, 99)).toBe(1);
  });

  it('splits a quantile interval over the bins it overlaps', () => {
    expect(binShares(0.25, 0.75)).toEqual([
      [2, expect.closeTo(0.5, 9)],
      [3, expect.closeTo(1, 9)],
      [4, expect.closeTo(1, 9)],
      [5, expect.closeTo(1, 9)],
      [6, expect.closeTo(1, 9)],
      [7, expect.closeTo(0.5, 9)],
    ]);
    expect(binShares(0.42, 0.42)).toEqual([[4, 1]]);
  });

  it('checks generated text against a condition, numbers as numbers', () => {
    const range = {
      column: 'a',
      role: 'modelled',
      onlyNull: false,
      allowsNull: false,
      values: null,
      numbers: null,
      min: 5,
      max: 9.5,
      excluded: [],
      excludedNumbers: [],
    } as const;
    expect(valueHonours(range, 'decimal', '9.50')).toBe(true);
    expect(valueHonours(range, 'decimal', '9.51')).toBe(false);
    expect(valueHonours(range, 'decimal', null)).toBe(false);
    expect(valueHonours({ ...range, values: ['x'], min: -Infinity, max: Infinity }, null, 'x')).toBe(true);
    expect(valueHonours({ ...range, onlyNull: true }, null, null)).toBe(true);
  });
});
