import { describe, expect, it } from 'vitest';
import { bookkeepingReason } from './bookkeeping-columns.js';
import { buildQualityReport, intertableTrends, type ReportColumn } from './quality-report.js';
import { renderReportHtml } from './render-report-html.js';

// Parent rows 0..2, child rows 0..2. Real join: child i → parent i. Synthetic join: child 0,1,2 → parent 0,1,0.
const parentColumns: ReportColumn[] = [
  { name: 'age', type: 'numeric', real: [10, 20, 30], synthetic: [10, 20, 30] },
  { name: 'tier', type: 'categorical', real: ['a', 'b', 'b'], synthetic: ['a', 'b', 'b'] },
  { name: 'title', type: 'text', real: ['t1', 't2', 't3'], synthetic: ['s1', 's2', 's3'] },
];
const childColumns: ReportColumn[] = [
  { name: 'amount', type: 'numeric', real: [1, 2, 3], synthetic: [1, 2, 3] },
  { name: 'kind', type: 'categorical', real: ['x', 'y', 'y'], synthetic: ['x', 'y', 'y'] },
];
const join = {
  name: 'child_parent_fk',
  child: 'public.child',
  parent: 'public.parent',
  parentColumns,
  childColumns,
  real: { childRows: [0, 1, 2], parentRows: [0, 1, 2] },
  synthetic: { childRows: Int32Array.from([0, 1, 2]), parentRows: Int32Array.from([0, 1, 0]) },
};

describe('Intertable Trends (hand-computed)', () => {
  it('scores every parent × child column pair over the join with the column pair metrics', () => {
    const report = intertableTrends(join);
    expect(report).toMatchObject({ realRows: 3, syntheticRows: 3 });
    // Text columns are left out, as within a table: 2 parent × 2 child columns.
    expect(report.pairs.map((p) => p.columns)).toEqual([
      ['age', 'amount'],
      ['age', 'kind'],
      ['tier', 'amount'],
      ['tier', 'kind'],
    ]);
    const [ageAmount, ageKind, tierAmount, tierKind] = report.pairs;
    // Real (10,1) (20,2) (30,3): r = 1. Synthetic (10,1) (20,2) (10,3): cov = (−10/3)(−1) + 0 + (−10/3)(1) = 0, r = 0.
    expect(ageAmount).toMatchObject({ metric: 'correlation_similarity', meetsThreshold: true });
    expect(ageAmount?.realAssociation).toBeCloseTo(1, 12);
    expect(ageAmount?.score).toBeCloseTo(1 - Math.abs(1 - 0) / 2, 12);
    // Ages binned over each join's own range: real 10,20,30 → 1,6,11; synthetic 10,20,10 → 1,11,1.
    // Real cells (1,x) (6,y) (11,y), synthetic (1,x) (11,y) (1,y): TV = (1/3 + 1/3) / 2 → 2/3. V(real) = 1.
    expect(ageKind).toMatchObject({ metric: 'contingency_similarity', meetsThreshold: true });
    expect(ageKind?.realAssociation).toBeCloseTo(1, 12);
    expect(ageKind?.score).toBeCloseTo(2 / 3, 12);
    // Real (a,1) (b,6) (b,11), synthetic (a,1) (b,6) (a,11): TV = 1/3 → 2/3; χ² = 3, V = √(3 / 3) = 1.
    expect(tierAmount?.realAssociation).toBeCloseTo(1, 12);
    expect(tierAmount?.score).toBeCloseTo(2 / 3, 12);
    // Real (a,x) 1/3 (b,y) 2/3, synthetic (a,x) (b,y) (a,y) 1/3 each: TV = 1/3 → 2/3.
    expect(tierKind?.score).toBeCloseTo(2 / 3, 12);
    expect(report.score).toBeCloseTo((0.5 + 3 * (2 / 3)) / 4, 12);
    expect(report.scoreAllPairs).toBeCloseTo((0.5 + 3 * (2 / 3)) / 4, 12);
  });

  it('scores an empty join as nothing (no pairs, null scores)', () => {
    const report = intertableTrends({ ...join, synthetic: { childRows: [], parentRows: [] } });
    expect(report.pairs).toEqual([]);
    expect(report.score).toBeNull();
    expect(report.scoreAllPairs).toBeNull();
  });

  it('counts in the overall score as a property, over real-trend pairs and over all pairs', () => {
    const report = buildQualityReport(
      [
        {
          table: 'public.parent',
          columns: [
            { name: 'p', type: 'categorical', real: ['a', 'a', 'b', 'b'], synthetic: ['a', 'a', 'b', 'b'] },
          ],
        },
      ],
      [
        {
          name: 'fk',
          child: 'public.child',
          parent: 'public.parent',
          realCounts: [1, 1],
          syntheticCounts: [1, 1],
        },
      ],
      [
        {
          name: 'fk',
          child: 'public.child',
          parent: 'public.parent',
          parentColumns: [
            { name: 'p', type: 'categorical', real: ['a', 'a', 'b', 'b'], synthetic: ['a', 'a', 'b', 'b'] },
          ],
          childColumns: [
            // Independent of p in the real data (V = 0): no real trend. Synthetic all x: TV = (4 × .25) / 2 = .5.
            { name: 'c', type: 'categorical', real: ['x', 'y', 'x', 'y'], synthetic: ['x', 'x', 'x', 'x'] },
            // Determined by p (V = 1): a real trend, reproduced exactly (score 1).
            { name: 'd', type: 'categorical', real: ['x', 'x', 'y', 'y'], synthetic: ['x', 'x', 'y', 'y'] },
          ],
          real: { childRows: [0, 1, 2, 3], parentRows: [0, 1, 2, 3] },
          synthetic: { childRows: [0, 1, 2, 3], parentRows: [0, 1, 2, 3] },
        },
      ],
    );
    const [pc, pd] = report.intertable[0]?.pairs ?? [];
    expect(pc).toMatchObject({ columns: ['p', 'c'], meetsThreshold: false });
    expect(pc?.realAssociation).toBeCloseTo(0, 12);
    expect(pc?.score).toBeCloseTo(0.5, 12);
    expect(pd).toMatchObject({ columns: ['p', 'd'], meetsThreshold: true, score: 1 });
    expect(report.intertableTrends).toBe(1);
    expect(report.intertableTrendsAllPairs).toBeCloseTo(0.75, 12);
    // Properties: column shapes 1, column pair trends none (one column), cardinality 1, intertable trends.
    expect(report.columnPairTrends).toBeNull();
    expect(report.overall).toBeCloseTo((1 + 1 + 1) / 3, 12);
    expect(report.overallAllPairs).toBeCloseTo((1 + 1 + 0.75) / 3, 12);
    const html = renderReportHtml(report);
    expect(html).toContain('<td id="intertable-trends">1.000</td>');
    expect(html).toContain('<td id="intertable-trends-all-pairs">0.750</td>');
    expect(html).toContain('public.parent.p × public.child.d');
    expect(html).toContain(`<td id="overall-score">${(report.overall ?? 0).toFixed(3)}</td>`);
  });
});

describe('bookkeeping columns', () => {
  const DAY_US = 86_400_000_000;
  const t0 = 1_660_000_000_000_000;

  it('are dates and times named like housekeeping stamps, or with every real value in one load window', () => {
    for (const name of [
      'last_update',
      'LastUpdated',
      'updated_at',
      'created_at',
      'modified',
      'modified_by_job_at',
    ])
      expect(bookkeepingReason(name, 'timestamptz', [t0, t0 + 400 * DAY_US])).toBe('bookkeeping_name');
    expect(bookkeepingReason('rental_date', 'timestamptz', [t0, t0 + 3_600_000_000, null])).toBe(
      'load_window',
    );
    expect(bookkeepingReason('create_date', 'date', [19_000, 19_500])).toBe('bookkeeping_name');
    expect(bookkeepingReason('signup_date', 'date', [19_000, 19_000, 19_000])).toBe('load_window');
    // Spread over more than a day: data.
    expect(bookkeepingReason('rental_date', 'timestamptz', [t0, t0 + 2 * DAY_US])).toBeNull();
    expect(bookkeepingReason('birth_date', 'date', [19_000, 19_001])).toBeNull();
    // Not a date or time, or a single value: never bookkeeping.
    expect(bookkeepingReason('last_update', 'integer', [1, 1])).toBeNull();
    expect(bookkeepingReason('shipped_on', 'date', [19_000])).toBeNull();
  });

  const stamp = (bookkeeping: boolean): ReportColumn => ({
    name: 'last_update',
    type: 'numeric',
    real: [1, 1, 1],
    synthetic: [1, 1, 1],
    ...(bookkeeping ? { bookkeeping: 'bookkeeping_name' as const } : {}),
  });
  const withStamps = {
    ...join,
    parentColumns: [...parentColumns, stamp(true)],
    childColumns: [...childColumns, { ...stamp(true), bookkeeping: 'load_window' as const }],
  };

  it('are left out of Intertable Trends by default, listed with their reason, and scored when asked', () => {
    const report = intertableTrends(withStamps);
    expect(report.pairs.map((p) => p.columns)).toEqual(intertableTrends(join).pairs.map((p) => p.columns));
    expect(report.score).toBeCloseTo(intertableTrends(join).score ?? -1, 12);
    expect(report.excludedColumns).toEqual([
      { table: 'public.parent', column: 'last_update', reason: 'bookkeeping_name' },
      { table: 'public.child', column: 'last_update', reason: 'load_window' },
    ]);
    const included = intertableTrends(withStamps, { includeBookkeeping: true });
    expect(included.excludedColumns).toEqual([]);
    expect(included.pairs.map((p) => p.columns)).toContainEqual(['last_update', 'last_update']);
    expect(included.pairs).toHaveLength(9);
  });

  it('the report says which were left out and why, or that they are included', () => {
    const report = buildQualityReport([], [], [withStamps]);
    expect(report.bookkeeping).toEqual({
      included: false,
      excluded: [
        { table: 'public.child', column: 'last_update', reason: 'load_window' },
        { table: 'public.parent', column: 'last_update', reason: 'bookkeeping_name' },
      ],
    });
    const html = renderReportHtml(report);
    expect(html).toContain('<li>public.child.last_update: every real value in one load window</li>');
    expect(html).toContain('<li>public.parent.last_update: named like a housekeeping stamp</li>');
    const included = buildQualityReport([], [], [withStamps], 'report', { includeBookkeeping: true });
    expect(included.bookkeeping).toEqual({ included: true, excluded: [] });
    expect(renderReportHtml(included)).toContain('Bookkeeping columns (load and update stamps) are included');
  });
});
