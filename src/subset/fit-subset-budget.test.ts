import { describe, expect, it } from 'vitest';
import type { SubsetClosure } from '../core/index.js';
import { fitSubsetToBudget } from './fit-subset-budget.js';

/** A closure whose size grows with the scale like a real one: in steps (whole rows), plus a fixed floor. */
function fakeSource(rowsAt: (scale: number) => number, bytesPerRow = 100) {
  const calls: number[] = [];
  let holding: number | null = null;
  const compute = (scale: number): Promise<SubsetClosure> => {
    calls.push(scale);
    holding = scale;
    const rows = rowsAt(scale);
    return Promise.resolve({
      tables: [{ table: { schema: 'public', name: 't' }, rows, bytes: rows * bytesPerRow }],
      selected: [],
      pulls: [],
      excluded: [],
      rounds: 1,
    });
  };
  return { compute, calls, holding: () => holding };
}

describe('fitSubsetToBudget', () => {
  it('computes once without a budget, and a probe and the whole when the subset fits', async () => {
    const source = fakeSource((s) => Math.floor(1000 * s));
    const free = await fitSubsetToBudget(source.compute, { maxRows: null, maxBytes: null, tolerance: 0.1 });
    expect(free.scale).toBe(1);
    const fits = await fitSubsetToBudget(source.compute, { maxRows: 5000, maxBytes: null, tolerance: 0.1 });
    expect(fits).toMatchObject({ scale: 1, withinTolerance: true });
    expect(source.calls).toEqual([1, 0.05, 1]);
  });

  it('never computes the whole closure when a probe shows it is far over the budget', async () => {
    // Proportional growth: the probe's share points straight at the scale.
    const source = fakeSource((s) => Math.floor(1_000_000 * s));
    const fitted = await fitSubsetToBudget(source.compute, {
      maxRows: 150_000,
      maxBytes: null,
      tolerance: 0.1,
    });
    expect(fitted.withinTolerance).toBe(true);
    expect(source.calls).not.toContain(1);
    expect(fitted.attempts.length).toBeLessThanOrEqual(3);
    expect(source.holding()).toBe(fitted.scale);
  });

  it('lands within tolerance under a row budget and leaves the source holding the chosen scale', async () => {
    // Non-linear: a fixed 300-row floor (reference data) plus rows growing faster than the scale.
    const source = fakeSource((s) => 300 + Math.floor(20_000 * s ** 1.3));
    const fitted = await fitSubsetToBudget(source.compute, {
      maxRows: 2000,
      maxBytes: null,
      tolerance: 0.05,
    });
    const rows = fitted.closure.tables[0]?.rows ?? 0;
    expect(rows).toBeLessThanOrEqual(2000);
    expect(rows).toBeGreaterThanOrEqual(1900);
    expect(fitted.withinTolerance).toBe(true);
    expect(fitted.attempts.length).toBeLessThanOrEqual(8);
    expect(source.holding()).toBe(fitted.scale);
  });

  it('uses the binding budget when both are given', async () => {
    const source = fakeSource((s) => Math.floor(10_000 * s), 1000);
    const fitted = await fitSubsetToBudget(source.compute, {
      maxRows: 5000,
      maxBytes: 1_000_000,
      tolerance: 0.1,
    });
    const table = fitted.closure.tables[0];
    expect(table?.bytes ?? 0).toBeLessThanOrEqual(1_000_000);
    expect(table?.bytes ?? 0).toBeGreaterThanOrEqual(900_000);
    expect(table?.rows ?? 0).toBeLessThan(5000);
  });

  it('never returns a subset over the budget, even when nothing but the empty one fits', async () => {
    // Any non-zero scale drags in a 5,000-row floor: only scale 0 fits a 100-row budget.
    const source = fakeSource((s) => (s === 0 ? 0 : 5000 + Math.floor(100 * s)));
    const fitted = await fitSubsetToBudget(source.compute, { maxRows: 100, maxBytes: null, tolerance: 0.1 });
    expect(fitted.scale).toBe(0);
    expect(fitted.withinTolerance).toBe(false);
    expect(fitted.closure.tables[0]?.rows).toBe(0);
    expect(source.holding()).toBe(0);
  });
});
