import { qualifiedName, type SubsetClosure } from '../core/index.js';
import type { SubsetPolicy } from '../policy/index.js';
import { closureTotals, type FittedSubset, type SubsetAttempt } from './fit-subset-budget.js';

/**
 * The subset as `lookalike plan` shows it and the snapshot summary reports it: counts per table, which
 * relation pulled how many rows, what suppression removed, and how the budget was met. Names and counts only.
 */
export interface SubsetEstimate {
  readonly seed: string;
  readonly scale: number;
  readonly budget: {
    readonly maxRows: number | null;
    readonly maxBytes: number | null;
    readonly tolerance: number;
    readonly withinTolerance: boolean;
  } | null;
  readonly attempts: readonly SubsetAttempt[];
  readonly totalRows: number;
  readonly totalBytes: number;
  readonly rounds: number;
  readonly tables: readonly { readonly table: string; readonly rows: number; readonly bytes: number }[];
  readonly selected: readonly { readonly table: string; readonly rows: number }[];
  readonly pulls: readonly {
    readonly relation: string;
    readonly from: string;
    readonly to: string;
    readonly direction: 'up' | 'down';
    readonly rows: number;
  }[];
  readonly excluded: readonly {
    readonly table: string;
    readonly listed: number;
    readonly referencing: number;
  }[];
}

export function subsetEstimate(settings: SubsetPolicy, fitted: FittedSubset): SubsetEstimate {
  const closure: SubsetClosure = fitted.closure;
  const totals = closureTotals(closure);
  const hasBudget = settings.max_rows !== undefined || settings.max_bytes !== undefined;
  return {
    seed: settings.seed,
    scale: fitted.scale,
    budget: hasBudget
      ? {
          maxRows: settings.max_rows ?? null,
          maxBytes: settings.max_bytes ?? null,
          tolerance: settings.tolerance,
          withinTolerance: fitted.withinTolerance,
        }
      : null,
    attempts: fitted.attempts,
    totalRows: totals.rows,
    totalBytes: totals.bytes,
    rounds: closure.rounds,
    tables: closure.tables.map((t) => ({ table: qualifiedName(t.table), rows: t.rows, bytes: t.bytes })),
    selected: closure.selected.map((s) => ({ table: qualifiedName(s.table), rows: s.rows })),
    pulls: [...closure.pulls]
      .sort((a, b) => b.rows - a.rows)
      .map((p) => ({
        relation: p.relation,
        from: qualifiedName(p.from),
        to: qualifiedName(p.to),
        direction: p.direction,
        rows: p.rows,
      })),
    excluded: closure.excluded.map((e) => ({
      table: qualifiedName(e.table),
      listed: e.listed,
      referencing: e.referencing,
    })),
  };
}

const count = (n: number): string => n.toLocaleString('en-US');

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit] ?? ''}`;
}

/** The subset section of the plan text: totals, budget, selection, pulls, exclusions, tables. */
export function formatSubsetText(estimate: SubsetEstimate): string {
  const lines: string[] = [];
  const kept = estimate.tables.filter((t) => t.rows > 0).length;
  lines.push(
    `subset: ${count(estimate.totalRows)} rows, ${formatBytes(estimate.totalBytes)} of row data in ${kept} of ${estimate.tables.length} tables (seed "${estimate.seed}", closed in ${estimate.rounds} rounds)`,
  );
  const budget = estimate.budget;
  if (budget !== null) {
    const limits = [
      ...(budget.maxRows === null ? [] : [`${count(budget.maxRows)} rows`]),
      ...(budget.maxBytes === null ? [] : [formatBytes(budget.maxBytes)]),
    ].join(' and ');
    const verdict =
      estimate.scale === 1
        ? 'fits as asked'
        : budget.withinTolerance
          ? `targets scaled to ${(estimate.scale * 100).toPrecision(3)}%`
          : `targets scaled to ${(estimate.scale * 100).toPrecision(3)}%, short of the ${Math.round(budget.tolerance * 100)}% tolerance`;
    lines.push(
      `  budget ${limits} (tolerance ${Math.round(budget.tolerance * 100)}%): ${verdict} after ${estimate.attempts.length} closure(s)`,
    );
  }
  for (const s of estimate.selected) lines.push(`  selected ${count(s.rows)} rows of ${s.table}`);
  for (const p of estimate.pulls) {
    const how = p.direction === 'up' ? 'referenced by' : 'referencing';
    lines.push(`  ${p.from} pulled ${count(p.rows)} rows into ${p.to} (${how} its rows, ${p.relation})`);
  }
  for (const e of estimate.excluded) {
    lines.push(
      `  excluded from ${e.table}: ${count(e.listed)} suppressed or filtered rows, ${count(e.referencing)} rows referencing excluded rows`,
    );
  }
  const width = Math.max(0, ...estimate.tables.map((t) => t.table.length));
  for (const t of estimate.tables) {
    lines.push(
      `    ${t.table.padEnd(width)}  ${count(t.rows).padStart(10)} rows  ${formatBytes(t.bytes).padStart(9)}`,
    );
  }
  return lines.join('\n');
}
