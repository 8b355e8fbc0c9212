import { describe, expect, it } from 'vitest';
import { columnInfo } from '../../test/helpers/column-info.js';
import { Secret, type ColumnInfo, type DatabaseSchema, type Row, type TableInfo } from '../core/index.js';
import { createKeyedSeeder } from '../fake-values/index.js';
import { fitSynthesisModel, type TableSample } from './fit-model.js';
import { drawForest, fitHierarchy, forestDepths } from './hierarchy.js';
import { SynthesisSampler } from './sample-model.js';
import { seededRandom } from './seeded-random.js';

/** A company: 1 CEO per 100 people, each manager with 2–6 reports, four levels. */
function orgChart(size: number): { ids: string[]; managers: (string | null)[]; depth: number[] } {
  const random = seededRandom('org');
  const ids: string[] = [];
  const managers: (string | null)[] = [];
  const depth: number[] = [];
  const queue: number[] = [];
  const add = (manager: number | null, d: number): void => {
    ids.push(String(ids.length + 1));
    managers.push(manager === null ? null : String(manager + 1));
    depth.push(d);
    queue.push(ids.length - 1);
  };
  while (ids.length < size) {
    add(null, 0);
    while (queue.length > 0 && ids.length < size) {
      const m = queue.shift() as number;
      if ((depth[m] as number) >= 3) continue;
      const reports = 2 + random.below(5);
      for (let r = 0; r < reports && ids.length < size; r++) add(m, (depth[m] as number) + 1);
    }
  }
  return { ids, managers, depth };
}

const histogram = (depths: ArrayLike<number>): number[] => {
  const out = [0, 0, 0, 0, 0, 0];
  for (let i = 0; i < depths.length; i++) out[depths[i] as number] = (out[depths[i] as number] ?? 0) + 1;
  return out.map((n) => n / depths.length);
};

describe('fitHierarchy + drawForest', () => {
  const org = orgChart(2000);

  it('learns depths and children per node; a cycle in the source means no forest model', () => {
    const model = fitHierarchy(org.managers, org.ids);
    expect(model).not.toBeNull();
    const depths = model?.depths ?? [];
    expect(depths.filter((_, i) => i % 2 === 0)).toEqual([0, 1, 2, 3]);
    expect(depths.filter((_, i) => i % 2 === 1).reduce((a, b) => a + b, 0)).toBe(2000);
    // Managers at depth 3 have no reports.
    expect(model?.childrenByDepth['3']).toEqual([0, depths[7]]);
    expect(fitHierarchy(['2', '1', null], ['1', '2', '3'])).toBeNull();
    expect(fitHierarchy(['1'], ['1'])).toBeNull();
  });

  it('draws a forest: parents before children, no cycle, the depth distribution kept', () => {
    const model = fitHierarchy(org.managers, org.ids);
    if (model === null) throw new Error('no model');
    for (const rows of [200, 2000, 20_000]) {
      const parents = drawForest(model, rows, seededRandom(`forest ${rows}`));
      expect([...parents].every((p, i) => p < i)).toBe(true);
      const depths = forestDepths(parents);
      expect(depths).not.toBeNull();
      const real = histogram(org.depth);
      const synthetic = histogram(depths as Int32Array);
      for (let d = 0; d < real.length; d++)
        expect(Math.abs((real[d] as number) - (synthetic[d] as number))).toBeLessThan(0.02);
    }
  });
});

describe('a self-referencing table through fit and sample', () => {
  const int = (name: string, nullable = false): ColumnInfo =>
    columnInfo({ name, dataType: 'integer', baseType: 'int4', category: 'integer', isNullable: nullable });
  const EMPLOYEE: TableInfo = {
    ref: { schema: 'public', name: 'employee' },
    kind: 'table',
    parent: null,
    columns: [int('id'), int('manager_id', true), columnInfo({ name: 'team' })],
    constraints: [
      { name: 'employee_pkey', kind: 'primary_key', columns: ['id'], definition: '', references: null },
      {
        name: 'employee_manager_fkey',
        kind: 'foreign_key',
        columns: ['manager_id'],
        definition: '',
        references: { table: { schema: 'public', name: 'employee' }, columns: ['id'] },
      },
    ],
    uniqueColumnSets: [['id']],
    estimatedRows: 0,
  };
  const schema: DatabaseSchema = { tables: [EMPLOYEE], sequences: [] };
  const org = orgChart(1500);
  const sample: TableSample = {
    table: EMPLOYEE.ref,
    rows: org.ids.length,
    columns: ['id', 'manager_id', 'team'],
    values: [org.ids, org.managers, org.ids.map((id) => ['ops', 'dev', 'sales'][Number(id) % 3] as string)],
  };
  const model = fitSynthesisModel({
    schema,
    samples: new Map([['public.employee', sample]]),
    treatment: () => ({ kind: 'model' }),
    rareCategoryMin: 5,
    seed: '1',
    schemaFingerprint: 'test',
    ddl: null,
  });

  it('generates valid, acyclic references with the source depth distribution', () => {
    expect(model.tables[0]?.foreignKeys[0]?.hierarchy).toBeDefined();
    const sampler = new SynthesisSampler(model, {
      scale: 1,
      seed: '1',
      seeder: createKeyedSeeder(new Secret(Buffer.alloc(32, 3))),
      batchRows: 500,
    });
    const rows: Row[] = [...sampler.generate(model.tables[0] as never)].flat();
    expect(rows).toHaveLength(1500);
    const index = new Map(rows.map((r, i) => [r[0] as string, i]));
    expect(index.size).toBe(1500);
    const parents = Int32Array.from(rows, (r) => (r[1] === null ? -1 : (index.get(r[1] as string) ?? -2)));
    expect([...parents].every((p) => p >= -1)).toBe(true); // every manager exists
    const depths = forestDepths(parents);
    expect(depths).not.toBeNull();
    const real = histogram(org.depth);
    const synthetic = histogram(depths as Int32Array);
    for (let d = 0; d < real.length; d++)
      expect(Math.abs((real[d] as number) - (synthetic[d] as number))).toBeLessThan(0.02);
  });
});
