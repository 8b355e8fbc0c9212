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
import { fitSynthesisModel, type TableSample } from './fit-model.js';
import { laplaceNoise, privatizeModel } from './privatize-model.js';
import { SynthesisSampler } from './sample-model.js';
import { seededRandom } from './seeded-random.js';
import type { SynthesisModel } from './synthesis-model.js';

const int = (name: string, nullable = false): ColumnInfo =>
  columnInfo({ name, dataType: 'integer', baseType: 'int4', category: 'integer', isNullable: nullable });

const table = (name: string, columns: ColumnInfo[], constraints: TableInfo['constraints']): TableInfo => ({
  ref: { schema: 'public', name },
  kind: 'table',
  parent: null,
  columns,
  constraints: [
    { name: `${name}_pkey`, kind: 'primary_key', columns: ['id'], definition: '', references: null },
    ...constraints,
  ],
  uniqueColumnSets: [['id']],
  estimatedRows: 0,
});
const PEOPLE = table('people', [int('id'), columnInfo({ name: 'plan' }), int('age')], []);
const ORDERS = table(
  'orders',
  [
    int('id'),
    int('person_id'),
    columnInfo({ name: 'status' }),
    columnInfo({ name: 'doc', category: 'json', dataType: 'jsonb', baseType: 'jsonb' }),
  ],
  [
    {
      name: 'orders_person_fkey',
      kind: 'foreign_key',
      columns: ['person_id'],
      definition: '',
      references: { table: { schema: 'public', name: 'people' }, columns: ['id'] },
    },
  ],
);
const SCHEMA: DatabaseSchema = { tables: [PEOPLE, ORDERS], sequences: [] };

function samples(): Map<string, TableSample> {
  const random = seededRandom('dp data');
  const people: Row[] = [];
  const orders: Row[] = [];
  for (let i = 1; i <= 2000; i++) {
    const plan = ['free', 'pro', 'team', 'gold'][random.below(4)] as string;
    people.push([String(i), plan, String(18 + random.below(60))]);
    for (let o = random.below(4); o > 0; o--) {
      const status = random.next() < 0.8 ? 'shipped' : 'pending';
      orders.push([
        String(orders.length + 1),
        String(i),
        status,
        JSON.stringify({ items: random.below(5), gift: o === 1 }),
      ]);
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

const exact = fitSynthesisModel({
  schema: SCHEMA,
  samples: samples(),
  treatment: () => ({ kind: 'model' }),
  rareCategoryMin: 5,
  seed: '1',
  schemaFingerprint: 'test',
  ddl: null,
});

/** Every count of every modelled column's marginal and conditional tables, in model order. */
function counts(model: SynthesisModel): number[] {
  return model.tables.flatMap((t) =>
    t.columns.flatMap((c) =>
      c.role !== 'modelled'
        ? []
        : [
            ...c.stats.counts,
            ...Object.values(c.conditional.byFirst).flatMap((pairs) => pairs.filter((_, i) => i % 2 === 1)),
          ],
    ),
  );
}

const meanAbsoluteNoise = (epsilon: number): number => {
  const reference = counts(exact);
  let sum = 0;
  let n = 0;
  for (let run = 0; run < 20; run++) {
    const noisy = counts(privatizeModel(exact, { epsilon, random: seededRandom(`noise ${epsilon} ${run}`) }));
    noisy.forEach((v, i) => {
      // Counts far from zero: clamping at 0 does not bias them.
      if ((reference[i] as number) < 2000) return;
      sum += Math.abs(v - (reference[i] as number));
      n++;
    });
  }
  return sum / n;
};

describe('privatizeModel (--epsilon)', () => {
  it('draws Laplace noise of the given scale (mean absolute deviation = scale)', () => {
    const random = seededRandom('laplace');
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += Math.abs(laplaceNoise(3, random));
    expect(sum / 20_000).toBeGreaterThan(2.85);
    expect(sum / 20_000).toBeLessThan(3.15);
  });

  it('records the budget and its split in the header; without epsilon the model has no privacy header', () => {
    expect(exact.privacy).toBeUndefined();
    const model = privatizeModel(exact, { epsilon: 2, random: seededRandom('h') });
    expect(model.privacy?.epsilon).toBe(2);
    expect(model.privacy?.mechanism).toBe('laplace');
    expect(model.privacy?.countTables).toBeGreaterThan(10);
    expect(model.privacy?.epsilonPerTable).toBeCloseTo(2 / (model.privacy?.countTables ?? 1), 12);
    expect(() => privatizeModel(exact, { epsilon: 0, random: seededRandom('h') })).toThrow(GatewayError);
  });

  it('scales the noise as 2·Q/ε: ten times the budget, a tenth of the noise', () => {
    const q = privatizeModel(exact, { epsilon: 1, random: seededRandom('q') }).privacy?.countTables ?? 0;
    const low = meanAbsoluteNoise(1);
    const high = meanAbsoluteNoise(10);
    expect(low).toBeGreaterThan(0.8 * 2 * q);
    expect(low).toBeLessThan(1.2 * 2 * q);
    expect(low / high).toBeGreaterThan(7);
    expect(low / high).toBeLessThan(14);
  });

  it('still samples valid rows: unique keys, joinable foreign keys, known categories, JSON documents', () => {
    const model = privatizeModel(exact, { epsilon: 1, random: seededRandom('valid') });
    const sampler = new SynthesisSampler(model, {
      scale: 1,
      seed: '1',
      seeder: createKeyedSeeder(new Secret(Buffer.alloc(32, 9))),
      batchRows: 1000,
    });
    const [people, orders] = model.tables.map((t) => [...sampler.generate(t)].flat());
    const ids = new Set((people ?? []).map((r) => r[0]));
    expect(ids.size).toBe(people?.length);
    expect(Math.abs((people?.length ?? 0) - 2000)).toBeLessThan(200);
    expect((orders ?? []).length).toBeGreaterThan(1000);
    expect((orders ?? []).every((r) => r[0] !== null && r[1] !== null && ids.has(r[1]))).toBe(true);
    // Counts that were 0 (no rare status, no NULL, no other JSON type) stay 0: only real categories come back.
    for (const r of orders ?? []) {
      expect(['shipped', 'pending']).toContain(r[2]);
      const doc = JSON.parse(r[3] ?? 'null') as Record<string, unknown>;
      expect(Object.keys(doc).every((k) => k === 'gift' || k === 'items')).toBe(true);
      expect(typeof doc['gift']).toBe('boolean');
    }
    for (const r of people ?? []) expect(['free', 'pro', 'team', 'gold']).toContain(r[1]);
  });
});
