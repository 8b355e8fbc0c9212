import type { UtilityFigure } from './column-figures.js';
import type { IntegrityCheck } from './integrity-checks.js';
import { describeKAnonymity, kAnonymityFailures, type KAnonymityFigure } from './k-anonymity.js';
import type { LeakIndexStats } from './leak-index.js';
import type { LeakCount } from './table-scanners.js';

/**
 * What verification found: leak counts per column and JSON path, integrity checks, utility figures.
 * Names, counts and rates only — never a value. `clean` is the only passing status; a leak wins over an
 * integrity failure, which wins over an enforced k not reached.
 */
export interface VerificationResult {
  readonly status: 'clean' | 'leak_found' | 'integrity_failed' | 'k_anonymity_failed';
  readonly leakScan: {
    /** Fingerprints of the source's identifying values (emails, phones, names, identifiers). */
    readonly indexedValues: number;
    /** Values not indexed because the index reached its size cap (a non-zero count weakens the scan). */
    readonly droppedValues: number;
    readonly indexBytes: number;
    /** Chance that one lookup reports an absent value as present (64-bit keyed fingerprints). */
    readonly falsePositiveRate: number;
    /** Passes over source and target, each holding one keyed share of the values (memory stays bounded). */
    readonly passes: number;
    readonly sourceColumns: number;
    readonly targetColumns: number;
    readonly targetRows: number;
    /**
     * Tables whose rows were searched in the data path as the snapshot wrote them (the source indexed
     * before the load), rather than read back afterwards. Absent when every table was read back.
     */
    readonly tablesScannedWhileWriting?: number;
    /**
     * The source side of the read-back was read ahead, while the target added its indexes and constraints
     * (see `seconds.sourceReadAhead`).
     */
    readonly sourceReadAhead?: true;
    readonly lookups: number;
    readonly totalLeaks: number;
    readonly leaks: readonly LeakCount[];
    /** Kept by the policy but personal by the scan: indexed and checked like substituted columns. */
    readonly keptPersonalColumns: readonly string[];
  };
  readonly integrity: { readonly passed: boolean; readonly checks: readonly IntegrityCheck[] };
  readonly utility: readonly UtilityFigure[];
  /**
   * Equivalence classes over each table's declared quasi-identifiers, target and source (absent from
   * manifests written before k-anonymity reports).
   */
  readonly kAnonymity?: readonly KAnonymityFigure[];
  readonly seconds: {
    /**
     * Reading the source's values into the leak index. When that read ran beside the post-data
     * (`sourceReadAhead`), only what the run waited for it afterwards.
     */
    readonly source: number;
    /** Reading back and searching what was not searched while written. */
    readonly target: number;
    readonly integrity: number;
    /**
     * Searching rows as the load wrote them, summed over the threads that did it (CPU seconds, not wall
     * time: with transform workers it overlaps the load). Absent when every table was read back.
     */
    readonly whileWriting?: number;
    /** The whole source read when it ran beside the post-data (it overlapped it; see `source`). */
    readonly sourceReadAhead?: number;
    /** source + target + integrity + whileWriting. */
    readonly total: number;
  };
}

export function verificationStatus(
  leaks: readonly LeakCount[],
  checks: readonly IntegrityCheck[],
  kAnonymity: readonly KAnonymityFigure[] = [],
): VerificationResult['status'] {
  if (leaks.some((l) => l.count > 0)) return 'leak_found';
  if (checks.some((c) => c.status === 'failed')) return 'integrity_failed';
  if (kAnonymityFailures(kAnonymity).length > 0) return 'k_anonymity_failed';
  return 'clean';
}

export function leakStats(
  stats: LeakIndexStats,
): Pick<
  VerificationResult['leakScan'],
  'indexedValues' | 'droppedValues' | 'indexBytes' | 'falsePositiveRate'
> {
  return {
    indexedValues: stats.values,
    droppedValues: stats.dropped,
    indexBytes: stats.bytes,
    falsePositiveRate: stats.falsePositiveRate,
  };
}

/** One line per problem, for error details and terminals: names and counts. */
export function describeProblems(result: VerificationResult): string[] {
  const lines = result.leakScan.leaks.map(
    (l) =>
      `leak: ${l.table}.${l.column}${l.path === null ? '' : ` ${l.path}`}: ${l.count} real ${l.kind} value(s)`,
  );
  for (const check of result.integrity.checks) {
    if (check.status !== 'failed') continue;
    const what = [check.constraint, check.columns?.join(', ')].filter((x) => x !== undefined).join(' ');
    const counts =
      check.expected === undefined ? '' : `: expected ${check.expected}, found ${check.found ?? '?'}`;
    lines.push(`integrity: ${check.check} ${check.table}${what === '' ? '' : ` (${what})`}${counts}`);
  }
  for (const figure of kAnonymityFailures(result.kAnonymity ?? []))
    lines.push(`k-anonymity: ${describeKAnonymity(figure)}`);
  return lines;
}
