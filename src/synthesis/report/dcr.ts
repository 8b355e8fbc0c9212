/**
 * Distance to closest record, after SDMetrics' DCR distance: per column, numeric |x − y| / range of the
 * reference (capped at 1; a zero range counts inequality as 1), categorical 0 when equal else 1; NULL
 * against NULL is 0, NULL against a value is 1; the row distance is the mean over columns.
 */
export type DcrValue = number | string | null;

export interface DcrColumn {
  readonly numeric: boolean;
}

export function columnRanges(
  columns: readonly DcrColumn[],
  reference: readonly (readonly DcrValue[])[],
): number[] {
  return columns.map((c, j) => {
    if (!c.numeric) return 0;
    let min = Infinity;
    let max = -Infinity;
    for (const row of reference) {
      const v = row[j];
      if (typeof v !== 'number') continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return max > min ? max - min : 0;
  });
}

export function rowDistance(
  columns: readonly DcrColumn[],
  ranges: readonly number[],
  x: readonly DcrValue[],
  y: readonly DcrValue[],
): number {
  let sum = 0;
  for (let j = 0; j < columns.length; j++) {
    const a = x[j] ?? null;
    const b = y[j] ?? null;
    if (a === null || b === null) sum += a === b ? 0 : 1;
    else if (columns[j]?.numeric === true && typeof a === 'number' && typeof b === 'number') {
      const range = ranges[j] as number;
      sum += range === 0 ? (a === b ? 0 : 1) : Math.min(Math.abs(a - b) / range, 1);
    } else sum += a === b ? 0 : 1;
  }
  return columns.length === 0 ? 0 : sum / columns.length;
}

/** DCR of each row of `rows` to `reference` (brute force: callers bound both sizes). */
export function closestDistances(
  columns: readonly DcrColumn[],
  rows: readonly (readonly DcrValue[])[],
  reference: readonly (readonly DcrValue[])[],
  ranges: readonly number[] = columnRanges(columns, reference),
): number[] {
  return rows.map((row) => {
    let best = Infinity;
    for (const other of reference) {
      const d = rowDistance(columns, ranges, row, other);
      if (d < best) {
        best = d;
        if (d === 0) break;
      }
    }
    return best;
  });
}

/**
 * Closer-to-training share: of the synthetic rows, the share whose closest training row is closer than
 * their closest held-out row, ties counting half (MOSTLY AI's DCR share). 0.5 is ideal: the synthetic
 * rows are no closer to the rows they were fitted on than to real rows they never saw.
 */
export function closerToTrainingShare(
  toTraining: readonly number[],
  toHoldout: readonly number[],
): number | null {
  if (toTraining.length === 0) return null;
  let share = 0;
  toTraining.forEach((d, i) => {
    const h = toHoldout[i] as number;
    share += d < h ? 1 : d === h ? 0.5 : 0;
  });
  return share / toTraining.length;
}
