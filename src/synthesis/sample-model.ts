import { GatewayError, qualifiedName, type RowBatch, type Row } from '../core/index.js';
import { EMAIL_DOMAINS, fakeValue, type KeyedSeeder } from '../fake-values/index.js';
import { coarseCode, coarseCount, drawValue, type DrawContext } from './column-stats.js';
import { conditionedDraw, valueHonours } from './conditional-draw.js';
import { domainTests, failedCheck, MAX_CHECK_REDRAWS, type ColumnTest } from './domain-tests.js';
import { drawForest } from './hierarchy.js';
import { drawJsonDocument } from './json-shape.js';
import { ParentPicker, type ParentRows } from './parent-picker.js';
import type { ColumnCondition, ResolvedScenario, TableCondition } from './resolve-scenario.js';
import { drawSparse, seededRandom, shuffle, type SeededRandom } from './seeded-random.js';
import type {
  ColumnModel,
  ColumnStats,
  CopiedRows,
  ForeignKeyModel,
  SynthesisModel,
  TableModel,
} from './synthesis-model.js';
import type { NumericKind } from './value-codec.js';

export interface SampleOptions {
  /** Rows per table relative to the source (0.1, 1, 10). */
  readonly scale: number;
  /** Same seed, same model: same rows. */
  readonly seed: string;
  /** Seeds the fakes of personal columns (derived from the seed by the caller). */
  readonly seeder: KeyedSeeder;
  readonly batchRows: number;
  /** Whether a fake may equal a real value of its scope (the Bloom filter of real values); redrawn if so. */
  readonly isRealValue?: (scope: string, value: string) => boolean;
  /**
   * The exact-match filter: the compared tuples (see `comparedColumns`) of the real training rows per
   * table. Absent: the filter is off (e.g. `synth sample` from a model file without the source).
   */
  readonly realTuples?: (table: string) => ReadonlySet<string> | undefined;
  /** Conditions (`--where`, scenario slices, edge cases), resolved against the model (`resolveScenario`). */
  readonly scenario?: ResolvedScenario;
}

/** What the filters did to one table (counts only). */
export interface TableOutcome {
  readonly table: string;
  readonly plannedRows: number;
  readonly rows: number;
  /** on: every row checked; off: no real rows given; not_applicable: fewer than 2 compared columns; saturated: most draws matched a real row, the filter gave up (see docs). */
  readonly exactMatchFilter: 'on' | 'off' | 'not_applicable' | 'saturated';
  readonly exactMatchesRedrawn: number;
  readonly droppedRows: number;
  /** Rows generated under a condition (restriction, slices, and parents added for children's conditions). */
  readonly conditionedRows: number;
  /**
   * Conditioned rows kept although every redraw equalled a real row: the condition left nothing else to
   * vary (e.g. a two-column table with one column fixed). Unconditioned rows are never kept so.
   */
  readonly exactMatchesKept: number;
  /** Set for a reference table copied as it is (the policy's `synth: copy`): its rows are the source's. */
  readonly copied?: true;
}

/** Redraws of one row before it is dropped (or, in a table others already point at, kept). */
const MAX_ATTEMPTS = 12;
/** The exact-match filter gives up on a table when more than this share of first draws match a real row. */
const SATURATION_SHARE = 0.5;
const SATURATION_PROBE = 200;
const MAX_FAKE_REDRAWS = 4;
/** Redraws of the columns before a conditioned one (rejection in proportion to the mass the condition keeps). */
const MAX_CONDITION_TRIES = 40;

/**
 * Columns the exact-match filter compares: the model's `matchColumns` (the same columns the report's
 * exact-match rate compares); for older model files, every drawn attribute (modelled and personal).
 */
export function comparedColumns(table: TableModel): string[] {
  if (table.matchColumns !== undefined) return [...table.matchColumns];
  return table.columns.filter((c) => c.role === 'modelled' || c.role === 'personal').map((c) => c.name);
}

/** The text the exact-match filter compares for a row (values joined, NULL marked). */
export function tupleKey(values: readonly (string | null)[]): string {
  return values.map((v) => (v === null ? '\u0000N' : `\u0001${v}`)).join('');
}

interface GeneratedTable {
  readonly model: TableModel;
  count: number;
  /** Coarse code per modelled column per surviving row. */
  readonly coarse: Map<string, Uint8Array>;
  /** Key values per referenced column set (joined by \u0001), per surviving row. */
  readonly keys: Map<string, string[]>;
  /** Per condition children ask of this table (by key): 1 where the surviving row honours it. */
  readonly matches: Map<string, Uint8Array>;
}

/** A condition children ask of a table: at least `rows` of its rows must honour it. */
interface Demand {
  readonly condition: TableCondition;
  rows: number;
}

/** A table condition, compiled against the table's draw (indexes instead of names). */
interface CompiledCondition {
  readonly condition: TableCondition;
  /** Per compiled modelled column (draw order): its condition, if any. */
  readonly columns: readonly (ColumnCondition | undefined)[];
  /** Personal columns by position: forced NULL or never NULL. */
  readonly others: ReadonlyMap<number, ColumnCondition>;
  /** Foreign keys whose columns are conditioned on NULL / not NULL. */
  readonly foreignKeyNulls: ReadonlyMap<number, ColumnCondition>;
  /** Foreign keys whose referenced row must honour a condition (its key on the parent). */
  readonly parents: readonly { readonly foreignKey: number; readonly key: string }[];
  readonly checks: readonly CompiledCheck[];
}

interface CompiledCheck {
  readonly position: number;
  readonly condition: ColumnCondition;
  readonly kind: NumericKind | null;
}

/**
 * Generates a model's tables in order, each as bounded batches of rows in the model's column order.
 * Tables must be generated in `model.tables` order (children read their parents' generated rows).
 * Memory: per generated table, its keys that others reference and one byte per modelled column per row.
 */
export class SynthesisSampler {
  readonly #model: SynthesisModel;
  readonly #options: SampleOptions;
  readonly #planned = new Map<string, number>();
  readonly #generated = new Map<string, GeneratedTable>();
  readonly #outcomes = new Map<string, TableOutcome>();
  readonly #referencedSets = new Map<string, Set<string>>();
  readonly #deferredTargets = new Set<string>();
  /** First serial value per table: partitions of one table continue each other's keys. */
  readonly #serialStart = new Map<string, number>();
  /** Rows per table before scenario slices are added. */
  readonly #baseRows = new Map<string, number>();
  /** Per table: conditions its children ask of it, by key. */
  readonly #demands = new Map<string, Map<string, Demand>>();
  /** The table being generated (a self-reference's parent). */
  #current = '';
  /** Per table: its columns' domain CHECKs, by column position (see `domainTests`). */
  readonly #tests = new Map<string, Map<number, ColumnTest>>();

  constructor(model: SynthesisModel, options: SampleOptions) {
    if (!(options.scale > 0) || !Number.isFinite(options.scale))
      throw new GatewayError('usage', '--scale must be a positive number');
    this.#model = model;
    this.#options = options;
    // Domain CHECKs synthesis cannot evaluate are refused here, before the target opens.
    for (const table of model.tables) this.#tests.set(qualifiedName(table.table), domainTests(table));
    for (const table of model.tables) {
      this.#planned.set(
        qualifiedName(table.table),
        // A copied table keeps its rows at any scale.
        table.copy !== undefined
          ? table.copy.rows.length
          : table.rows === 0
            ? 0
            : Math.max(1, Math.round(table.rows * options.scale)),
      );
      for (const fk of table.foreignKeys) {
        const parent = qualifiedName(fk.parent);
        const sets = this.#referencedSets.get(parent) ?? new Set<string>();
        sets.add(fk.parentColumns.join('\u0001'));
        this.#referencedSets.set(parent, sets);
        if (fk.deferred) this.#deferredTargets.add(parent);
      }
    }
    // A child cannot have more rows than a unique, non-nullable reference allows, nor rows without parents.
    for (let round = 0; round < 2; round++) {
      for (const table of model.tables) {
        const name = qualifiedName(table.table);
        if (table.copy !== undefined) continue;
        for (const fk of table.foreignKeys) {
          if (fk.nullShare > 0) continue;
          const parentRows = this.#planned.get(qualifiedName(fk.parent)) ?? 0;
          const rows = this.#planned.get(name) ?? 0;
          if (parentRows === 0 || (fk.unique && rows > parentRows))
            this.#planned.set(name, fk.unique ? Math.min(rows, parentRows) : 0);
        }
      }
    }
    if (options.scenario !== undefined) this.#planScenario(options.scenario);
  }

  /** Slices add rows; conditions on referenced rows become demands on the parents (to top up if too few honour them). */
  #planScenario(scenario: ResolvedScenario): void {
    for (const table of this.#model.tables) {
      const name = qualifiedName(table.table);
      const entry = scenario.tables.get(name);
      if (table.copy !== undefined && entry !== undefined) {
        if (entry.restriction !== null || entry.slices.length > 0 || entry.excluded)
          throw new GatewayError(
            'usage',
            `${name} is copied as it is (policy synth: copy): conditions cannot add or restrict its rows; put them on the tables that reference it`,
            { table: name },
          );
      }
      if (entry?.excluded === true) this.#planned.set(name, 0);
    }
    for (const table of this.#model.tables) {
      const name = qualifiedName(table.table);
      const base = this.#planned.get(name) ?? 0;
      this.#baseRows.set(name, base);
      const entry = scenario.tables.get(name);
      if (entry === undefined) continue;
      const extra = entry.slices.reduce((sum, slice) => sum + slice.rows, 0);
      this.#planned.set(name, base + extra);
      if (entry.restriction !== null && base > 0) this.#demandParents(table, entry.restriction, base);
      for (const slice of entry.slices) this.#demandParents(table, slice.condition, slice.rows);
    }
  }

  #demandParents(table: TableModel, condition: TableCondition, rows: number): void {
    for (const { foreignKey, condition: wanted } of condition.parents) {
      const fk = table.foreignKeys[foreignKey];
      if (fk === undefined) continue;
      const parentName = qualifiedName(fk.parent);
      const parent = this.#model.tables.find((t) => qualifiedName(t.table) === parentName);
      if (parent === undefined) continue;
      const needed = fk.unique ? rows : Math.max(1, Math.ceil(rows / meanChildren(fk)));
      const demands = this.#demands.get(parentName) ?? new Map<string, Demand>();
      this.#demands.set(parentName, demands);
      const known = demands.get(wanted.key);
      if (known === undefined) demands.set(wanted.key, { condition: wanted, rows: needed });
      else known.rows += needed;
      this.#demandParents(parent, wanted, needed);
    }
  }

  /**
   * The largest serial key a table's rows can hold (for its sequence), or 0. A copied table: the largest
   * integer in `column` (or its serial columns).
   */
  lastSerial(table: string, column?: string): number {
    const model = this.#model.tables.find((t) => qualifiedName(t.table) === table);
    if (model?.copy !== undefined) return largestKey(model, model.copy, column);
    return (this.#serialStart.get(table) ?? 0) + this.plannedRows(table);
  }

  plannedRows(table: string): number {
    return this.#planned.get(table) ?? 0;
  }

  outcome(table: string): TableOutcome | undefined {
    return this.#outcomes.get(table);
  }

  #startOf(table: TableModel): number {
    const name = qualifiedName(table.table);
    const known = this.#serialStart.get(name);
    if (known !== undefined) return known;
    let start = 0;
    if (table.partitionOf !== null) {
      const root = qualifiedName(table.partitionOf);
      for (const other of this.#model.tables) {
        if (other === table) break;
        if (other.partitionOf !== null && qualifiedName(other.partitionOf) === root)
          start += this.plannedRows(qualifiedName(other.table));
      }
    }
    this.#serialStart.set(name, start);
    return start;
  }

  /** The rows of one table, in batches; call for each table of `model.tables`, in order. */
  *generate(table: TableModel): Generator<RowBatch> {
    const name = qualifiedName(table.table);
    this.#current = name;
    if (table.copy !== undefined) {
      yield* this.#copied(table, table.copy);
      return;
    }
    const planned = this.plannedRows(name);
    const random = seededRandom(`${this.#options.seed}\u0000rows\u0000${name}`);
    this.#startOf(table);
    const scenario = this.#options.scenario?.tables.get(name);
    const demands = [...(this.#demands.get(name)?.values() ?? [])];
    const base = this.#baseRows.get(name) ?? planned;
    // Rows a demand may add after the planned ones (parents its children's conditions need).
    const capacity = planned + demands.reduce((sum, d) => sum + d.rows, 0);
    const assignments = table.foreignKeys.map((fk) => {
      const out = new Int32Array(capacity).fill(-1);
      out.set(this.#assign(fk, planned, random));
      return out;
    });
    const compiled = this.#compile(table, assignments);
    const conditions = new Map<string, CompiledCondition>();
    const compileCondition = (condition: TableCondition): CompiledCondition => {
      let found = conditions.get(condition.key);
      if (found === undefined)
        conditions.set(condition.key, (found = this.#compileCondition(table, compiled, condition)));
      return found;
    };
    const restriction = scenario?.restriction == null ? null : compileCondition(scenario.restriction);
    const sliceConditions: (CompiledCondition | null)[] = [];
    for (const slice of scenario?.slices ?? []) {
      const c = compileCondition(slice.condition);
      for (let r = 0; r < slice.rows; r++) sliceConditions.push(c);
    }
    const conditionOf = (i: number): CompiledCondition | null =>
      i < base ? restriction : (sliceConditions[i - base] ?? null);
    const picker = new ParentPicker((fk) => this.#parentOf(fk), table, assignments, planned, random);
    const compared = comparedColumns(table);
    const comparedIndexes = compared.map((c) => table.columns.findIndex((x) => x.name === c));
    const realTuples = compared.length >= 2 ? this.#options.realTuples?.(name) : undefined;
    let filter: TableOutcome['exactMatchFilter'] =
      compared.length < 2 ? 'not_applicable' : realTuples === undefined ? 'off' : 'on';
    const checkedSets = this.#checkedUniqueSets(table);
    const seen = checkedSets.map(() => new Set<string>());
    const state: GeneratedTable = {
      model: table,
      count: 0,
      coarse: new Map(table.order.map((c) => [c, new Uint8Array(capacity)])),
      keys: new Map([...(this.#referencedSets.get(name) ?? [])].map((set) => [set, [] as string[]])),
      matches: new Map(demands.map((d) => [d.condition.key, new Uint8Array(capacity)])),
    };
    const demandChecks = demands.map((d) => ({ demand: d, compiled: compileCondition(d.condition), met: 0 }));
    if (filter === 'on' && realTuples !== undefined && planned > 0) {
      // Probe first: when most draws equal a real row (a table of few low-cardinality columns), such
      // rows are common combinations, not copies of someone; redrawing them would only empty the table.
      const probe = seededRandom(`${this.#options.seed}\u0000probe\u0000${name}`);
      const draws = Math.min(planned, SATURATION_PROBE);
      let matches = 0;
      for (let i = 0; i < draws; i++) {
        const drawn = this.#drawRow(table, name, i, MAX_ATTEMPTS, assignments, probe, compiled, null);
        if (realTuples.has(tupleKey(comparedIndexes.map((c) => drawn.row[c] ?? null)))) matches++;
      }
      if (matches > SATURATION_SHARE * draws) filter = 'saturated';
    }
    const orderArrays = table.order.map((c) => state.coarse.get(c) as Uint8Array);
    const keyLists = [...state.keys].map(
      ([set, list]) =>
        [list, set.split('\u0001').map((c) => table.columns.findIndex((x) => x.name === c))] as const,
    );
    const mayDrop = !this.#deferredTargets.has(name);
    const tests = this.#tests.get(name) ?? new Map<number, ColumnTest>();
    let redrawn = 0;
    let dropped = 0;
    let conditioned = 0;
    let kept = 0;
    let batch: RowBatch = [];
    const emit = (i: number, condition: CompiledCondition | null): Row | null => {
      if (condition !== null && !picker.place(i, condition)) {
        dropped++;
        return null;
      }
      let accepted: { row: Row; coarse: Uint8Array } | null = null;
      let last: { row: Row; coarse: Uint8Array } | null = null;
      let lastMatched: { row: Row; coarse: Uint8Array; keys: string[] } | null = null;
      for (let attempt = 0; attempt < MAX_ATTEMPTS && accepted === null; attempt++) {
        const drawn = this.#drawRow(table, name, i, attempt, assignments, random, compiled, condition);
        last = drawn;
        const uniqueKeys = checkedSets.map((set) => tupleKey(set.map((c) => drawn.row[c] ?? null)));
        if (uniqueKeys.some((key, s) => seen[s]?.has(key))) {
          // A repeated key of foreign keys only: the next attempt takes other parents.
          picker.repick(i, condition);
          continue;
        }
        if (filter === 'on' && realTuples !== undefined) {
          if (realTuples.has(tupleKey(comparedIndexes.map((c) => drawn.row[c] ?? null)))) {
            redrawn++;
            lastMatched = { ...drawn, keys: uniqueKeys };
            continue;
          }
        }
        uniqueKeys.forEach((key, s) => seen[s]?.add(key));
        accepted = drawn;
      }
      if (accepted === null && condition !== null && lastMatched !== null) {
        // Every redraw of a conditioned row equalled a real row: the condition asked for it.
        lastMatched.keys.forEach((key, s) => seen[s]?.add(key));
        accepted = lastMatched;
        kept++;
      }
      if (accepted === null && !mayDrop && last !== null) {
        // Rows of this table are already referenced (a cycle): keep the row rather than orphan a child.
        accepted = last;
      }
      if (accepted === null) {
        dropped++;
        return null;
      }
      for (const [position, check] of tests) {
        if (!check.test(accepted.row[position] ?? null))
          throw failedCheck(name, table.columns[position]?.name ?? '', check);
      }
      const s = state.count++;
      for (let o = 0; o < orderArrays.length; o++)
        (orderArrays[o] as Uint8Array)[s] = accepted.coarse[o] as number;
      for (const [list, positions] of keyLists) {
        list.push(
          positions.length === 1
            ? (accepted.row[positions[0] as number] ?? '')
            : positions.map((p) => accepted.row[p] ?? '').join('\u0001'),
        );
      }
      for (const check of demandChecks) {
        if (this.#honours(table, check.compiled, accepted.row, i, assignments)) {
          (state.matches.get(check.demand.condition.key) as Uint8Array)[s] = 1;
          check.met++;
        }
      }
      if (condition !== null) conditioned++;
      return accepted.row;
    };
    for (let i = 0; i < planned; i++) {
      const row = emit(i, conditionOf(i));
      if (row === null) continue;
      batch.push(row);
      if (batch.length >= this.#options.batchRows) {
        yield batch;
        batch = [];
      }
    }
    // Top up: parents the children's conditions need, when too few of the rows drawn honour them.
    let next = planned;
    for (const check of demandChecks) {
      for (let tries = check.demand.rows - check.met; tries > 0 && check.met < check.demand.rows; tries--) {
        const i = next++;
        if (!picker.fill(i)) {
          dropped++;
          continue;
        }
        const row = emit(i, check.compiled);
        if (row === null) continue;
        batch.push(row);
        if (batch.length >= this.#options.batchRows) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length > 0) yield batch;
    // Serial keys are row numbers: the table's range now covers the rows added.
    this.#planned.set(name, next);
    this.#generated.set(name, state);
    this.#outcomes.set(name, {
      table: name,
      plannedRows: planned,
      rows: state.count,
      exactMatchFilter: filter,
      exactMatchesRedrawn: redrawn,
      droppedRows: dropped,
      conditionedRows: conditioned,
      exactMatchesKept: kept,
    });
  }

  /**
   * A reference table copied as it is: its rows unchanged, recorded like generated rows (keys, coarse codes,
   * which rows honour the conditions children ask of it) so children reference its real keys with their
   * learnt child counts. Conditions cannot add rows to it: a child whose condition no row honours is dropped.
   */
  *#copied(table: TableModel, copy: CopiedRows): Generator<RowBatch> {
    const name = qualifiedName(table.table);
    const rows = copy.rows;
    const position = (column: string): number => table.columns.findIndex((c) => c.name === column);
    const keyOf = (row: readonly (string | null)[], positions: readonly number[]): string =>
      positions.map((p) => row[p] ?? '').join('\u0001');
    const demands = [...(this.#demands.get(name)?.values() ?? [])];
    const state: GeneratedTable = {
      model: table,
      count: rows.length,
      coarse: new Map(table.order.map((c) => [c, Uint8Array.from(copy.coarse[c] ?? [])])),
      keys: new Map(
        [...(this.#referencedSets.get(name) ?? [])].map((set) => {
          const positions = set.split('\u0001').map(position);
          return [set, rows.map((row) => keyOf(row, positions))];
        }),
      ),
      matches: new Map(),
    };
    if (demands.length > 0) {
      // Which parent row each row references (its foreign keys point into copied tables only).
      const assignments = table.foreignKeys.map((fk) => {
        const parentName = qualifiedName(fk.parent);
        const parentKeys =
          parentName === name
            ? state.keys.get(fk.parentColumns.join('\u0001'))
            : this.#generated.get(parentName)?.keys.get(fk.parentColumns.join('\u0001'));
        const index = new Map((parentKeys ?? []).map((key, j) => [key, j]));
        const positions = fk.columns.map(position);
        return Int32Array.from(rows, (row) =>
          positions.some((p) => row[p] === null) ? -1 : (index.get(keyOf(row, positions)) ?? -1),
        );
      });
      this.#generated.set(name, state); // a self-reference reads its own matches
      const compiled = this.#compile(table, assignments);
      for (const demand of demands) {
        const condition = this.#compileCondition(table, compiled, demand.condition);
        const matches = new Uint8Array(rows.length);
        rows.forEach((row, i) => {
          if (this.#honours(table, condition, [...row], i, assignments)) matches[i] = 1;
        });
        state.matches.set(demand.condition.key, matches);
      }
    }
    const batchRows = Math.max(1, this.#options.batchRows);
    for (let start = 0; start < rows.length; start += batchRows)
      yield rows.slice(start, start + batchRows).map((row) => [...row]);
    this.#generated.set(name, state);
    this.#outcomes.set(name, {
      table: name,
      plannedRows: rows.length,
      rows: rows.length,
      exactMatchFilter: 'not_applicable',
      exactMatchesRedrawn: 0,
      droppedRows: 0,
      conditionedRows: 0,
      exactMatchesKept: 0,
      copied: true,
    });
  }

  /** Resolves a table condition to draw-order indexes and positions. */
  #compileCondition(
    table: TableModel,
    compiled: CompiledTable,
    condition: TableCondition,
  ): CompiledCondition {
    const byName = new Map(condition.columns.map((c) => [c.column, c]));
    const others = new Map<number, ColumnCondition>();
    const foreignKeyNulls = new Map<number, ColumnCondition>();
    const checks: CompiledCheck[] = [];
    for (const c of condition.columns) {
      const position = table.columns.findIndex((x) => x.name === c.column);
      const model = table.columns[position];
      if (model === undefined) continue;
      if (model.role === 'personal') others.set(position, c);
      if (model.role === 'foreign_key') foreignKeyNulls.set(model.foreignKey, c);
      checks.push({
        position,
        condition: c,
        kind: model.role === 'modelled' && model.stats.type === 'numeric' ? model.stats.kind : null,
      });
    }
    return {
      condition,
      columns: compiled.columns.map((c) => byName.get(c.name)),
      others,
      foreignKeyNulls,
      parents: condition.parents.map((p) => ({ foreignKey: p.foreignKey, key: p.condition.key })),
      checks,
    };
  }

  /** Whether a generated row honours a condition (its values, and its referenced rows' recorded matches). */
  #honours(
    table: TableModel,
    condition: CompiledCondition,
    row: Row,
    index: number,
    assignments: readonly Int32Array[],
  ): boolean {
    for (const { position, condition: c, kind } of condition.checks) {
      if (!valueHonours(c, kind, row[position] ?? null)) return false;
    }
    return condition.parents.every(({ foreignKey, key }) => {
      const parentRow = assignments[foreignKey]?.[index] ?? -1;
      const fk = table.foreignKeys[foreignKey];
      const matches =
        fk === undefined ? undefined : this.#generated.get(qualifiedName(fk.parent))?.matches.get(key);
      return parentRow !== -1 && matches?.[parentRow] === 1;
    });
  }

  /** What a child needs to know of a referenced table: its rows so far and the conditions they honour. */
  #parentOf(fk: ForeignKeyModel): ParentRows {
    const parentName = qualifiedName(fk.parent);
    const generated = this.#generated.get(parentName);
    return {
      rows: generated?.count ?? this.#planned.get(parentName) ?? 0,
      matches: (key) => generated?.matches.get(key),
    };
  }

  /** Unique column sets that are not unique by construction (serial, unique fakes, unique foreign keys). */
  #checkedUniqueSets(table: TableModel): number[][] {
    const out: number[][] = [];
    for (const set of table.uniqueSets) {
      const roles = set.map((c) => table.columns.find((x) => x.name === c));
      if (roles.some((r) => r === undefined)) continue;
      const constructed = roles.some(
        (r) => r?.role === 'serial' || r?.role === 'unique_value' || (r?.role === 'personal' && r.unique),
      );
      const uniqueFk = table.foreignKeys.some(
        (fk) => fk.unique && fk.columns.length === set.length && fk.columns.every((c) => set.includes(c)),
      );
      if (constructed || uniqueFk) continue;
      out.push(set.map((c) => table.columns.findIndex((x) => x.name === c)));
    }
    return out;
  }

  /** Parent row per child row (-1: NULL): per parent a child count from the model, adjusted to the total. */
  #assign(fk: ForeignKeyModel, rows: number, random: SeededRandom): Int32Array {
    const parentName = qualifiedName(fk.parent);
    const parent = this.#generated.get(parentName);
    const parentRows = parent?.count ?? this.#planned.get(parentName) ?? 0;
    // A self-reference without cycles: a forest (parents before children) with the learnt depths.
    if (fk.hierarchy !== undefined && parentName === this.#current)
      return drawForest(fk.hierarchy, rows, random);
    const out = new Int32Array(rows).fill(-1);
    let nonNull = Math.round(rows * (1 - fk.nullShare));
    if (parentRows === 0) nonNull = 0;
    const model = fk.childCounts;
    const conditionCodes = model.condition === null ? undefined : parent?.coarse.get(model.condition);
    const counts = new Int32Array(parentRows);
    // Into a copied table: each real key's own count where the model has one (at least k children), else
    // a count below k from the marginal.
    const keyCounts = fk.keyCounts?.length === parentRows ? fk.keyCounts : undefined;
    const belowK = keyCounts === undefined ? [] : pairsBelow(model.marginal, this.#model.rareCategoryMin);
    let sum = 0;
    for (let j = 0; j < parentRows; j++) {
      const code = conditionCodes?.[j];
      const histogram = (code === undefined ? undefined : model.byCode[String(code)]) ?? model.marginal;
      const own = keyCounts?.[j] ?? -1;
      let c =
        own >= 0
          ? own
          : keyCounts !== undefined
            ? (drawSparse(belowK, random) ?? 0)
            : (drawSparse(histogram, random) ?? 1);
      if (fk.unique) c = Math.min(c, 1);
      counts[j] = c;
      sum += c;
    }
    // Scale the drawn counts to the rows wanted (stochastic rounding keeps the shape, zeros stay zeros),
    // then settle the last few rows one by one.
    if (sum > 0 && sum !== nonNull && !fk.unique) {
      const factor = nonNull / sum;
      sum = 0;
      for (let j = 0; j < parentRows; j++) {
        const scaled = (counts[j] as number) * factor;
        const c = Math.floor(scaled) + (random.next() < scaled - Math.floor(scaled) ? 1 : 0);
        counts[j] = c;
        sum += c;
      }
    }
    const pool: number[] = [];
    for (let j = 0; j < parentRows; j++) for (let c = 0; c < (counts[j] as number); c++) pool.push(j);
    shuffle(pool, random);
    if (pool.length > nonNull) pool.length = nonNull;
    if (pool.length < nonNull) {
      const withChildren = pool.length > 0 && !fk.unique ? [...pool] : [];
      const free: number[] = [];
      if (fk.unique) for (let j = 0; j < parentRows; j++) if (counts[j] === 0) free.push(j);
      shuffle(free, random);
      while (pool.length < nonNull) {
        if (fk.unique) {
          const j = free.pop();
          if (j === undefined) break;
          pool.push(j);
        } else if (withChildren.length > 0)
          pool.push(withChildren[random.below(withChildren.length)] as number);
        else pool.push(random.below(parentRows));
      }
    }
    const positions = Array.from({ length: rows }, (_, i) => i);
    shuffle(positions, random);
    pool.forEach((j, p) => {
      out[positions[p] as number] = j;
    });
    return out;
  }

  #parentKey(fk: ForeignKeyModel, parentRow: number): string[] {
    const parentName = qualifiedName(fk.parent);
    const parent = this.#generated.get(parentName);
    if (parent !== undefined) {
      const key = parent.keys.get(fk.parentColumns.join('\u0001'))?.[parentRow];
      if (key === undefined) throw new GatewayError('internal', `${parentName}: a referenced key is missing`);
      return key.split('\u0001');
    }
    // A deferred reference (cycle): the parent's serial keys are known before it is generated.
    const parentModel = this.#model.tables.find((t) => qualifiedName(t.table) === parentName);
    const roles = fk.parentColumns.map((c) => parentModel?.columns.find((x) => x.name === c));
    const serial = roles.every((r) => r?.role === 'serial');
    // A self-reference: a unique key made from the row number is known before its row is written.
    if (
      !serial &&
      parentName === this.#current &&
      roles.every((r) => r?.role === 'serial' || r?.role === 'unique_value')
    ) {
      const start = parentModel === undefined ? 0 : this.#startOf(parentModel);
      return roles.map((r) =>
        r?.role === 'unique_value'
          ? fakeValue(
              r.kind,
              this.#options.seeder.seed(`synth_key:${parentName}.${r.name}`, String(parentRow)),
              {
                maxLength: r.maxLength,
                unique: true,
              },
            )
          : String(start + parentRow + 1),
      );
    }
    if (!serial) {
      throw new GatewayError(
        'transform_failed',
        `${parentName}: a cycle of foreign keys reaches it through non-serial key columns, which synthesis cannot generate yet`,
      );
    }
    const start = parentModel === undefined ? 0 : this.#startOf(parentModel);
    return fk.parentColumns.map(() => String(start + parentRow + 1));
  }

  /** Per table: what drawing a row needs, resolved once (cumulative tables, parent code arrays, indexes). */
  #compile(table: TableModel, assignments: readonly Int32Array[]): CompiledTable {
    const positions = new Map(table.columns.map((c, i) => [c.name, i]));
    const orderIndex = new Map(table.order.map((c, i) => [c, i]));
    const columns: CompiledColumn[] = [];
    for (const name of table.order) {
      const model = table.columns.find((c) => c.name === name);
      if (model?.role !== 'modelled') continue;
      const parents: CompiledParent[] = model.conditional.parents.map((p) => {
        if (p.foreignKey === -1)
          return { own: orderIndex.get(p.column) ?? -1, codes: undefined, rows: undefined, nullCode: 0 };
        const fk = table.foreignKeys[p.foreignKey];
        const parentName = fk === undefined ? '' : qualifiedName(fk.parent);
        const parentModel = this.#model.tables.find((t) => qualifiedName(t.table) === parentName);
        const stats = parentModel?.columns.find((c) => c.name === p.column);
        const size = stats?.role === 'modelled' ? coarseCount(stats.stats) : 1;
        return {
          own: -1,
          codes: this.#generated.get(parentName)?.coarse.get(p.column),
          rows: assignments[p.foreignKey],
          nullCode: size - 1,
        };
      });
      const cells = (record: Readonly<Record<string, readonly number[]>>): Map<number, CumulativeTable> => {
        const out = new Map<number, CumulativeTable>();
        for (const [key, pairs] of Object.entries(record)) {
          const [a, b] = key.split(',').map(Number);
          const table = cumulativeSparse(pairs);
          if (table !== null) out.set(b === undefined ? (a as number) : (a as number) * 256 + b, table);
        }
        return out;
      };
      columns.push({
        name,
        orderIndex: orderIndex.get(name) as number,
        position: positions.get(name) as number,
        stats: model.stats,
        parents,
        byBoth: cells(model.conditional.byBoth),
        byFirst: cells(model.conditional.byFirst),
        marginal: cumulativeDense(model.stats.counts),
        anchor:
          model.stats.type === 'numeric' && model.stats.anchor !== null
            ? (orderIndex.get(model.stats.anchor) ?? -1)
            : -1,
        nullCode: nullCode(model.stats),
      });
    }
    const foreignKeyColumns = table.foreignKeys.map((fk) => fk.columns.map((c) => positions.get(c) ?? -1));
    const others = table.columns.flatMap((c, i) =>
      c.role === 'modelled' || c.role === 'foreign_key' ? [] : [i],
    );
    const personColumns = table.columns.filter(
      (c) => c.role === 'personal' && PERSON_KINDS.has(c.entity),
    ).length;
    const tests = this.#tests.get(qualifiedName(table.table)) ?? new Map<number, ColumnTest>();
    return { columns, foreignKeyColumns, others, orderSize: table.order.length, personColumns, tests };
  }

  #drawRow(
    table: TableModel,
    name: string,
    index: number,
    attempt: number,
    assignments: readonly Int32Array[],
    random: SeededRandom,
    compiled: CompiledTable,
    condition: CompiledCondition | null,
  ): { row: Row; coarse: Uint8Array } {
    const { seeder } = this.#options;
    const rowLabel = `${this.#options.seed}\u0000${name}\u0000${index}\u0000${attempt}`;
    const row: (string | null)[] = new Array<string | null>(table.columns.length).fill(null);
    const written = new Uint8Array(table.columns.length);
    // Foreign keys first: the rest of the row is conditioned on the referenced rows.
    table.foreignKeys.forEach((fk, f) => {
      const parentRow = assignments[f]?.[index] ?? -1;
      const key = parentRow === -1 ? null : this.#parentKey(fk, parentRow);
      const positions = compiled.foreignKeyColumns[f] as number[];
      for (let i = 0; i < positions.length; i++) {
        const p = positions[i] as number;
        if (p === -1 || written[p] === 1) continue;
        written[p] = 1;
        row[p] = key === null ? null : (key[i] ?? null);
      }
    });
    const coarse = new Uint8Array(compiled.orderSize);
    const numbers = new Float64Array(compiled.orderSize);
    const hasNumber = new Uint8Array(compiled.orderSize);
    let column = '';
    const context: DrawContext = {
      random,
      anchorValue: null,
      fakeString: (length, maxLength) =>
        fakeValue('string', seeder.seed('synth_rare', `${rowLabel}\u0000${column}`), {
          maxLength,
          sourceLength: length,
        }),
      fakeUuid: () => fakeValue('uuid', seeder.seed('synth_rare', `${rowLabel}\u0000${column}`)),
    };
    // Conditioned columns: the cell's distribution truncated to what the condition allows; the columns
    // drawn since the previous conditioned one are redrawn in proportion to the mass it keeps (rejection),
    // so they follow the condition too (a sequential conditional model fixed at the conditioned columns).
    let segmentStart = 0;
    let tries = 0;
    for (let k = 0; k < compiled.columns.length; k++) {
      const c = compiled.columns[k] as CompiledColumn;
      column = c.name;
      let first = -1;
      let second = -1;
      for (let p = 0; p < c.parents.length && p < 2; p++) {
        const parent = c.parents[p] as CompiledParent;
        let code: number;
        if (parent.own !== -1) code = coarse[parent.own] as number;
        else {
          const parentRow = parent.rows?.[index] ?? -1;
          code = parentRow === -1 ? parent.nullCode : (parent.codes?.[parentRow] ?? parent.nullCode);
        }
        if (p === 0) first = code;
        else second = code;
      }
      const cell =
        (second !== -1 ? c.byBoth.get(first * 256 + second) : undefined) ??
        (first !== -1 ? c.byFirst.get(first) : undefined) ??
        c.marginal;
      (context as { anchorValue: number | null }).anchorValue =
        c.anchor !== -1 && hasNumber[c.anchor] === 1 ? (numbers[c.anchor] as number) : null;
      const wanted = condition?.columns[k];
      const check = compiled.tests.get(c.position);
      let code: number;
      let drawn: { text: string | null; number: number | null };
      if (wanted === undefined) {
        code = cell === null ? c.nullCode : drawCumulative(cell, random);
        drawn = drawValue(c.stats, code, context);
        // A value its domain's CHECK refuses (a made-up rare value, say) is drawn again from the cell.
        for (let r = 0; check !== undefined && r < MAX_CHECK_REDRAWS && !check.test(drawn.text); r++) {
          code = cell === null ? c.nullCode : drawCumulative(cell, random);
          drawn = drawValue(c.stats, code, context);
        }
      } else {
        let draw = conditionedDraw(c.stats, wanted, denseCell(cell, c.stats), context.anchorValue);
        const dependsOnSegment =
          c.anchor >= segmentStart || c.parents.some((p, i) => i < 2 && p.own >= segmentStart);
        if (dependsOnSegment && tries < MAX_CONDITION_TRIES && random.next() >= draw.mass) {
          tries++;
          k = segmentStart - 1;
          continue;
        }
        if (draw.mass === 0) draw = conditionedDraw(c.stats, wanted, c.stats.counts, context.anchorValue);
        ({ code, value: drawn } = draw.draw(context));
        for (let r = 0; check !== undefined && r < MAX_CHECK_REDRAWS && !check.test(drawn.text); r++)
          ({ code, value: drawn } = draw.draw(context));
        segmentStart = k + 1;
        tries = 0;
      }
      if (check !== undefined && !check.test(drawn.text)) {
        // Still refused: a kept category the CHECK accepts, in proportion to its count (else the row fails).
        const kept = keptPassing(c.stats, check, random);
        if (kept !== null) {
          code = kept;
          drawn = {
            text: (c.stats as { categories: readonly string[] }).categories[kept] ?? null,
            number: null,
          };
        }
      }
      row[c.position] = drawn.text;
      written[c.position] = 1;
      numbers[c.orderIndex] = drawn.number ?? 0;
      hasNumber[c.orderIndex] = drawn.number === null ? 0 : 1;
      coarse[c.orderIndex] = coarseCode(c.stats, drawn.text === null ? c.nullCode : code);
    }
    const person = compiled.personColumns >= 2 ? this.#person(table, name, index, rowLabel) : null;
    for (const i of compiled.others) {
      if (written[i] === 1) continue;
      row[i] = this.#otherValue(
        table.columns[i] as ColumnModel,
        name,
        index,
        rowLabel,
        random,
        person,
        condition?.others.get(i),
      );
      const check = compiled.tests.get(i);
      const column = table.columns[i] as ColumnModel;
      if (check !== undefined && column.role === 'personal' && !check.test(row[i] ?? null)) {
        // A fake its domain's CHECK refuses: independent fakes of the kind, redrawn (bounded).
        const input = column.unique ? `${name}\u0000${index}` : rowLabel;
        for (let r = 1; r <= MAX_CHECK_REDRAWS && !check.test(row[i] ?? null); r++) {
          const value = fakeValue(column.entity, seeder.seed(column.scope, `${input}\u0000check\u0000${r}`), {
            maxLength: column.maxLength,
            unique: column.unique,
          });
          if (this.#options.isRealValue?.(column.scope, value) !== true) row[i] = value;
        }
      }
    }
    return { row, coarse };
  }

  /** The row's fake person: names whose real-value check passes (redrawn a few times, as single fakes are). */
  #person(table: TableModel, name: string, index: number, rowLabel: string): FakePerson {
    const { seeder, isRealValue } = this.#options;
    const scopes = (entity: string): string[] =>
      table.columns.flatMap((c) => (c.role === 'personal' && c.entity === entity ? [c.scope] : []));
    const firstScopes = scopes('first_name');
    const lastScopes = scopes('last_name');
    // Unique person columns are seeded by the row only (a redraw keeps them), others by row and attempt.
    const unique = table.columns.some((c) => c.role === 'personal' && c.unique && PERSON_KINDS.has(c.entity));
    const input = unique ? `${name}\u0000${index}` : rowLabel;
    let person: FakePerson | undefined;
    for (let redraw = 0; redraw <= MAX_FAKE_REDRAWS; redraw++) {
      const seed = (part: string): Uint8Array =>
        seeder.seed(`synth_person:${part}`, `${input}\u0000${redraw}`);
      person = {
        first: fakeValue('first_name', seed('first')),
        last: fakeValue('last_name', seed('last')),
        domain: EMAIL_DOMAINS[(seed('domain')[0] as number) % EMAIL_DOMAINS.length] as string,
      };
      const real =
        firstScopes.some((scope) => isRealValue?.(scope, person?.first ?? '') === true) ||
        lastScopes.some((scope) => isRealValue?.(scope, person?.last ?? '') === true);
      if (!real) break;
    }
    return person as FakePerson;
  }

  #otherValue(
    column: ColumnModel,
    table: string,
    index: number,
    rowLabel: string,
    random: SeededRandom,
    person: FakePerson | null = null,
    wanted?: ColumnCondition,
  ): string | null {
    const { seeder, isRealValue } = this.#options;
    switch (column.role) {
      case 'serial':
        return String((this.#serialStart.get(table) ?? 0) + index + 1);
      case 'constant':
        return column.value;
      case 'json_document':
        return drawJsonDocument(column.shape, {
          random,
          fake: (entity, scope, path, n) => {
            const input = `${rowLabel}\u0000${column.name}${path}\u0000${n}`;
            let value = fakeValue(entity, seeder.seed(scope, input));
            for (let redraw = 1; redraw <= MAX_FAKE_REDRAWS && isRealValue?.(scope, value) === true; redraw++)
              value = fakeValue(entity, seeder.seed(scope, `${input}\u0000${redraw}`));
            return value;
          },
          fakeString: (length, path, n) =>
            fakeValue(
              'string',
              seeder.seed('synth_rare', `${rowLabel}\u0000${column.name}${path}\u0000${n}`),
              { sourceLength: length },
            ),
        });
      case 'unique_value':
        return fakeValue(column.kind, seeder.seed(`synth_key:${table}.${column.name}`, String(index)), {
          maxLength: column.maxLength,
          unique: true,
        });
      case 'personal': {
        if (wanted?.onlyNull === true) return null;
        const draw = random.next();
        // Never NULL when the condition says so: the draw skips the NULL share.
        const u = wanted?.allowsNull === false ? column.nullShare + draw * (1 - column.nullShare) : draw;
        if (u < column.nullShare) return null;
        if (!column.unique && u < column.nullShare + column.emptyShare) return '';
        const fromPerson =
          person === null || !PERSON_KINDS.has(column.entity)
            ? null
            : personValue(column.entity, person, index, column.unique, column.maxLength);
        // Names were already redrawn with the person (then kept, as single fakes are after their redraws);
        // an email or username that equals a real one falls back to an independent fake.
        const isName = column.entity !== 'email' && column.entity !== 'username';
        if (fromPerson !== null && (isName || isRealValue?.(column.scope, fromPerson) !== true))
          return fromPerson;
        // Unique fakes are seeded by the row only; others by the row and the attempt (a redraw changes them).
        const input = column.unique ? `${table}\u0000${index}` : rowLabel;
        let value = fakeValue(column.entity, seeder.seed(column.scope, input), {
          maxLength: column.maxLength,
          unique: column.unique,
        });
        for (
          let redraw = 1;
          redraw <= MAX_FAKE_REDRAWS && isRealValue?.(column.scope, value) === true;
          redraw++
        ) {
          value = fakeValue(column.entity, seeder.seed(column.scope, `${input}\u0000${redraw}`), {
            maxLength: column.maxLength,
            unique: column.unique,
          });
        }
        return value;
      }
      default:
        return null;
    }
  }
}

/** A kept category whose value passes the test, drawn in proportion to its count; null when none does. */
function keptPassing(stats: ColumnStats, check: ColumnTest, random: SeededRandom): number | null {
  if (stats.type !== 'categorical') return null;
  const weights = stats.categories.map((value, i) => (check.test(value) ? (stats.counts[i] as number) : 0));
  const pairs = weights.flatMap((w, i) => (w > 0 ? [i, w] : []));
  return drawSparse(pairs, random) ?? null;
}

/** The `[count, parents, …]` pairs of a child-count histogram with counts below `limit`. */
function pairsBelow(pairs: readonly number[], limit: number): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < pairs.length; i += 2)
    if ((pairs[i] as number) < limit) out.push(pairs[i] as number, pairs[i + 1] as number);
  return out;
}

/** The largest integer held in a copied table's `column` (or, without one, its serial columns), or 0. */
function largestKey(table: TableModel, copy: CopiedRows, column: string | undefined): number {
  const positions = table.columns.flatMap((c, i) =>
    (column === undefined ? c.role === 'serial' : c.name === column) ? [i] : [],
  );
  let largest = 0;
  for (const row of copy.rows) {
    for (const p of positions) {
      const value = Number(row[p] ?? Number.NaN);
      if (Number.isSafeInteger(value) && value > largest) largest = value;
    }
  }
  return largest;
}

/** Children per parent among parents that have any (the child-count model's marginal). */
function meanChildren(fk: ForeignKeyModel): number {
  const pairs = fk.childCounts.marginal;
  let parents = 0;
  let children = 0;
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const count = pairs[i] as number;
    if (count === 0) continue;
    parents += pairs[i + 1] as number;
    children += count * (pairs[i + 1] as number);
  }
  return parents === 0 ? 1 : Math.max(1, children / parents);
}

/** A cell's weight per code (the cumulative table spread out), for truncating it to a condition. */
function denseCell(cell: CumulativeTable | null, stats: ColumnStats): Float64Array {
  const out = new Float64Array(stats.counts.length);
  if (cell === null) return out;
  let previous = 0;
  for (let i = 0; i < cell.codes.length; i++) {
    const cumulative = cell.cumulative[i] as number;
    out[cell.codes[i] as number] = cumulative - previous;
    previous = cumulative;
  }
  return out;
}

function nullCode(stats: ColumnStats): number {
  return stats.counts.length - 1;
}

/** A distribution as codes and running totals: one draw is a binary search. */
interface CumulativeTable {
  readonly codes: Int32Array;
  readonly cumulative: Float64Array;
}

interface CompiledParent {
  /** Index in the table's draw order of an own column, or -1 for a referenced row's column. */
  readonly own: number;
  readonly codes: Uint8Array | undefined;
  readonly rows: Int32Array | undefined;
  readonly nullCode: number;
}

interface CompiledColumn {
  readonly name: string;
  readonly orderIndex: number;
  readonly position: number;
  readonly stats: ColumnStats;
  readonly parents: readonly CompiledParent[];
  readonly byBoth: ReadonlyMap<number, CumulativeTable>;
  readonly byFirst: ReadonlyMap<number, CumulativeTable>;
  readonly marginal: CumulativeTable | null;
  readonly anchor: number;
  readonly nullCode: number;
}

interface CompiledTable {
  readonly columns: readonly CompiledColumn[];
  readonly foreignKeyColumns: readonly (readonly number[])[];
  /** Positions of columns that are neither modelled nor foreign keys (keys, fakes, constants). */
  readonly others: readonly number[];
  readonly orderSize: number;
  /** Personal name, email and username columns: two or more share one fake person per row. */
  readonly personColumns: number;
  /** Domain CHECKs by column position. */
  readonly tests: ReadonlyMap<number, ColumnTest>;
}

/** Entity kinds drawn from one fake person per row, so a row's name, email and username agree. */
const PERSON_KINDS: ReadonlySet<string> = new Set([
  'first_name',
  'last_name',
  'full_name',
  'email',
  'username',
]);

/** One fake person: the names every person column of a row is built from. */
export interface FakePerson {
  readonly first: string;
  readonly last: string;
  /** Email domain, drawn with the person. */
  readonly domain: string;
}

/**
 * A person column's value from the row's fake person: the names themselves, `First Last`, and an email or
 * username built from the lowercased names (`first.last`; with `unique`, the row number keeps it unique).
 * Null when it does not fit the column (the caller then draws an independent fake).
 */
export function personValue(
  entity: string,
  person: FakePerson,
  row: number,
  unique: boolean,
  maxLength: number | null,
): string | null {
  const handle = `${plain(person.first)}.${plain(person.last)}${unique ? `.${row + 1}` : ''}`;
  let value: string | null;
  switch (entity) {
    case 'first_name':
      value = unique ? null : person.first;
      break;
    case 'last_name':
      value = unique ? null : person.last;
      break;
    case 'full_name':
      value = unique ? null : `${person.first} ${person.last}`;
      break;
    case 'email':
      value = `${handle}@${person.domain}`;
      break;
    case 'username':
      value = handle;
      break;
    default:
      value = null;
  }
  return value !== null && (maxLength === null || value.length <= maxLength) ? value : null;
}

const plain = (name: string): string =>
  name
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();

function cumulativeSparse(pairs: readonly number[]): CumulativeTable | null {
  const n = pairs.length >> 1;
  const codes = new Int32Array(n);
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    codes[i] = pairs[2 * i] as number;
    total += pairs[2 * i + 1] as number;
    cumulative[i] = total;
  }
  return total > 0 ? { codes, cumulative } : null;
}

function cumulativeDense(counts: readonly number[]): CumulativeTable | null {
  return cumulativeSparse(counts.flatMap((n, code) => [code, n]));
}

function drawCumulative(table: CumulativeTable, random: SeededRandom): number {
  const { codes, cumulative } = table;
  const target = random.next() * (cumulative[cumulative.length - 1] as number);
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((cumulative[mid] as number) <= target) low = mid + 1;
    else high = mid;
  }
  return codes[low] as number;
}
