import type { SeededRandom } from './seeded-random.js';
import type { ColumnCondition } from './resolve-scenario.js';
import type { ForeignKeyModel, TableModel } from './synthesis-model.js';

/** A referenced table as a child sees it: its rows so far and which honour a condition (by key). */
export interface ParentRows {
  readonly rows: number;
  matches(key: string): Uint8Array | undefined;
}

/** What a row's condition asks of its foreign keys (see `CompiledCondition` in sample-model). */
export interface ForeignKeyDemands {
  readonly foreignKeyNulls: ReadonlyMap<number, ColumnCondition>;
  readonly parents: readonly { readonly foreignKey: number; readonly key: string }[];
}

/**
 * Moves a conditioned row's references to parents that honour its condition (picked uniformly among
 * them), keeps unique foreign keys unique (a taken parent is swapped with an unconditioned holder), and
 * gives rows added after the planned ones their references.
 */
export class ParentPicker {
  readonly #fks: readonly ForeignKeyModel[];
  readonly #parents: readonly ParentRows[];
  readonly #assignments: readonly Int32Array[];
  readonly #planned: number;
  readonly #random: SeededRandom;
  readonly #satisfying = new Map<string, Int32Array>();
  /** Unique foreign keys: child row per taken parent row; rows pinned to a parent by their condition. */
  readonly #holders: (Map<number, number> | null)[];
  readonly #pinned: Set<number>[];

  constructor(
    parentOf: (fk: ForeignKeyModel) => ParentRows,
    table: TableModel,
    assignments: readonly Int32Array[],
    planned: number,
    random: SeededRandom,
  ) {
    this.#fks = table.foreignKeys;
    this.#parents = table.foreignKeys.map(parentOf);
    this.#assignments = assignments;
    this.#planned = planned;
    this.#random = random;
    this.#holders = table.foreignKeys.map((fk, f) => {
      if (!fk.unique) return null;
      const holders = new Map<number, number>();
      const list = assignments[f] as Int32Array;
      for (let i = 0; i < planned; i++) if ((list[i] as number) !== -1) holders.set(list[i] as number, i);
      return holders;
    });
    this.#pinned = table.foreignKeys.map(() => new Set<number>());
  }

  /** Parent rows honouring a condition (cached per foreign key and condition). */
  #honouring(f: number, key: string): Int32Array {
    const id = `${f}\u0000${key}`;
    let list = this.#satisfying.get(id);
    if (list === undefined) {
      const parent = this.#parents[f] as ParentRows;
      const matches = parent.matches(key);
      const rows: number[] = [];
      if (matches !== undefined) for (let j = 0; j < parent.rows; j++) if (matches[j] === 1) rows.push(j);
      list = Int32Array.from(rows);
      this.#satisfying.set(id, list);
    }
    return list;
  }

  #set(f: number, row: number, parent: number): void {
    const list = this.#assignments[f] as Int32Array;
    const holders = this.#holders[f];
    const previous = list[row] as number;
    if (holders != null) {
      if (previous !== -1 && holders.get(previous) === row) holders.delete(previous);
      if (parent !== -1) holders.set(parent, row);
    }
    list[row] = parent;
  }

  /** A free parent of a unique foreign key (from `candidates`, or any), or -1. */
  #free(f: number, candidates: ArrayLike<number> | null): number {
    const holders = this.#holders[f] as Map<number, number>;
    const count = candidates === null ? (this.#parents[f] as ParentRows).rows : candidates.length;
    const start = count === 0 ? 0 : this.#random.below(count);
    for (let step = 0; step < count; step++) {
      const j = candidates === null ? (start + step) % count : (candidates[(start + step) % count] as number);
      if (!holders.has(j)) return j;
    }
    return -1;
  }

  /** Applies a row's condition to its references; false when no parent can honour it. */
  place(row: number, demands: ForeignKeyDemands): boolean {
    for (const [f, wanted] of demands.foreignKeyNulls) {
      const current = this.#assignments[f]?.[row] ?? -1;
      if (wanted.onlyNull) this.#set(f, row, -1);
      else if (!wanted.allowsNull && current === -1) {
        const parent = this.#holders[f] != null ? this.#free(f, null) : this.#anyParent(f);
        if (parent === -1) return false;
        this.#set(f, row, parent);
      }
    }
    for (const { foreignKey: f, key } of demands.parents) {
      const honouring = this.#honouring(f, key);
      if (honouring.length === 0) return false;
      this.#pinned[f]?.add(row);
      const holders = this.#holders[f];
      if (holders == null) {
        this.#set(f, row, honouring[this.#random.below(honouring.length)] as number);
        continue;
      }
      const current = this.#assignments[f]?.[row] ?? -1;
      if (current !== -1 && (this.#parentHonours(f, key, current) ?? false)) continue;
      const free = this.#free(f, honouring);
      if (free !== -1) {
        this.#set(f, row, free);
        continue;
      }
      // Every honouring parent is taken: swap with a holder whose own condition does not need it.
      let swapped = false;
      for (let step = 0; step < honouring.length && !swapped; step++) {
        const j = honouring[step] as number;
        const holder = holders.get(j);
        if (holder === undefined || this.#pinned[f]?.has(holder) === true || current === -1) continue;
        this.#set(f, holder, current);
        this.#set(f, row, j);
        swapped = true;
      }
      if (!swapped) return false;
    }
    return true;
  }

  #parentHonours(f: number, key: string, parent: number): boolean | undefined {
    return (this.#parents[f] as ParentRows).matches(key)?.[parent] === 1;
  }

  #anyParent(f: number): number {
    const rows = (this.#parents[f] as ParentRows).rows;
    return rows === 0 ? -1 : this.#random.below(rows);
  }

  /** After a repeated unique key: the row's non-unique references move to other parents (honouring its condition). */
  repick(row: number, demands: ForeignKeyDemands | null): void {
    this.#fks.forEach((fk, f) => {
      const current = this.#assignments[f]?.[row] ?? -1;
      // A forest's parents are fixed (any other parent could close a cycle).
      if (fk.unique || current === -1 || fk.hierarchy !== undefined) return;
      const wanted = demands?.parents.find((p) => p.foreignKey === f);
      if (wanted !== undefined) {
        const honouring = this.#honouring(f, wanted.key);
        if (honouring.length > 0)
          this.#set(f, row, honouring[this.#random.below(honouring.length)] as number);
        return;
      }
      const parent = this.#anyParent(f);
      if (parent !== -1) this.#set(f, row, parent);
    });
  }

  /**
   * References for a row added after the planned ones: the parent of a random planned row (the child-count
   * shape carries over), a free parent for a unique key. False when a key the source never left NULL has no parent.
   */
  fill(row: number): boolean {
    for (let f = 0; f < this.#fks.length; f++) {
      const fk = this.#fks[f] as ForeignKeyModel;
      let parent: number;
      if (this.#holders[f] != null) parent = this.#free(f, null);
      else if (this.#planned > 0) parent = this.#assignments[f]?.[this.#random.below(this.#planned)] ?? -1;
      else parent = this.#anyParent(f);
      if (parent === -1 && fk.nullShare === 0) parent = this.#holders[f] != null ? -1 : this.#anyParent(f);
      if (parent === -1 && fk.nullShare === 0) return false;
      this.#set(f, row, parent);
    }
    return true;
  }
}
