/**
 * Quality metrics after SDMetrics' definitions (MIT, sdv-dev/SDMetrics), re-implemented. Every score is in
 * [0, 1], higher is better, and null when undefined (no values, a constant column).
 *
 * - KS complement (numeric, datetime): 1 − D, D = sup |F_real(x) − F_syn(x)| over non-null values.
 * - TV complement (categorical, boolean): 1 − ½ Σ_c |f_real(c) − f_syn(c)| over non-null values.
 * - Correlation similarity (numeric pair): 1 − |r_real − r_syn| / 2, Pearson r over rows where both are set.
 * - Contingency similarity (other pairs): 1 − ½ Σ_cells |p_real − p_syn| over the 2-D frequency table,
 *   NULL its own value, numerics cut into 10 equal-width bins between each dataset's own min and max
 *   (the maximum falls in an 11th bin, as numpy.digitize puts it).
 * - A pair has a real trend when |r_real| > 0.5 (numeric pair) or Cramér's V of the real table > 0.3,
 *   V = sqrt(χ² / (n · (min(rows, columns) − 1))), no continuity correction.
 */

/** Sums of float shares drift by a few ulps (nine disjoint categories: 1 − TV = −2.2e−16): keep scores in [0, 1]. */
const clampUnit = (x: number): number => Math.min(1, Math.max(0, x));

export function ksComplement(real: readonly number[], synthetic: readonly number[]): number | null {
  if (real.length === 0 || synthetic.length === 0) return null;
  const a = [...real].sort((x, y) => x - y);
  const b = [...synthetic].sort((x, y) => x - y);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const x = Math.min(a[i] as number, b[j] as number);
    while (i < a.length && (a[i] as number) <= x) i++;
    while (j < b.length && (b[j] as number) <= x) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  return 1 - d;
}

export function frequencies(values: readonly (string | null)[], keepNull: boolean): Map<string, number> {
  const counts = new Map<string, number>();
  let n = 0;
  for (const v of values) {
    if (v === null && !keepNull) continue;
    const key = v === null ? '\u0000null' : v;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    n++;
  }
  for (const [k, c] of counts) counts.set(k, c / n);
  return counts;
}

export function tvComplement(
  real: readonly (string | null)[],
  synthetic: readonly (string | null)[],
): number | null {
  const r = frequencies(real, false);
  const s = frequencies(synthetic, false);
  if (r.size === 0 || s.size === 0) return null;
  return clampUnit(1 - totalVariation(r, s));
}

function totalVariation(r: ReadonlyMap<string, number>, s: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const key of new Set([...r.keys(), ...s.keys()]))
    sum += Math.abs((r.get(key) ?? 0) - (s.get(key) ?? 0));
  return sum / 2;
}

export function pearson(x: readonly (number | null)[], y: readonly (number | null)[]): number | null {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const b = y[i];
    if (a === null || b === null || a === undefined || b === undefined) continue;
    n++;
    sx += a;
    sy += b;
  }
  if (n < 2) return null;
  const mx = sx / n;
  const my = sy / n;
  let cov = 0;
  let vx = 0;
  let vy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i];
    const b = y[i];
    if (a === null || b === null || a === undefined || b === undefined) continue;
    cov += (a - mx) * (b - my);
    vx += (a - mx) ** 2;
    vy += (b - my) ** 2;
  }
  if (vx === 0 || vy === 0) return null;
  return Math.min(1, Math.max(-1, cov / Math.sqrt(vx * vy)));
}

export function correlationSimilarity(realR: number | null, syntheticR: number | null): number | null {
  if (realR === null || syntheticR === null) return null;
  return clampUnit(1 - Math.abs(realR - syntheticR) / 2);
}

/** 10 equal-width bins between the values' own min and max: 1..10, the maximum (and NULL) in 11. */
export function equalWidthBins(values: readonly (number | null)[]): (string | null)[] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v === null) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Infinity) return values.map(() => '11');
  if (min === max) {
    // numpy widens a constant range to [v − 0.5, v + 0.5]: the value lands in bin 6.
    return values.map((v) => (v === null ? '11' : '6'));
  }
  const width = (max - min) / 10;
  return values.map((v) => {
    if (v === null || v >= max) return '11';
    return String(Math.min(10, Math.floor((v - min) / width) + 1));
  });
}

export function contingencySimilarity(
  realA: readonly (string | null)[],
  realB: readonly (string | null)[],
  synA: readonly (string | null)[],
  synB: readonly (string | null)[],
): number | null {
  const joint = (a: readonly (string | null)[], b: readonly (string | null)[]): Map<string, number> =>
    frequencies(
      a.map((v, i) => `${v ?? '\u0000null'}\u0001${b[i] ?? '\u0000null'}`),
      true,
    );
  if (realA.length === 0 || synA.length === 0) return null;
  return clampUnit(1 - totalVariation(joint(realA, realB), joint(synA, synB)));
}

export function cramersV(a: readonly (string | null)[], b: readonly (string | null)[]): number | null {
  const rows = new Map<string, number>();
  const cols = new Map<string, number>();
  const cells = new Map<string, number>();
  const n = a.length;
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? '\u0000null';
    const y = b[i] ?? '\u0000null';
    rows.set(x, (rows.get(x) ?? 0) + 1);
    cols.set(y, (cols.get(y) ?? 0) + 1);
    const key = `${x}\u0001${y}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
  }
  const k = Math.min(rows.size, cols.size);
  if (n === 0 || k < 2) return null;
  let chi2 = 0;
  for (const [x, rx] of rows) {
    for (const [y, cy] of cols) {
      const expected = (rx * cy) / n;
      const observed = cells.get(`${x}\u0001${y}`) ?? 0;
      chi2 += (observed - expected) ** 2 / expected;
    }
  }
  return Math.sqrt(chi2 / (n * (k - 1)));
}

/**
 * Text shape of a column whose values are (nearly) all distinct, where comparing values says nothing: the
 * mean of the KS complements of the values' character lengths and word counts (words split on spaces).
 * NULLs are ignored. Decision documented in the README: such columns are scored on shape, not skipped
 * and not counted as category mismatches.
 */
export function textShape(
  real: readonly (string | null)[],
  synthetic: readonly (string | null)[],
): number | null {
  const lengths = (values: readonly (string | null)[]): number[] =>
    values.flatMap((v) => (v === null ? [] : [v.length]));
  const words = (values: readonly (string | null)[]): number[] =>
    values.flatMap((v) => (v === null ? [] : [v === '' ? 0 : v.split(' ').length]));
  const a = ksComplement(lengths(real), lengths(synthetic));
  const b = ksComplement(words(real), words(synthetic));
  return a === null || b === null ? null : (a + b) / 2;
}
