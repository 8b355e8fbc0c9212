import { describe, expect, it } from 'vitest';
import {
  contingencySimilarity,
  correlationSimilarity,
  cramersV,
  equalWidthBins,
  ksComplement,
  pearson,
  tvComplement,
} from './column-metrics.js';
import { closerToTrainingShare, closestDistances } from './dcr.js';
import { buildQualityReport } from './quality-report.js';

describe('column shape metrics (hand-computed)', () => {
  it('KS complement is 1 − the largest gap between the two empirical CDFs', () => {
    // F_R reaches 0.5 at 2 where F_S is still 0; after 4 F_R = 1, F_S = 0.5: D = 0.5.
    expect(ksComplement([1, 2, 3, 4], [3, 4, 5, 6])).toBeCloseTo(0.5, 12);
    expect(ksComplement([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(ksComplement([1, 2], [10, 20])).toBe(0);
    expect(ksComplement([], [1])).toBeNull();
  });

  it('TV complement ignores NULLs and counts categories only one side has', () => {
    // real a .5 b .5, synthetic a .25 b .75: TV = (.25 + .25) / 2 = .25
    expect(tvComplement(['a', 'a', 'b', 'b', null], ['a', 'b', 'b', 'b'])).toBeCloseTo(0.75, 12);
    // c only in synthetic: TV = (.5 + 0 + .5)/2 = .5
    expect(tvComplement(['a', 'b'], ['b', 'c'])).toBeCloseTo(0.5, 12);
  });
});

describe('column pair metrics (hand-computed)', () => {
  it('correlation similarity is 1 − |r_real − r_syn| / 2', () => {
    const r = pearson([1, 2, 3], [2, 4, 6]);
    const s = pearson([1, 2, 3], [6, 4, 2]);
    expect(r).toBeCloseTo(1, 12);
    expect(s).toBeCloseTo(-1, 12);
    expect(correlationSimilarity(r, s)).toBeCloseTo(0, 12);
    expect(correlationSimilarity(0.5, 0.3)).toBeCloseTo(0.9, 12);
    // A constant column has no correlation: undefined, not zero.
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
  });

  it('bins numerics in 10 equal-width bins of their own range, the maximum and NULL in an 11th', () => {
    expect(equalWidthBins([0, 0.99, 1, 5, 9.99, 10, null])).toEqual(['1', '1', '2', '6', '10', '11', '11']);
    expect(equalWidthBins([3, 3])).toEqual(['6', '6']);
  });

  it('contingency similarity is 1 − TV over the joint table, NULL a cell of its own', () => {
    // real cells (x,1) .5 (y,2) .5; synthetic (x,1) .5 (x,2) .5 → TV = (0 + .5 + .5)/2 = .5
    expect(contingencySimilarity(['x', 'y'], ['1', '2'], ['x', 'x'], ['1', '2'])).toBeCloseTo(0.5, 12);
    expect(contingencySimilarity(['x', null], ['1', '2'], ['x', null], ['1', '2'])).toBe(1);
  });

  it('keeps similarities in [0, 1] when float shares do not sum exactly', () => {
    // Nine disjoint categories a side: ½ Σ |p_real − p_syn| adds eighteen 1/9s, 1 + 2.2e−16 in floats.
    const real = Array.from({ length: 9 }, (_, i) => `r${i}`);
    const synthetic = Array.from({ length: 9 }, (_, i) => `s${i}`);
    expect(contingencySimilarity(real, real, synthetic, synthetic)).toBe(0);
    expect(tvComplement(real, synthetic)).toBe(0);
  });

  it("Cramér's V is 1 for a perfect association and 0 for independence", () => {
    expect(cramersV(['a', 'a', 'b', 'b'], ['x', 'x', 'y', 'y'])).toBeCloseTo(1, 12);
    expect(cramersV(['a', 'a', 'b', 'b'], ['x', 'y', 'x', 'y'])).toBeCloseTo(0, 12);
    expect(cramersV(['a', 'a'], ['x', 'y'])).toBeNull();
  });
});

describe('privacy figures (hand-computed)', () => {
  it('distance to closest record follows SDMetrics (range of the reference, capped at 1)', () => {
    // SDMetrics' own unit case: real [0,5,8,9,10], synthetic [3,5] → [0.2, 0].
    const reference = [[0], [5], [8], [9], [10]];
    expect(closestDistances([{ numeric: true }], [[3], [5]], reference)).toEqual([0.2, 0]);
    // Categorical: equal 0, else 1; NULL vs NULL 0, NULL vs value 1; mean over columns.
    expect(closestDistances([{ numeric: false }, { numeric: false }], [['a', null]], [['a', 'b']])).toEqual([
      0.5,
    ]);
  });

  it('closer-to-training share counts ties as half', () => {
    expect(closerToTrainingShare([0.1, 0.2, 0.3, 0.4], [0.2, 0.2, 0.1, 0.5])).toBeCloseTo(
      (1 + 0.5 + 0 + 1) / 4,
      12,
    );
    expect(closerToTrainingShare([], [])).toBeNull();
  });
});

describe('buildQualityReport', () => {
  it('averages shapes, pair trends (pairs with a real trend only) and cardinality', () => {
    const report = buildQualityReport(
      [
        {
          table: 't',
          columns: [
            { name: 'x', type: 'numeric', real: [1, 2, 3, 4], synthetic: [3, 4, 5, 6] },
            { name: 'y', type: 'numeric', real: [2, 4, 6, 8], synthetic: [6, 8, 10, 12] },
            { name: 'c', type: 'categorical', real: ['a', 'a', 'b', 'b'], synthetic: ['a', 'b', 'b', 'b'] },
          ],
        },
      ],
      [{ name: 'fk', child: 't', parent: 'p', realCounts: [0, 1, 2], syntheticCounts: [0, 1, 2] }],
    );
    // shapes: x .5, y .5, c .75 → 0.5833…
    expect(report.columnShapes).toBeCloseTo((0.5 + 0.5 + 0.75) / 3, 12);
    const xy = report.tables[0]?.pairs.find((p) => p.columns[0] === 'x' && p.columns[1] === 'y');
    expect(xy).toMatchObject({ metric: 'correlation_similarity', meetsThreshold: true });
    expect(xy?.score).toBeCloseTo(1, 12);
    // Pairs with c: x,c and y,c (real V = 1 for both: bins 1,4,7,11 vs a,a,b,b … each bin one category).
    const trend = report.tables[0]?.pairs.filter((p) => p.meetsThreshold) ?? [];
    const trendMean = trend.reduce((s, p) => s + (p.score ?? 0), 0) / trend.length;
    expect(report.columnPairTrends).toBeCloseTo(trendMean, 12);
    expect(report.cardinality).toBe(1);
    expect(report.overall).toBeCloseTo(((0.5 + 0.5 + 0.75) / 3 + trendMean + 1) / 3, 12);
    expect(report.privacy.closerToTrainingShare).toBeNull();
  });

  it('reports the exact-match rate over the row keys when given', () => {
    const report = buildQualityReport(
      [
        {
          table: 't',
          columns: [{ name: 'c', type: 'categorical', real: ['a', 'b'], synthetic: ['a', 'b'] }],
          rowKeys: { real: ['k1', 'k2'], synthetic: ['k1', 'k3', 'k4', 'k5'] },
        },
      ],
      [],
    );
    expect(report.privacy.exactMatchRate).toBeCloseTo(0.25, 12);
  });
});
