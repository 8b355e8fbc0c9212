import { describe, expect, it } from 'vitest';
import { columnInfo } from '../../test/helpers/column-info.js';
import { qualifiedName, type ColumnInfo, type Row, type TableInfo } from '../core/index.js';
import {
  fitSynthesisModel,
  parseWhereOptions,
  resolveScenario,
  seededRandom,
  type ColumnTreatment,
  type ScenarioSpec,
  type SynthesisModel,
  type TableSample,
} from '../synthesis/index.js';
import { planSynthUnits, synthesisSampler, unitDraws } from './synth-units.js';

/**
 * The promise of split synthesis, checked without a database: every unit, drawing in a fresh sampler only
 * what `unitDraws` says, writes exactly the rows (and serial ends) the one-process run writes for its tables.
 */

const int = (name: string, nullable = false): ColumnInfo =>
  columnInfo({
    name,
    dataType: 'integer',
    baseType: 'int4',
    category: 'integer',
    isNullable: nullable,
    ...(name === 'id' ? { hasDefault: true } : {}),
  });
const text = (name: string, nullable = true): ColumnInfo => columnInfo({ name, isNullable: nullable });
const fk = (column: string, parent: string) => ({
  name: `${column}_${parent}_fkey`,
  kind: 'foreign_key' as const,
  columns: [column],
  definition: '',
  references: { table: { schema: 'public', name: parent }, columns: ['id'] },
});

function table(
  name: string,
  columns: ColumnInfo[],
  fks: ReturnType<typeof fk>[] = [],
  extra: Partial<TableInfo> = {},
): TableInfo {
  return {
    ref: { schema: 'public', name },
    kind: 'table',
    parent: null,
    columns,
    constraints: [
      { name: `${name}_pkey`, kind: 'primary_key', columns: ['id'], definition: '', references: null },
      ...fks,
    ],
    uniqueColumnSets: [['id']],
    estimatedRows: 0,
    ...extra,
  };
}

function fit(tables: TableInfo[], rows: ReadonlyMap<string, Row[]>): SynthesisModel {
  const samples = new Map<string, TableSample>();
  for (const info of tables) {
    const data = rows.get(info.ref.name);
    if (data === undefined) continue;
    samples.set(qualifiedName(info.ref), {
      table: info.ref,
      rows: data.length,
      columns: info.columns.map((c) => c.name),
      values: info.columns.map((_, j) => data.map((r) => r[j] ?? null)),
    });
  }
  return fitSynthesisModel({
    schema: { tables, sequences: [] },
    samples,
    treatment: (): ColumnTreatment => ({ kind: 'model' }),
    rareCategoryMin: 5,
    seed: '1',
    schemaFingerprint: 'test',
    ddl: null,
  });
}

/** Per table of the model: the rows each unit writes and the last serial key, against one sampler's run. */
function expectUnitsAgree(model: SynthesisModel, scenario: readonly ScenarioSpec[]): void {
  const options = { scale: 1, seed: '3', batchRows: 97, realValues: undefined, realTuples: undefined };
  const resolved = () => (scenario.length === 0 ? undefined : resolveScenario(model, scenario));
  const one = synthesisSampler(model, { ...options, scenario: resolved() });
  const rows = model.tables.map((t) => [...one.generate(t)].flat());
  const serials = model.tables.map((t) => one.lastSerial(qualifiedName(t.table)));
  const units = planSynthUnits(model, 1, new Map(model.tables.map((t) => [qualifiedName(t.table), 1])), 1);
  const written = new Set<number>();
  for (const unit of units) {
    const sampler = synthesisSampler(model, { ...options, scenario: resolved() });
    for (const { index, write } of unitDraws(model, unit.table)) {
      const t = model.tables[index];
      if (t === undefined) throw new Error('no table');
      const drawn = [...sampler.generate(t)].flat();
      if (!write) continue;
      written.add(index);
      expect({ table: t.table.name, rows: drawn }).toEqual({ table: t.table.name, rows: rows[index] });
      expect(sampler.lastSerial(qualifiedName(t.table))).toBe(serials[index]);
    }
  }
  expect(written.size).toBe(model.tables.length);
}

describe('units of a split synthesis run write what one sampler writes', () => {
  const r = seededRandom('data');
  const pick = <T>(items: readonly T[]): T => items[r.below(items.length)] as T;

  it('through foreign-key chains, with conditions that add rows to parents', () => {
    const regions = table('regions', [int('id'), text('name', false)]);
    const people = table(
      'people',
      [int('id'), int('region_id'), text('plan', false)],
      [fk('region_id', 'regions')],
    );
    const orders = table(
      'orders',
      [int('id'), int('person_id'), text('status', false)],
      [fk('person_id', 'people')],
    );
    const tags = table('tags', [int('id'), text('label', false)]);
    const notes = table(
      'notes',
      [int('id'), int('order_id'), int('tag_id'), text('kind', false)],
      [fk('order_id', 'orders'), fk('tag_id', 'tags')],
    );
    const data = new Map<string, Row[]>([
      ['regions', Array.from({ length: 12 }, (_, i) => [String(i + 1), pick(['north', 'south', 'east'])])],
      [
        'people',
        Array.from({ length: 300 }, (_, i) => [
          String(i + 1),
          String(1 + r.below(12)),
          pick(['free', 'pro']),
        ]),
      ],
      [
        'orders',
        Array.from({ length: 900 }, (_, i) => [
          String(i + 1),
          String(1 + r.below(300)),
          pick(['new', 'paid']),
        ]),
      ],
      ['tags', Array.from({ length: 20 }, (_, i) => [String(i + 1), pick(['a', 'b', 'c'])])],
      [
        'notes',
        Array.from({ length: 700 }, (_, i) => [
          String(i + 1),
          String(1 + r.below(900)),
          String(1 + r.below(20)),
          pick(['x', 'y']),
        ]),
      ],
    ]);
    const model = fit([regions, people, orders, tags, notes], data);
    expectUnitsAgree(model, []);
    expectUnitsAgree(model, [{ slices: parseWhereOptions(['orders: person_id.plan = pro']) }]);
    expectUnitsAgree(model, [
      { slices: parseWhereOptions(['notes: order_id.person_id.region_id.name = zz']) },
    ]);
  });

  it('through partitions, a deferred reference into a partition and conditions that add rows to a partition', () => {
    const root = table('part', [int('id'), text('kind', false), int('x_id', true)], [], {
      kind: 'partitioned',
    });
    const partA = table('part_a', [int('id'), text('kind', false), int('x_id', true)], [], {
      kind: 'partition',
      parent: root.ref,
    });
    const partB = table('part_b', [int('id'), text('kind', false), int('x_id', true)], [fk('x_id', 'ax')], {
      kind: 'partition',
      parent: root.ref,
    });
    const ax = table('ax', [int('id'), int('b_id', true), text('v', false)], [fk('b_id', 'part_b')]);
    const kids = table('kids', [int('id'), int('a_id'), text('w', false)], [fk('a_id', 'part_a')]);
    const data = new Map<string, Row[]>([
      ['part_a', Array.from({ length: 400 }, (_, i) => [String(i + 1), pick(['p', 'q']), null])],
      [
        'part_b',
        Array.from({ length: 300 }, (_, i) => [
          String(401 + i),
          pick(['p', 'q']),
          r.next() < 0.5 ? null : String(1 + r.below(300)),
        ]),
      ],
      [
        'ax',
        Array.from({ length: 300 }, (_, i) => [
          String(i + 1),
          r.next() < 0.5 ? null : String(401 + r.below(300)),
          pick(['m', 'n']),
        ]),
      ],
      [
        'kids',
        Array.from({ length: 600 }, (_, i) => [String(i + 1), String(1 + r.below(400)), pick(['u', 'v'])]),
      ],
    ]);
    const model = fit([root, partA, partB, ax, kids], data);
    // A table draws before a partition it references (a deferred reference): the case the replay must cover.
    const names = model.tables.map((t) => t.table.name);
    expect(names.indexOf('ax')).toBeLessThan(names.indexOf('part_b'));
    expectUnitsAgree(model, []);
    expectUnitsAgree(model, [{ slices: parseWhereOptions(['kids: a_id.kind = zz']) }]);
  });
});
