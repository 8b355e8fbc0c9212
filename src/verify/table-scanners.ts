import type { RowBatch } from '../core/index.js';
import { SideFigures, type SideFiguresState } from './column-figures.js';
import { forEachJsonString } from './json-leaves.js';
import { foldValue, LeakIndex, type LeakKind } from './leak-index.js';
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

let released: LeakIndex | undefined;

/** What a reader or scanner holds once it let go of its index: an empty one, never searched. */
function releasedIndex(): LeakIndex {
  released ??= new LeakIndex({ initialSlots: 1024, maxSlots: 1024 });
  return released;
}

/** Builds the leak index from one table's source rows (the plan's `sourceColumns`, in order). */
export class SourceTableIndexer {
  readonly figures: (SideFigures | null)[];
  rows = 0;

  #index: LeakIndex;
  #released = false;

  constructor(
    private readonly table: VerifiedTable,
    index: LeakIndex,
  ) {
    this.figures = table.sourceColumns.map(figuresFor);
    this.#index = index;
  }

  /** Lets go of the index (its rows and figures stay): a kept reader must not keep a pass's index alive. */
  release(): void {
    this.#released = true;
    this.#index = releasedIndex();
  }

  /** Rows hold `sourceColumns` in order, or, with `positions`, source column i at `row[positions[i]]`. */
  addBatch(batch: RowBatch, positions?: readonly number[]): void {
    if (this.#released) throw new Error('this reader has let go of its index');
    const index = this.#index;
    const columns = this.table.sourceColumns;
    const at = positions ?? columns.map((_, i) => i);
    const pair = this.table.sourcePair;
    for (const row of batch) {
      this.rows++;
      for (let i = 0; i < columns.length; i++) {
        const column = columns[i] as VerifiedColumn;
        const value = row[at[i] as number] ?? null;
        this.figures[i]?.add(value, column.role === 'email');
        if (value === null || value === '') continue;
        indexValue(index, column.role, value, column.json);
      }
      if (pair !== null) {
        const first = row[at[pair[0]] as number];
        const last = row[at[pair[1]] as number];
        if (first != null && last != null && first !== '' && last !== '') {
          index.addName(`${first} ${last}`);
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
    case 'encrypted':
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

/** Distinct values a column's probe memo holds; past it, values are probed without being remembered. */
const MEMO_ENTRIES = 8192;
/** Longer values (prose) are almost never repeated: they are probed, not remembered. */
const MEMO_MAX_LENGTH = 256;
/** Lookups after which a memo that answered fewer than one in MEMO_MIN_HIT_SHARE is dropped. */
const MEMO_TRIAL = 4096;
const MEMO_MIN_HIT_SHARE = 8;

/**
 * Remembers one column's probe results: what a value holds depends only on the value and the index, and
 * target columns repeat their values (kept statuses and cities, fakes drawn from word lists), so a repeated
 * value costs one map lookup instead of a probe. A column whose values do not repeat (emails, notes) drops
 * its memo after a trial.
 */
class ProbeMemo {
  readonly #results = new Map<string, number>();
  #lookups = 0;
  #hits = 0;
  active = true;

  get(value: string): number | undefined {
    if (value.length > MEMO_MAX_LENGTH) return undefined;
    this.#lookups++;
    const found = this.#results.get(value);
    if (found !== undefined) this.#hits++;
    if (this.#lookups === MEMO_TRIAL && this.#hits * MEMO_MIN_HIT_SHARE < this.#lookups) {
      this.active = false;
      this.#results.clear();
    }
    return found;
  }

  set(value: string, bits: number): void {
    if (value.length <= MEMO_MAX_LENGTH && this.#results.size < MEMO_ENTRIES) this.#results.set(value, bits);
  }
}

/** What a TargetTableScanner found, as plain data: counts, never values. */
export interface TargetScanState {
  readonly rows: number;
  readonly lookups: number;
  /** Milliseconds spent in scanBatch. */
  readonly ms: number;
  readonly counts: readonly { column: string; path: string | null; kind: LeakKind; count: number }[];
  readonly figures: readonly (SideFiguresState | null)[];
}

/**
 * Searches one table's target rows for indexed values. Rows hold the plan's `targetColumns` in order, or,
 * with `positions`, hold target column i at `row[positions[i]]` (rows as the load writes them).
 */
export class TargetTableScanner {
  readonly figures: (SideFigures | null)[];
  rows = 0;
  lookups = 0;
  /** Milliseconds spent in scanBatch (the leak scan's own cost, wherever it ran). */
  ms = 0;
  readonly #memos: (ProbeMemo | null)[];
  readonly #positions: readonly number[];
  readonly #counts = new Map<
    string,
    { column: string; path: string | null; kind: LeakKind; count: number }
  >();

  private index: LeakIndex;
  #released = false;

  constructor(
    private readonly table: VerifiedTable,
    index: LeakIndex,
    positions?: readonly number[],
  ) {
    this.index = index;
    this.figures = table.targetColumns.map(figuresFor);
    this.#positions = positions ?? table.targetColumns.map((_, i) => i);
    this.#memos = table.targetColumns.map((c) => (c.role === 'json' ? null : new ProbeMemo()));
  }

  /** Lets go of the index (its findings and figures stay): a kept scanner must not keep a pass's alive. */
  release(): void {
    this.#released = true;
    this.index = releasedIndex();
  }

  scanBatch(batch: RowBatch): void {
    if (this.#released) throw new Error('this scanner has let go of its index');
    const started = performance.now();
    this.#scan(batch);
    this.ms += performance.now() - started;
  }

  #scan(batch: RowBatch): void {
    const columns = this.table.targetColumns;
    const positions = this.#positions;
    const pair = this.table.targetPair;
    for (const row of batch) {
      this.rows++;
      for (let i = 0; i < columns.length; i++) {
        const column = columns[i] as VerifiedColumn;
        const value = row[positions[i] as number] ?? null;
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
          this.#record(column.name, null, this.#checkRemembered(i, column.role, value));
        }
      }
      if (pair !== null) {
        const first = row[positions[pair[0]] as number];
        const last = row[positions[pair[1]] as number];
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

  #checkRemembered(column: number, role: ColumnRole, value: string): number {
    const memo = this.#memos[column];
    if (memo === null || memo === undefined || !memo.active) return this.#check(role, value);
    const known = memo.get(value);
    if (known !== undefined) {
      this.lookups++;
      return known;
    }
    const bits = this.#check(role, value);
    memo.set(value, bits);
    return bits;
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
      case 'encrypted':
        // Ciphertexts of this column's own values: not looked up (see roleOfAction); other columns' target
        // values are still searched for these real identifiers.
        return 0;
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

  state(): TargetScanState {
    return {
      rows: this.rows,
      lookups: this.lookups,
      ms: this.ms,
      counts: [...this.#counts.values()].map((c) => ({ ...c })),
      figures: this.figures.map((f) => f?.state() ?? null),
    };
  }

  /** Adds another scanner's findings over other rows of the same table (e.g. a worker thread's). */
  absorb(other: TargetScanState): void {
    this.rows += other.rows;
    this.lookups += other.lookups;
    this.ms += other.ms;
    for (const entry of other.counts) {
      const key = `${entry.column}\u0000${entry.path ?? ''}\u0000${entry.kind}`;
      const mine = this.#counts.get(key);
      if (mine !== undefined) mine.count += entry.count;
      else this.#counts.set(key, { ...entry });
    }
    other.figures.forEach((figures, i) => {
      if (figures !== null) this.figures[i]?.absorb(figures);
    });
  }

  leaks(): LeakCount[] {
    return [...this.#counts.values()].map((c) => ({ table: this.table.name, ...c }));
  }
}
