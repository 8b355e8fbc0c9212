import {
  qualifiedName,
  sameTable,
  type ActionSpec,
  type ColumnInfo,
  type DatabaseSchema,
  type LeafActionSpec,
  type TableInfo,
} from '../core/index.js';
import type { ClassifiedColumn, Detection, Evidence } from '../detection/index.js';
import { outputConstraints } from '../transform/index.js';
import { decisionOf } from './scan-source.js';

/**
 * Turns a scan into a policy: personal columns get their kind's action (adapted to the column's type),
 * prose gets `redact_text`, JSON documents are rewritten per personal path, confidently non-personal
 * columns are kept, foreign keys follow the key they reference, and undecided columns are left out so
 * that the plan stops on them (fail closed). The text is the policy file a data team reviews; running
 * without a policy parses this same text, so what is written is exactly what would run.
 */
export function draftPolicy(
  schema: DatabaseSchema,
  classified: readonly ClassifiedColumn[],
  detection: Detection,
  header: string,
): string {
  const decided = new Map<string, Decided>();
  for (const entry of classified) {
    const table = schema.tables.find((t) => sameTable(t.ref, entry.table));
    const column = table?.columns.find((c) => c.name === entry.column);
    if (table === undefined || column === undefined) continue;
    decided.set(key(qualifiedName(table.ref), column.name), decideColumn(entry, table, column, detection));
  }
  followForeignKeys(schema, decided);
  const lookups = lookupTables(schema, decided);

  const lines = [
    ...header.split('\n').map((l) => (l === '' ? '#' : `# ${l}`)),
    '',
    'version: 1',
    'strict: true',
    '',
    'tables:',
  ];
  const byTable = new Map<string, ClassifiedColumn[]>();
  for (const entry of classified) {
    const name = qualifiedName(entry.table);
    byTable.set(name, [...(byTable.get(name) ?? []), entry]);
  }
  for (const [table, entries] of byTable) {
    const lookup = lookups.get(table);
    lines.push(`  ${yamlKey(table)}:`);
    if (lookup !== undefined) lines.push(`    # ${lookup}`, '    synth: copy');
    lines.push('    columns:');
    for (const entry of entries) {
      const d = decided.get(key(table, entry.column));
      if (d === undefined) continue;
      for (const comment of d.comments) lines.push(`      # ${comment.replace(/\s+/g, ' ')}`);
      if (d.action === null) lines.push(`      # ${yamlKey(entry.column)}: ?   ← decide: keep, or an action`);
      else lines.push(...formatEntry(entry.column, d.action, d.reason));
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Tables at most this big (planner estimate) may be drafted as lookup tables. */
const LOOKUP_MAX_ROWS = 1000;

/**
 * Lookup tables drafted `synth: copy` (synthesis copies them as they are; snapshot ignores it), with the
 * comment saying why: plain tables of at most LOOKUP_MAX_ROWS rows by the planner's estimate (an
 * unanalysed table, estimated 0, is not drafted), every column kept (nothing personal; a country name is
 * then kept too), referenced by another table, and referencing only tables drafted so too.
 */
function lookupTables(schema: DatabaseSchema, decided: Map<string, Decided>): Map<string, string> {
  const referencedBy = new Map<string, Set<string>>();
  for (const table of schema.tables) {
    for (const c of table.constraints) {
      if (c.kind !== 'foreign_key' || c.references === null || sameTable(c.references.table, table.ref))
        continue;
      const parent = qualifiedName(c.references.table);
      referencedBy.set(parent, (referencedBy.get(parent) ?? new Set()).add(qualifiedName(table.ref)));
    }
  }
  const candidates = new Map<string, TableInfo>();
  for (const table of schema.tables) {
    const name = qualifiedName(table.ref);
    if (table.kind !== 'table' || table.estimatedRows <= 0 || table.estimatedRows > LOOKUP_MAX_ROWS) continue;
    if ((referencedBy.get(name)?.size ?? 0) === 0) continue;
    if (!table.columns.every((c) => keepable(decided.get(key(name, c.name))?.action))) continue;
    candidates.set(name, table);
  }
  // A table referencing one that is synthesized cannot be copied (its keys would point at new rows).
  for (let changed = true; changed;) {
    changed = false;
    for (const [name, table] of candidates) {
      const references = table.constraints.flatMap((c) =>
        c.kind === 'foreign_key' && c.references !== null ? [qualifiedName(c.references.table)] : [],
      );
      if (references.every((r) => r === name || candidates.has(r))) continue;
      candidates.delete(name);
      changed = true;
    }
  }
  const out = new Map<string, string>();
  for (const [name, table] of candidates) {
    for (const column of table.columns) {
      const current = decided.get(key(name, column.name));
      if (current === undefined || current.action?.kind === 'keep') continue;
      decided.set(key(name, column.name), {
        action: { kind: 'keep' },
        reason: 'lookup table: a country name alone identifies nobody',
        comments: [...current.comments, 'kept: synth: copy needs every column kept'],
      });
    }
    const by = [...(referencedBy.get(name) ?? [])].sort();
    out.set(
      name,
      `lookup table (about ${table.estimatedRows} rows, nothing personal, referenced by ${by.slice(0, 3).join(', ')}${by.length > 3 ? ', …' : ''}): synthesis copies it as it is; snapshot ignores synth`,
    );
  }
  return out;
}

/**
 * Whether a column may be kept in a lookup table: kept already, or a country name (a country alone
 * identifies nobody; substitution keeps the countries it knows too).
 */
function keepable(action: ActionSpec | null | undefined): boolean {
  return action?.kind === 'keep' || (action?.kind === 'substitute' && action.entity === 'country');
}

interface Decided {
  readonly action: ActionSpec | null;
  readonly reason: string;
  readonly comments: readonly string[];
}

function key(table: string, column: string): string {
  return `${table}\u0000${column}`;
}

function decideColumn(
  entry: ClassifiedColumn,
  table: TableInfo,
  column: ColumnInfo,
  detection: Detection,
): Decided {
  const c = entry.classification;
  const decision = decisionOf(c);
  const summary = `${c.category ?? decision.replace('_', ' ')} (confidence ${c.confidence.toFixed(2)})`;
  const comments = [summary + evidenceText(c.evidence)];
  const unique = table.uniqueColumnSets.some((set) => set.includes(column.name));
  if (column.isGenerated) return { action: { kind: 'keep' }, reason: 'generated by the target', comments };

  if (column.category === 'json' && c.jsonPaths !== undefined && c.jsonPaths.length > 0) {
    const paths: Record<string, LeafActionSpec> = {};
    for (const p of c.jsonPaths) {
      const d = decisionOf(p);
      if (d !== 'personal' || p.category === null) continue;
      const leaf = leafAction(detection.entityAction(p.category));
      if (leaf !== null) paths[p.path] = leaf;
      comments.push(
        `${p.path}: ${p.category} (confidence ${p.confidence.toFixed(2)})${evidenceText(p.evidence)}`,
      );
    }
    const action: ActionSpec = { kind: 'json', paths, other: 'redact_text' };
    return { action, reason: 'scan: JSON leaves substituted by path, other text leaves redacted', comments };
  }
  if (decision === 'personal' && c.category !== null) {
    const action = fittingAction(detection.entityAction(c.category), column, unique);
    return action === null
      ? { action: null, reason: '', comments: [...comments, 'no action of this kind fits the column type'] }
      : { action, reason: `scan: ${c.category}`, comments };
  }
  if (decision === 'prose') {
    const action: ActionSpec = { kind: 'redact_text' };
    return outputConstraints(action, column, unique).fits
      ? { action, reason: 'scan: free text, personal spans replaced', comments }
      : { action: null, reason: '', comments };
  }
  if (decision === 'not_personal')
    return { action: { kind: 'keep' }, reason: 'scan: not personal', comments };
  return { action: null, reason: '', comments };
}

/** The kind's action if it fits the column, else the closest one that does (never keep). */
function fittingAction(preferred: ActionSpec, column: ColumnInfo, unique: boolean): ActionSpec | null {
  const candidates: ActionSpec[] = [
    preferred,
    { kind: 'substitute', entity: 'number' },
    { kind: 'shift_date', max_days: 365 },
    { kind: 'hash' },
    { kind: 'nullify' },
  ];
  return candidates.find((a) => outputConstraints(a, column, unique).fits) ?? null;
}

function leafAction(action: ActionSpec): LeafActionSpec | null {
  switch (action.kind) {
    case 'keep':
    case 'substitute':
    case 'mask':
    case 'hash':
    case 'nullify':
    case 'generalize':
    case 'redact_text':
      return action;
    case 'shift_date':
    case 'encrypt':
    case 'drop':
    case 'json':
      return { kind: 'nullify' };
  }
}

/** A referencing column takes the referenced column's action, so joins keep matching. */
function followForeignKeys(schema: DatabaseSchema, decided: Map<string, Decided>): void {
  for (const table of schema.tables) {
    for (const constraint of table.constraints) {
      if (constraint.kind !== 'foreign_key' || constraint.references === null) continue;
      const target = qualifiedName(constraint.references.table);
      constraint.columns.forEach((columnName, i) => {
        const referenced = decided.get(key(target, constraint.references?.columns[i] ?? ''));
        const own = key(qualifiedName(table.ref), columnName);
        const current = decided.get(own);
        if (referenced?.action == null || current === undefined) return;
        if (referenced.action.kind === current.action?.kind && referenced.action.kind === 'keep') return;
        decided.set(own, {
          action: referenced.action,
          reason: `follows ${target}.${constraint.references?.columns[i] ?? ''} (foreign key ${constraint.name})`,
          comments: [
            ...current.comments,
            `foreign key ${constraint.name}: same action as the key it references`,
          ],
        });
      });
    }
  }
}

function evidenceText(evidence: readonly Evidence[]): string {
  const parts = evidence
    .filter((e) => e.weight !== 0)
    .slice(0, 4)
    .map((e) => e.detail);
  return parts.length === 0 ? '' : `: ${parts.join('; ')}`;
}

function formatEntry(column: string, action: ActionSpec, reason: string): string[] {
  const name = yamlKey(column);
  if (action.kind !== 'json') return [`      ${name}: ${flowAction(action, reason)}`];
  const lines = [`      ${name}:`, '        action: json'];
  const paths = Object.entries(action.paths);
  if (paths.length > 0) {
    lines.push('        paths:');
    for (const [path, leaf] of paths)
      lines.push(`          ${yamlKey(path)}: ${flowAction(leaf, undefined)}`);
  }
  lines.push(`        other: ${action.other}`, `        reason: ${JSON.stringify(reason)}`);
  return lines;
}

function flowAction(action: ActionSpec, reason: string | undefined): string {
  const fields = Object.entries(action)
    .filter(([k, v]) => k !== 'kind' && v !== undefined)
    .map(([k, v]) => `${k}: ${yamlScalar(v)}`);
  const all = [
    `action: ${action.kind}`,
    ...fields,
    ...(reason === undefined ? [] : [`reason: ${JSON.stringify(reason)}`]),
  ];
  return `{ ${all.join(', ')} }`;
}

function yamlScalar(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = String(value);
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(text) ? text : JSON.stringify(text);
}

function yamlKey(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) ? name : JSON.stringify(name);
}
