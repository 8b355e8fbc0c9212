import { describe, expect, it } from 'vitest';
import type { SynthesisModel } from '../synthesis/index.js';
import { drawnBefore, planSynthUnits, unitDraws } from './synth-units.js';

const ref = (name: string) => ({ schema: 'public', name });

/** Only what unit planning reads: names, partitions, foreign keys, copies. */
function model(
  tables: { name: string; parents?: string[]; partitionOf?: string; copy?: boolean }[],
): SynthesisModel {
  return {
    tables: tables.map((t) => ({
      table: ref(t.name),
      partitionOf: t.partitionOf === undefined ? null : ref(t.partitionOf),
      foreignKeys: (t.parents ?? []).map((p) => ({ parent: ref(p) })),
      ...(t.copy === true ? { copy: { rows: [], coarse: {} } } : {}),
    })),
  } as unknown as SynthesisModel;
}

describe('drawnBefore', () => {
  const m = model([
    { name: 'country' },
    { name: 'city', parents: ['country'] },
    { name: 'tag' },
    { name: 'customer', parents: ['city'] },
    { name: 'payment_1', partitionOf: 'payment', parents: ['customer'] },
    { name: 'payment_2', partitionOf: 'payment', parents: ['customer'] },
    { name: 'staff', parents: ['staff', 'store'] }, // a self-reference, and a parent drawn later (a cycle)
    { name: 'store', parents: ['staff'] },
  ]);

  it('is the transitive parents drawn earlier, in generation order, without unrelated tables', () => {
    expect(drawnBefore(m, 3)).toEqual([0, 1]);
    expect(drawnBefore(m, 0)).toEqual([]);
  });

  it('includes earlier partitions of the same table (their rows start its serial keys) and their parents', () => {
    expect(drawnBefore(m, 5)).toEqual([0, 1, 3, 4]);
    expect(drawnBefore(m, 4)).toEqual([0, 1, 3]);
  });

  it('skips itself and parents drawn after it', () => {
    expect(drawnBefore(m, 6)).toEqual([]);
    expect(drawnBefore(m, 7)).toEqual([6]);
  });
});

describe('unitDraws', () => {
  const m = model([
    { name: 'country' },
    { name: 'customer', parents: ['country'] },
    { name: 'payment_1', partitionOf: 'payment', parents: ['customer'] },
    { name: 'store' },
    { name: 'payment_2', partitionOf: 'payment', parents: ['customer', 'store'] },
  ]);

  it("writes a partitioned table's partitions in generation order, drawing what they read before and between them", () => {
    expect(unitDraws(m, ref('payment'))).toEqual([
      { index: 0, write: false },
      { index: 1, write: false },
      { index: 2, write: true },
      { index: 3, write: false },
      { index: 4, write: true },
    ]);
    expect(unitDraws(m, ref('customer'))).toEqual([
      { index: 0, write: false },
      { index: 1, write: true },
    ]);
    expect(unitDraws(m, ref('nothing'))).toEqual([]);
  });
});

describe('planSynthUnits', () => {
  const m = model([{ name: 'kind', copy: true }, { name: 'person' }, { name: 'visit', parents: ['person'] }]);

  it('is one unit per table, largest first, sized by the scale (a copied table keeps its size)', () => {
    const blocks = new Map([
      ['public.kind', 50],
      ['public.person', 20],
      ['public.visit', 30],
    ]);
    const units = planSynthUnits(m, 2, blocks, 10);
    expect(units.map((u) => u.id)).toEqual(['3:public.visit', '1:public.kind', '2:public.person']);
    expect(units.every((u) => u.synth === true && u.blocks === undefined)).toBe(true);
  });

  it("is one unit for a partitioned table's partitions, named by the table, sized by all of them", () => {
    const parted = model([
      { name: 'person' },
      { name: 'visit_1', partitionOf: 'visit', parents: ['person'] },
      { name: 'visit_2', partitionOf: 'visit', parents: ['person'] },
    ]);
    const blocks = new Map([
      ['public.person', 30],
      ['public.visit_1', 20],
      ['public.visit_2', 20],
    ]);
    const units = planSynthUnits(parted, 1, blocks, 10);
    expect(units.map((u) => [u.id, u.table.name])).toEqual([
      ['2:public.visit', 'visit'],
      ['1:public.person', 'person'],
    ]);
  });

  it('is empty when the whole output fits one unit', () => {
    const blocks = new Map([
      ['public.person', 3],
      ['public.visit', 4],
    ]);
    expect(planSynthUnits(m, 1, blocks, 10)).toEqual([]);
    expect(planSynthUnits(m, 2, blocks, 10)).toHaveLength(3);
  });
});
