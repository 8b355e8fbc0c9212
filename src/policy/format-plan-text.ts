import { qualifiedName } from '../core/index.js';
import { followedNames } from './followed-names.js';
import { formatAction } from './format-action.js';
import type { Plan } from './plan.js';

/** ` [follows first_name, last_name]`: an e-mail or username built from the row's fake names. */
function follows(names: readonly string[]): string {
  return names.length === 0 ? '' : ` [follows ${names.join(', ')}]`;
}

/**
 * The plan for people: one line per column — `schema.table.column  action(options)  ← rule  (reason)` —
 * aligned, grouped by table in load order, then the findings, errors first.
 */
export function formatPlanText(plan: Plan): string {
  const lines: string[] = [];
  const rows = plan.tables.flatMap((t) =>
    t.columns.map((c) => ({
      table: qualifiedName(t.table),
      name: `${qualifiedName(t.table)}.${c.name}`,
      action:
        formatAction(c.action) +
        (c.copied || c.action.kind === 'drop' ? '' : ' [not copied]') +
        follows(followedNames(t, c)) +
        (c.follows === undefined ? '' : ` [follows ${c.follows.column} (${c.follows.reference})]`),
      rule: c.rule,
      reason: c.reason,
    })),
  );
  const nameWidth = Math.max(0, ...rows.map((r) => r.name.length));
  const actionWidth = Math.max(0, ...rows.map((r) => r.action.length));

  for (const table of plan.tables) {
    const name = qualifiedName(table.table);
    const notes = [
      table.kind === 'table' ? null : table.kind,
      table.kind === 'partitioned'
        ? 'rows copied through its partitions'
        : table.copyRows
          ? null
          : 'no rows copied (skip)',
      table.where === null ? null : `where ${table.where}`,
      table.kAnonymity === undefined
        ? null
        : `quasi-identifiers ${table.kAnonymity.quasiIdentifiers.join(', ')}${table.kAnonymity.k === null ? ' (report)' : `: k=${table.kAnonymity.k} (${table.kAnonymity.mode})`}`,
    ].filter((n): n is string => n !== null);
    lines.push(notes.length === 0 ? name : `${name}  [${notes.join('; ')}]`);
    for (const r of rows.filter((row) => row.table === name)) {
      lines.push(
        `  ${r.name.padEnd(nameWidth)}  ${r.action.padEnd(actionWidth)}  ← ${r.rule}  (${r.reason})`,
      );
    }
  }
  if (plan.sequences.length > 0) lines.push('', `sequences: ${plan.sequences.map(qualifiedName).join(', ')}`);

  const findings = [...plan.findings].sort(
    (a, b) => Number(a.severity === 'warning') - Number(b.severity === 'warning'),
  );
  const errors = findings.filter((f) => f.severity === 'error').length;
  lines.push(
    '',
    `findings: ${errors} error${errors === 1 ? '' : 's'}, ${findings.length - errors} warning${findings.length - errors === 1 ? '' : 's'}`,
  );
  for (const f of findings) lines.push(`  ${f.severity.padEnd(7)}  ${f.code}  ${f.message}`);
  return `${lines.join('\n')}\n`;
}
