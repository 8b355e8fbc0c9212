import type { RowBatch } from '../core/index.js';
import { SideFigures } from './column-figures.js';
import { forEachJsonString } from './json-leaves.js';
import { foldValue, type LeakIndex, type LeakKind } from './leak-index.js';
import { indexByShape, indexTextTokens, KIND_BIT, probeText } from './text-probes.js';
import type { ColumnRole, JsonLeafRoles, VerifiedColumn, VerifiedTable } from './verification-plan.js';

/** Leaked values found in one column (or JSON path) of the target: a count, never the values. */
export interface LeakCount {
  readonly table: string;
  readonly column: string;
  /** The JSON leaf path, or null for the column's own values. */
  readonly path: string | null;
  readonly kind: LeakKind;
  /** Cells (or JSON leaves, or rows for a first + last name pair) holding at least one such value. */
  readonly count: number;
}

/** Whether the column gets utility figures (and which): substituted and generalized columns. */
function figuresFor(column: VerifiedColumn): SideFigures | null {
  if (column.action.kind === 'substitute') return new SideFigures(false);
  if (column.action.kind === 'generalize') return new SideFigures(true);
  return new SideFigures(false);
}

/** Builds the leak index from one table's source rows (the plan's `sourceColumns`, in order). */
export class SourceTableIndexer {
  readonly figures: (SideFigures | null)[];
  rows = 0;

  constructor(
    private readonly table: VerifiedTable,
    private readonly index: LeakIndex,
  ) {
    this.figures = table.sourceColumns.map(figuresFor);
  }

  addBatch(batch: RowBatch): void {
    const columns = this.table.sourceColumns;
    const pair = this.table.sourcePair;
    for (const row of batch) {
      this.rows++;
      for (let i = 0; i < columns.length; i++) {
        const column = columns[i] as VerifiedColumn;
        const value = row[i] ?? null;
        this.figures[i]?.add(value, column.role === 'email');
        if (value === null || value === '') continue;
        indexValue(this.index, column.role, value, column.json);
      }
      if (pair !== null) {
        const first = row[pair[0]];
        const last = row[pair[1]];
        if (first != null && last != null && first !== '' && last !== '') {
          this.index.addName(`${first} ${last}`);
        }
      }
    }
  }
}

function indexValue(index: LeakIndex, role: ColumnRole, value: string, json?: JsonLeafRoles): void {
  switch (role) {
    case 'email':
      index.addEmail(value);
      return;
    case 'phone':
      index.addPhone(value);
      return;
    case 'full_name':
      index.addName(value);
      return;
    case 'identifier':
      index.addIdentifier(value);
      return;
    case 'text':
      indexTextTokens(index, value);
      return;
    case 'shape':
      indexByShape(index, value);
      return;
    case 'json':
      if (json === undefined) return;
      forEachJsonString(value, (path, leaf) => {
        const leafRole = json.paths.has(path) ? json.paths.get(path) : json.other;
        if (leafRole !== null && leafRole !== undefined && leafRole !== 'json' && leaf !== '') {
          indexValue(index, leafRole, leaf);
        }
      });
      return;
    default:
      // first_name, last_name: only as a pair; quiet kinds: never.
      return;
  }
}

/** Searches one table's target rows (the plan's `targetColumns`, in order) for indexed values. */
export class TargetTableScanner {
  readonly figures: (SideFigures | null)[];
  rows = 0;
  lookups = 0;
  readonly #counts = new Map<
    string,
    { column: string; path: string | null; kind: LeakKind; count: number }
  >();

  constructor(
    private readonly table: VerifiedTable,
    private readonly index: LeakIndex,
  ) {
    this.figures = table.targetColumns.map(figuresFor);
  }

  scanBatch(batch: RowBatch): void {
    const columns = this.table.targetColumns;
    const pair = this.table.targetPair;
    for (const row of batch) {
      this.rows++;
      for (let i = 0; i < columns.length; i++) {
        const column = columns[i] as VerifiedColumn;
        const value = row[i] ?? null;
        this.figures[i]?.add(value, column.role === 'email');
        if (value === null || value === '') continue;
        if (column.role === 'json') {
          const json = column.json;
          forEachJsonString(value, (path, leaf) => {
            const leafRole = json?.paths.has(path) === true ? json.paths.get(path) : (json?.other ?? 'text');
            // Kept leaves are still searched like text: a real email pasted under a kept key is a leak.
            this.#record(column.name, path, this.#check(leafRole ?? 'text', leaf));
          });
        } else {
          this.#record(column.name, null, this.#check(column.role, value));
        }
      }
      if (pair !== null) {
        const first = row[pair[0]];
        const last = row[pair[1]];
        if (first != null && last != null && first !== '' && last !== '') {
          this.lookups++;
          if (this.index.hasFoldedName(foldValue(`${first} ${last}`))) {
            const names = `${columns[pair[0]]?.name ?? ''}+${columns[pair[1]]?.name ?? ''}`;
            this.#record(names, null, KIND_BIT.name);
          }
        }
      }
    }
  }

  #check(role: ColumnRole, value: string): number {
    this.lookups++;
    switch (role) {
      case 'email':
        return this.index.hasEmail(value) ? KIND_BIT.email : 0;
      case 'phone':
        return this.index.hasPhone(value) ? KIND_BIT.phone : 0;
      case 'full_name':
        return this.index.hasFoldedName(foldValue(value)) ? KIND_BIT.name : probeText(this.index, value);
      case 'identifier':
        return this.index.hasFoldedIdentifier(foldValue(value))
          ? KIND_BIT.identifier
          : probeText(this.index, value);
      default:
        return probeText(this.index, value);
    }
  }

  #record(column: string, path: string | null, bits: number): void {
    if (bits === 0) return;
    for (const kind of Object.keys(KIND_BIT) as LeakKind[]) {
      if ((bits & KIND_BIT[kind]) === 0) continue;
      const key = `${column}\u0000${path ?? ''}\u0000${kind}`;
      const entry = this.#counts.get(key);
      if (entry !== undefined) entry.count++;
      else this.#counts.set(key, { column, path, kind, count: 1 });
    }
  }

  leaks(): LeakCount[] {
    return [...this.#counts.values()].map((c) => ({ table: this.table.name, ...c }));
  }
}
