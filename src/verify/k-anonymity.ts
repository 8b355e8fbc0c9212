import type { EquivalenceClassCounts } from '../core/index.js';
import type { KAnonymitySpec } from '../policy/index.js';

/**
 * One table's equivalence classes over its declared quasi-identifiers, on the target and on the source:
 * counts only, never a value. `reached` is null when the policy gives no k (figures only).
 */
export interface KAnonymityFigure {
  readonly table: string;
  readonly quasiIdentifiers: readonly string[];
  readonly k: number | null;
  readonly mode: KAnonymitySpec['mode'];
  readonly reached: boolean | null;
  readonly target: ClassFigures;
  /** The same columns over the source's rows (before any action), or null when the source cannot count. */
  readonly source: ClassFigures | null;
}

export interface ClassFigures {
  readonly rows: number;
  readonly classes: number;
  /** Rows in the smallest class: the k the rows reach (0 without rows). */
  readonly smallestClass: number;
  /** Classes, and the rows in them, smaller than k (0 without k). */
  readonly classesBelowK: number;
  readonly rowsBelowK: number;
}

export function kAnonymityFigure(
  table: string,
  spec: KAnonymitySpec,
  target: EquivalenceClassCounts,
  source: EquivalenceClassCounts | null,
): KAnonymityFigure {
  return {
    table,
    quasiIdentifiers: spec.quasiIdentifiers,
    k: spec.k,
    mode: spec.mode,
    // No rows, no one to single out: an empty table reaches any k.
    reached: spec.k === null ? null : target.rows === 0 || target.smallestClass >= spec.k,
    target: classFigures(target),
    source: source === null ? null : classFigures(source),
  };
}

function classFigures(counts: EquivalenceClassCounts): ClassFigures {
  return {
    rows: counts.rows,
    classes: counts.classes,
    smallestClass: counts.smallestClass,
    classesBelowK: counts.classesBelow,
    rowsBelowK: counts.rowsBelow,
  };
}

/** `public.patient (birth_date, zip): k=3 not reached: smallest class 1; 4 rows in 3 classes below 3`. */
export function describeKAnonymity(figure: KAnonymityFigure): string {
  const what = `${figure.table} (${figure.quasiIdentifiers.join(', ')})`;
  const t = figure.target;
  const classes = `${t.classes} class(es) over ${t.rows} row(s), smallest ${t.smallestClass}`;
  const source =
    figure.source === null
      ? ''
      : `; source: ${figure.source.classes} class(es), smallest ${figure.source.smallestClass}${figure.k === null ? '' : `, ${figure.source.rowsBelowK} row(s) below k`}`;
  if (figure.k === null) return `${what}: ${classes}${source}`;
  const verdict = figure.reached === true ? 'reached' : 'not reached';
  const below =
    figure.reached === true
      ? ''
      : `, ${t.rowsBelowK} row(s) in ${t.classesBelowK} class(es) below ${figure.k}`;
  return `${what}: k=${figure.k} ${verdict}: ${classes}${below}${source}`;
}

/** Enforced figures whose k is not reached: these fail the snapshot. */
export function kAnonymityFailures(figures: readonly KAnonymityFigure[]): KAnonymityFigure[] {
  return figures.filter((f) => f.reached === false && f.mode === 'enforce');
}

/** One summary line per table with quasi-identifiers; a reported-only miss is marked as a warning. */
export function kAnonymityLines(figures: readonly KAnonymityFigure[]): string[] {
  return figures.map(
    (f) =>
      `k-anonymity${f.reached === false && f.mode === 'report' ? ' (warning, report only)' : ''}: ${describeKAnonymity(f)}`,
  );
}
