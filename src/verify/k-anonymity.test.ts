import { describe, expect, it } from 'vitest';
import { describeKAnonymity, kAnonymityFailures, kAnonymityFigure, kAnonymityLines } from './k-anonymity.js';
import { describeProblems, verificationStatus } from './verification-result.js';
import type { VerificationResult } from './verification-result.js';

const counts = (rows: number, classes: number, smallestClass: number, classesBelow = 0, rowsBelow = 0) => ({
  rows,
  classes,
  smallestClass,
  classesBelow,
  rowsBelow,
});

const spec = { quasiIdentifiers: ['birth_date', 'zip'], k: 3, mode: 'enforce' as const };

describe('k-anonymity figures', () => {
  it('reaches k when the smallest target class holds at least k rows; an empty table reaches any k', () => {
    expect(kAnonymityFigure('public.p', spec, counts(9, 3, 3), null).reached).toBe(true);
    expect(kAnonymityFigure('public.p', spec, counts(9, 4, 2, 1, 2), null).reached).toBe(false);
    expect(kAnonymityFigure('public.p', spec, counts(0, 0, 0), null).reached).toBe(true);
    expect(kAnonymityFigure('public.p', { ...spec, k: null }, counts(9, 9, 1), null).reached).toBeNull();
  });

  it('fails verification only when enforced; a report-only miss is a warning', () => {
    const enforced = kAnonymityFigure('public.p', spec, counts(9, 4, 2, 1, 2), counts(9, 9, 1, 9, 9));
    const reported = kAnonymityFigure('public.q', { ...spec, mode: 'report' }, counts(9, 4, 2, 1, 2), null);
    expect(verificationStatus([], [], [enforced])).toBe('k_anonymity_failed');
    expect(verificationStatus([], [], [reported])).toBe('clean');
    expect(
      verificationStatus([{ table: 't', column: 'c', path: null, kind: 'email', count: 1 }], [], [enforced]),
    ).toBe('leak_found');
    expect(kAnonymityFailures([enforced, reported])).toEqual([enforced]);
  });

  it('describes tables, columns and counts — never a value', () => {
    const figure = kAnonymityFigure('public.p', spec, counts(9, 4, 2, 1, 2), counts(9, 9, 1, 9, 9));
    expect(describeKAnonymity(figure)).toBe(
      'public.p (birth_date, zip): k=3 not reached: 4 class(es) over 9 row(s), smallest 2, 2 row(s) in 1 class(es) below 3; source: 9 class(es), smallest 1, 9 row(s) below k',
    );
    const result = { kAnonymity: [figure], leakScan: { leaks: [] }, integrity: { checks: [] } };
    expect(describeProblems(result as unknown as VerificationResult)).toEqual([
      `k-anonymity: ${describeKAnonymity(figure)}`,
    ]);
    const reported = { ...figure, mode: 'report' as const };
    expect(kAnonymityLines([reported])[0]).toMatch(/^k-anonymity \(warning, report only\): public\.p/);
  });
});
