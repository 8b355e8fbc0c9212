import {
  GatewayError,
  qualifiedName,
  sameTable,
  type ColumnInfo,
  type ConstraintInfo,
  type DatabaseSchema,
  type EntityKind,
  type TableInfo,
  type TableRef,
} from '../core/index.js';
import { resolveLoadOrder } from '../introspection/index.js';
import {
  coarseCode,
  coarseCount,
  fitCategorical,
  fitNumeric,
  parseColumn,
  type FittedColumn,
} from './column-stats.js';
import { checkedValues, type CheckModel } from './check-constraint.js';
import { fitHierarchy } from './hierarchy.js';
import { fitJsonShape, type JsonLeafTreatment } from './json-shape.js';
import { exactMatchColumns } from './match-columns.js';
import { seededRandom } from './seeded-random.js';
import {
  MODEL_FORMAT_VERSION,
  MODEL_NOTICE,
  MODEL_NOTICE_WITH_COPIES,
  type ChildCountModel,
  type ColumnModel,
  type Conditional,
  type CopiedRows,
  type FeatureRef,
  type ForeignKeyModel,
  type SequenceModel,
  type SynthesisModel,
  type TableModel,
} from './synthesis-model.js';
import { numericKindOf } from './value-codec.js';

/** What the policy (or a scan) decided for a column, as synthesis reads it. */
export type ColumnTreatment =
  | { readonly kind: 'model' }
  /** Generated as a fake of this kind, never learnt from real values. */
  | { readonly kind: 'personal'; readonly entity: EntityKind; readonly scope: string }
  /** Written as NULL (the policy's `nullify`), or as an empty document (JSON the policy rewrites). */
  | { readonly kind: 'blank' }
  | { readonly kind: 'drop' }
  /** A JSON document rewritten leaf by leaf (the policy's `json`): its shape is learnt, named personal leaves are fakes. */
  | {
      readonly kind: 'json';
      readonly leaves: ReadonlyMap<string, JsonLeafTreatment>;
      readonly otherStrings: 'model' | 'blank';
    };

/** A bounded sample of one table, column-major, in the store's text form. */
export interface TableSample {
  readonly table: TableRef;
  /** Rows in the source (exact when the sample is the whole table). */
  readonly rows: number;
  /** False when the table had more rows than were read (then `rows` is the planner's estimate). */
  readonly complete?: boolean;
  readonly columns: readonly string[];
  readonly values: readonly (readonly (string | null)[])[];
}

export interface FitOptions {
  readonly schema: DatabaseSchema;
  readonly samples: ReadonlyMap<string, TableSample>;
  readonly treatment: (table: TableRef, column: string) => ColumnTreatment;
  /** Categories and conditional cells with fewer rows are never stored (k). */
  readonly rareCategoryMin: number;
  readonly seed: string;
  readonly schemaFingerprint: string;
  readonly ddl: SynthesisModel['ddl'];
  /**
   * Reference tables copied as they are (`synth: copy`, qualified names): their samples must be whole
   * tables; their rows go into the model with their statistics. The caller checks they hold nothing personal.
   */
  readonly copied?: ReadonlySet<string>;
}

/** Below this mutual information (nats) a feature is not worth conditioning on. */
const MIN_MUTUAL_INFORMATION = 0.005;
/** Features a column is conditioned on (synthpop-style sequential model with two parents per column). */
const MAX_PARENTS = 2;
/** Child counts above this share one bucket when choosing the conditioning column. */
const COUNT_BUCKETS = 12;

/** Per fitted table: the coarse codes of each sampled row, by key, for children to condition on. */
interface FittedTable {
  readonly model: TableModel;
  readonly modelled: readonly string[];
  /** Coarse codes per modelled column per sampled row. */
  readonly coarse: readonly Uint8Array[];
  readonly coarseSizes: readonly number[];
  /** Row index by referenced-key text, per referenced column set (joined by \u0001). */
  readonly rowByKey: Map<string, Map<string, number>>;
}

/**
 * Fits a synthesis model from bounded samples: per table a sequential conditional model over its
 * non-key, non-personal columns (each column conditioned on up to two earlier columns or columns of the
 * referenced rows), child-count models per foreign key, order constraints between date columns, and the
 * roles of keys and personal columns. Pure: the samples come in, statistics come out.
 */
export function fitSynthesisModel(options: FitOptions): SynthesisModel {
  const { schema, samples } = options;
  // Rows live in plain tables and leaf partitions; a partitioned table holds none of its own.
  const roots = schema.tables.filter((t) => t.kind !== 'partitioned');
  const foreignKeys = new Map(roots.map((t) => [qualifiedName(t.ref), foreignKeysOf(t, schema, roots)]));
  const graph: DatabaseSchema = {
    sequences: [],
    tables: roots.map((t) => ({
      ...t,
      kind: 'table',
      parent: null,
      constraints: foreignKeys.get(qualifiedName(t.ref)) ?? [],
    })),
  };
  const { order, deferred } = resolveLoadOrder(graph);
  const deferredNames = new Set(deferred.map((d) => `${qualifiedName(d.to)}\u0000${d.constraint}`));
  const fitted = new Map<string, FittedTable>();
  for (const ref of order) {
    const name = qualifiedName(ref);
    const info = roots.find((t) => sameTable(t.ref, ref));
    const sample = samples.get(name);
    if (info === undefined || sample === undefined) continue;
    const fks = foreignKeys.get(name) ?? [];
    fitted.set(
      name,
      fitTable(info, sample, fks, (fk) => deferredNames.has(`${name}\u0000${fk.name}`), fitted, options),
    );
  }
  const copiedTables = order.flatMap((ref) =>
    fitted.get(qualifiedName(ref))?.model.copy === undefined ? [] : [qualifiedName(ref)],
  );
  return {
    formatVersion: MODEL_FORMAT_VERSION,
    notice: copiedTables.length === 0 ? MODEL_NOTICE : MODEL_NOTICE_WITH_COPIES,
    ...(copiedTables.length === 0 ? {} : { copiedTables }),
    schemaFingerprint: options.schemaFingerprint,
    rareCategoryMin: options.rareCategoryMin,
    ddl: options.ddl,
    sequences: serialSequences(
      schema,
      [...fitted.values()].map((t) => t.model),
    ),
    tables: order.flatMap((ref) => {
      const table = fitted.get(qualifiedName(ref));
      return table === undefined ? [] : [table.model];
    }),
  };
}

/**
 * A partition's foreign keys: its own and its partitioned ancestors' (same columns and parent once), and
 * only references to tables being synthesised count.
 */
function foreignKeysOf(
  table: TableInfo,
  schema: DatabaseSchema,
  roots: readonly TableInfo[],
): ConstraintInfo[] {
  const chain: TableInfo[] = [table];
  for (let t: TableInfo | undefined = table; t?.parent !== null && t !== undefined;) {
    const parent: TableRef | null = t.parent;
    t = parent === null ? undefined : schema.tables.find((x) => sameTable(x.ref, parent));
    if (t !== undefined) chain.push(t);
  }
  const seen = new Set<string>();
  const out: ConstraintInfo[] = [];
  for (const t of chain) {
    for (const c of t.constraints) {
      if (c.kind !== 'foreign_key' || c.references === null) continue;
      if (!roots.some((r) => sameTable(r.ref, c.references?.table ?? r.ref))) continue;
      const id = `${c.columns.join(',')}>${qualifiedName(c.references.table)}(${c.references.columns.join(',')})`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(c);
    }
  }
  return out;
}

/** Sequences named as PostgreSQL names a serial column's (`table_column_seq`) belong to that serial column. */
function serialSequences(schema: DatabaseSchema, tables: readonly TableModel[]): SequenceModel[] {
  const out: SequenceModel[] = [];
  for (const sequence of schema.sequences) {
    for (const table of tables) {
      const owner = table.partitionOf ?? table.table;
      if (owner.schema !== sequence.ref.schema) continue;
      const column = table.columns.find(
        (c) => c.role === 'serial' && `${owner.name}_${c.name}_seq` === sequence.ref.name,
      );
      if (column !== undefined) out.push({ sequence: sequence.ref, table: table.table, column: column.name });
    }
  }
  return out;
}

/** Columns a sample must hold for a table: every column that is written and not generated by the target. */
export function writtenColumns(table: TableInfo): ColumnInfo[] {
  return table.columns.filter((c) => !c.isGenerated);
}

function fitTable(
  info: TableInfo,
  sample: TableSample,
  fks: readonly ConstraintInfo[],
  isDeferred: (fk: ConstraintInfo) => boolean,
  fitted: ReadonlyMap<string, FittedTable>,
  options: FitOptions,
): FittedTable {
  const k = options.rareCategoryMin;
  const name = qualifiedName(info.ref);
  const random = seededRandom(`${options.seed}\u0000fit\u0000${name}`);
  const valuesOf = (column: string): readonly (string | null)[] => {
    const index = sample.columns.indexOf(column);
    if (index === -1) throw new GatewayError('internal', `${name}.${column} was not sampled`);
    return sample.values[index] ?? [];
  };
  const rowCount = sample.values[0]?.length ?? 0;

  // Roles: foreign keys first, then the policy's treatments, then keys, then everything else is modelled.
  const roles = new Map<string, ColumnModel>();
  fks.forEach((fk, i) => {
    for (const column of fk.columns) {
      if (!roles.has(column)) roles.set(column, { name: column, role: 'foreign_key', foreignKey: i });
    }
  });
  const dropped: string[] = [];
  const columns = writtenColumns(info);
  const uniqueColumns = new Set(info.uniqueColumnSets.flat());
  for (const column of columns) {
    if (roles.has(column.name)) continue;
    const treatment = options.treatment(info.ref, column.name);
    if (treatment.kind === 'drop') dropped.push(column.name);
    else if (
      column.category === 'json' &&
      (treatment.kind === 'json' || treatment.kind === 'model') &&
      !uniqueColumns.has(column.name)
    ) {
      // Documents keep their structure: paths, types, presence, array lengths, leaf marginals.
      roles.set(column.name, {
        name: column.name,
        role: 'json_document',
        shape: fitJsonShape(valuesOf(column.name), {
          leaves: treatment.kind === 'json' ? treatment.leaves : new Map(),
          otherStrings: treatment.kind === 'json' ? treatment.otherStrings : 'model',
          minRows: k,
          jsonb: column.baseType === 'jsonb',
        }),
      });
    } else if (treatment.kind === 'blank' || treatment.kind === 'json') {
      roles.set(column.name, { name: column.name, role: 'constant', value: blankValue(column) });
    } else if (treatment.kind === 'personal') {
      const values = valuesOf(column.name);
      const nulls = values.filter((v) => v === null).length;
      const empties = values.filter((v) => v === '').length;
      roles.set(column.name, {
        name: column.name,
        role: 'personal',
        entity: treatment.entity,
        scope: treatment.scope,
        maxLength: column.maxLength,
        unique: uniqueColumns.has(column.name),
        nullShare: rowCount === 0 ? 0 : nulls / rowCount,
        emptyShare: rowCount === 0 ? 0 : empties / rowCount,
      });
    }
  }
  for (const set of info.uniqueColumnSets) {
    const covered = set.some((c) => {
      const role = roles.get(c);
      return (
        role?.role === 'serial' || role?.role === 'unique_value' || (role?.role === 'personal' && role.unique)
      );
    });
    if (covered) continue;
    const free = set
      .map((c) => columns.find((x) => x.name === c))
      .filter((c) => c !== undefined && !roles.has(c.name));
    const numeric = free.find((c) => c?.category === 'integer' || c?.category === 'decimal');
    if (numeric !== undefined) roles.set(numeric.name, { name: numeric.name, role: 'serial' });
    else if (set.length === 1 && free.length === 1 && free[0] !== undefined) {
      const only = free[0];
      if (only.category === 'uuid' || only.category === 'string') {
        roles.set(only.name, {
          name: only.name,
          role: 'unique_value',
          kind: only.category === 'uuid' ? 'uuid' : 'string',
          maxLength: only.maxLength,
        });
      }
    }
  }
  for (const column of columns) {
    if (roles.has(column.name) || dropped.includes(column.name)) continue;
    if (column.category === 'text_search') {
      roles.set(column.name, { name: column.name, role: 'constant', value: column.isNullable ? null : '' });
    } else if (column.category === 'binary') {
      roles.set(column.name, {
        name: column.name,
        role: 'constant',
        value: column.isNullable ? null : '\\x',
      });
    }
  }

  // Modelled columns: statistics and codes.
  const modelled = columns.filter((c) => !roles.has(c.name) && !dropped.includes(c.name));
  const fits = new Map<string, FittedColumn>();
  const numbers = new Map<string, (number | null)[]>();
  for (const column of modelled) {
    const kind = numericKindOf(column);
    const parsed = kind === null ? null : parseColumn(kind, valuesOf(column.name));
    if (kind !== null && parsed !== null) {
      numbers.set(column.name, parsed.numbers);
      fits.set(column.name, fitNumeric(parsed.numbers, kind, parsed.decimals, k, random));
    } else fits.set(column.name, fitCategorical(valuesOf(column.name), enumLike(column, info), k));
  }
  // Order constraints: a later date never before an earlier one when that held on every sampled row.
  const anchors = findAnchors(modelled, numbers, k);
  for (const [column, anchor] of anchors) {
    const a = numbers.get(anchor) ?? [];
    const b = numbers.get(column) ?? [];
    const offsets = b.map((v, i) => (v === null || a[i] === null ? null : v - (a[i] as number)));
    const kind = numericKindOf(modelled.find((c) => c.name === column) as ColumnInfo);
    if (kind === null) continue;
    fits.set(column, fitNumeric(offsets, kind, 0, k, random, anchor));
  }

  // Features: this table's modelled columns and the modelled columns of each referenced row.
  interface Feature {
    readonly ref: FeatureRef;
    readonly codes: Uint8Array;
    readonly size: number;
  }
  const own: Feature[] = modelled.map((c) => {
    const fit = fits.get(c.name) as FittedColumn;
    const codes = new Uint8Array(rowCount);
    for (let i = 0; i < rowCount; i++) codes[i] = coarseCode(fit.stats, fit.codes[i] as number);
    return { ref: { foreignKey: -1, column: c.name }, codes, size: coarseCount(fit.stats) };
  });
  const inherited: Feature[] = [];
  fks.forEach((fk, f) => {
    if (isDeferred(fk) || fk.references === null) return;
    const parent = fitted.get(qualifiedName(fk.references.table));
    const index = parent?.rowByKey.get(fk.references.columns.join('\u0001'));
    if (parent === undefined || index === undefined) return;
    const keys = keyTexts(fk.columns.map(valuesOf), rowCount);
    parent.modelled.forEach((column, j) => {
      const size = parent.coarseSizes[j] as number;
      const parentCodes = parent.coarse[j] as Uint8Array;
      const codes = new Uint8Array(rowCount);
      for (let i = 0; i < rowCount; i++) {
        const key = keys[i] ?? null;
        const row = key === null ? undefined : index.get(key);
        // A child whose parent was not sampled reads as the parent column's null code.
        codes[i] = row === undefined ? size - 1 : (parentCodes[row] as number);
      }
      inherited.push({ ref: { foreignKey: f, column }, codes, size });
    });
  });

  // Greedy order: next is the column best explained by what is already drawn; its parents are the best two.
  const placed: Feature[] = [...inherited];
  const order: string[] = [];
  const conditionals = new Map<string, Conditional>();
  const remaining = new Set(modelled.map((c) => c.name));
  const miCache = new Map<string, number>();
  const mi = (a: Feature, b: Feature): number => {
    const key = `${a.ref.foreignKey}:${a.ref.column}|${b.ref.foreignKey}:${b.ref.column}`;
    let value = miCache.get(key);
    if (value === undefined) {
      value = mutualInformation(a.codes, a.size, b.codes, b.size);
      miCache.set(key, value);
    }
    return value;
  };
  while (remaining.size > 0) {
    let best: Feature | undefined;
    let bestScore = -1;
    for (const feature of own) {
      if (!remaining.has(feature.ref.column)) continue;
      const anchor = anchors.get(feature.ref.column);
      if (anchor !== undefined && remaining.has(anchor)) continue;
      const candidates = placed.length > 0 ? placed : own.filter((o) => o !== feature);
      const score = candidates.reduce((m, c) => Math.max(m, mi(feature, c)), 0);
      if (score > bestScore) {
        bestScore = score;
        best = feature;
      }
    }
    if (best === undefined) break; // unreachable: anchors form no cycle
    const target = best;
    const parents = placed
      .map((p) => ({ p, score: mi(target, p) }))
      .filter((x) => x.score > MIN_MUTUAL_INFORMATION)
      .sort((a, b) => b.score - a.score)
      .slice(0, MAX_PARENTS)
      .map((x) => x.p);
    const fit = fits.get(target.ref.column) as FittedColumn;
    conditionals.set(target.ref.column, conditionalCounts(fit.codes, parents, k));
    order.push(target.ref.column);
    remaining.delete(target.ref.column);
    placed.push(target);
  }
  for (const column of modelled) {
    const fit = fits.get(column.name) as FittedColumn;
    roles.set(column.name, {
      name: column.name,
      role: 'modelled',
      stats: fit.stats,
      conditional: conditionals.get(column.name) ?? { parents: [], byBoth: {}, byFirst: {} },
    });
  }

  // Keys children refer to: row index by key text, per referenced column set.
  const rowByKey = new Map<string, Map<string, number>>();
  const referencedSets = new Set<string>();
  for (const other of options.schema.tables) {
    for (const c of other.constraints) {
      if (c.kind === 'foreign_key' && c.references !== null && sameTable(c.references.table, info.ref))
        referencedSets.add(c.references.columns.join('\u0001'));
    }
  }
  for (const set of referencedSets) {
    const cols = set.split('\u0001');
    if (!cols.every((c) => sample.columns.includes(c))) continue;
    const keys = keyTexts(cols.map(valuesOf), rowCount);
    const map = new Map<string, number>();
    keys.forEach((key, i) => {
      if (key !== null) map.set(key, i);
    });
    rowByKey.set(set, map);
  }

  const ownCoarse = own.map((f) => f.codes);
  const foreignKeyModels: ForeignKeyModel[] = fks.map((fk) => {
    const parentRef = (fk.references as NonNullable<ConstraintInfo['references']>).table;
    const parentName = qualifiedName(parentRef);
    const parentSample = options.samples.get(parentName);
    const childKeys = keyTexts(fk.columns.map(valuesOf), rowCount);
    const nulls = childKeys.filter((key) => key === null).length;
    const parentFit = isDeferred(fk) ? undefined : fitted.get(parentName);
    const self = sameTable(parentRef, info.ref);
    const hierarchy =
      self && fk.references !== null && fk.references.columns.every((c) => sample.columns.includes(c))
        ? fitHierarchy(childKeys, keyTexts(fk.references.columns.map(valuesOf), rowCount))
        : null;
    const parentKeys =
      parentSample === undefined
        ? []
        : keyTexts(
            (fk.references?.columns ?? []).map((c) => {
              const i = parentSample.columns.indexOf(c);
              return parentSample.values[i] ?? [];
            }),
            parentSample.values[0]?.length ?? 0,
          );
    // Into a copied table (whose rows stay as they are): how many children each real key has.
    const keyCounts =
      options.copied?.has(parentName) === true && !options.copied.has(name) && !isDeferred(fk)
        ? countsPerKey(childKeys, parentKeys, k)
        : null;
    return {
      name: fk.name,
      columns: fk.columns,
      parent: parentRef,
      parentColumns: fk.references?.columns ?? [],
      deferred: isDeferred(fk),
      unique: info.uniqueColumnSets.some(
        (set) => set.length === fk.columns.length && set.every((c) => fk.columns.includes(c)),
      ),
      nullShare: rowCount === 0 ? 0 : nulls / rowCount,
      childCounts: childCountModel(childKeys, parentKeys, parentFit, k),
      ...(hierarchy === null ? {} : { hierarchy }),
      ...(keyCounts === null ? {} : { keyCounts }),
    };
  });

  const model: TableModel = {
    table: info.ref,
    partitionOf: info.kind === 'partition' ? info.parent : null,
    rows: sample.rows,
    sampledRows: rowCount,
    columns: columns.filter((c) => !dropped.includes(c.name)).map((c) => roles.get(c.name) as ColumnModel),
    droppedColumns: dropped,
    order,
    foreignKeys: foreignKeyModels,
    uniqueSets: info.uniqueColumnSets,
    matchColumns: exactMatchColumns(info, new Set(fks.flatMap((fk) => fk.columns))).filter(
      (c) => !dropped.includes(c),
    ),
    nullableColumns: columns.filter((c) => c.isNullable && !dropped.includes(c.name)).map((c) => c.name),
    checks: checksOf(info).filter((c) => c.domain === undefined || !dropped.includes(c.columns[0] ?? '')),
    ...(options.copied?.has(name) === true
      ? { copy: copiedRows(name, sample, writtenNames(columns, dropped), modelled, ownCoarse) }
      : {}),
  };
  return {
    model,
    modelled: modelled.map((c) => c.name),
    coarse: ownCoarse,
    coarseSizes: own.map((f) => f.size),
    rowByKey,
  };
}

/** Names of the columns a table model writes (its `columns`, in order). */
function writtenNames(columns: readonly ColumnInfo[], dropped: readonly string[]): string[] {
  return columns.filter((c) => !dropped.includes(c.name)).map((c) => c.name);
}

/** A copied table's rows in write order, with each row's coarse code per modelled column (children condition on them). */
function copiedRows(
  name: string,
  sample: TableSample,
  columns: readonly string[],
  modelled: readonly ColumnInfo[],
  coarse: readonly Uint8Array[],
): CopiedRows {
  const rowCount = sample.values[0]?.length ?? 0;
  if (sample.rows !== rowCount || sample.complete === false)
    throw new GatewayError(
      'internal',
      `${name}: a copied table must be read whole (${rowCount} of ${sample.rows} rows)`,
    );
  const indexes = columns.map((c) => sample.columns.indexOf(c));
  const rows: (string | null)[][] = [];
  for (let i = 0; i < rowCount; i++) rows.push(indexes.map((j) => sample.values[j]?.[i] ?? null));
  return {
    rows,
    coarse: Object.fromEntries(modelled.map((c, j) => [c.name, Array.from(coarse[j] ?? [])])),
  };
}

/**
 * A text column that a CHECK constraint holds to a list (`CHECK (status IN (…))`) is fitted as an enum
 * with those labels: its rare values are drawn from the list, never as made-up text the CHECK refuses.
 */
function enumLike(column: ColumnInfo, info: TableInfo): ColumnInfo {
  if (column.enumLabels !== null) return column;
  const labels = checkedValues(checksOf(info), column.name);
  return labels === null || labels.length === 0 ? column : { ...column, enumLabels: labels };
}

/** The table's CHECK constraints, then each column's domain CHECKs (`VALUE` is the column). */
function checksOf(info: TableInfo): CheckModel[] {
  return [
    ...info.constraints
      .filter((c) => c.kind === 'check')
      .map((c) => ({ name: c.name, columns: c.columns, definition: c.definition })),
    ...writtenColumns(info).flatMap((column) =>
      (column.domainChecks ?? []).map((d) => ({
        name: d.name,
        columns: [column.name],
        definition: d.definition,
        domain: d.domain,
      })),
    ),
  ];
}

function blankValue(column: ColumnInfo): string | null {
  if (column.isNullable) return null;
  if (column.category === 'json') return '{}';
  if (column.category === 'array') return '{}';
  return '';
}

/** Key text per row (columns joined by \u0001), or null when any key column is NULL (no reference). */
function keyTexts(columns: readonly (readonly (string | null)[])[], rows: number): (string | null)[] {
  const out: (string | null)[] = [];
  for (let i = 0; i < rows; i++) {
    let key = '';
    let isNull = false;
    for (let c = 0; c < columns.length; c++) {
      const value = columns[c]?.[i] ?? null;
      if (value === null) {
        isNull = true;
        break;
      }
      key += c === 0 ? value : `\u0001${value}`;
    }
    out.push(isNull ? null : key);
  }
  return out;
}

/**
 * Pairs of date/timestamp columns of one kind where the second is never before the first on any sampled
 * row (and later on some, and never set without the first): the second is drawn as first + offset.
 * Each column gets the anchor with the smallest mean offset.
 */
function findAnchors(
  modelled: readonly ColumnInfo[],
  numbers: ReadonlyMap<string, (number | null)[]>,
  minRows: number,
): Map<string, string> {
  const temporal = modelled.filter((c) => {
    const kind = numericKindOf(c);
    return (kind === 'date' || kind === 'timestamp' || kind === 'timestamptz') && numbers.has(c.name);
  });
  const anchors = new Map<string, string>();
  for (const b of temporal) {
    let best: { anchor: string; mean: number } | undefined;
    for (const a of temporal) {
      if (a === b || a.category !== b.category || a.baseType !== b.baseType) continue;
      const av = numbers.get(a.name) ?? [];
      const bv = numbers.get(b.name) ?? [];
      let both = 0;
      let strict = 0;
      let sum = 0;
      let holds = true;
      for (let i = 0; i < bv.length && holds; i++) {
        const x = av[i] ?? null;
        const y = bv[i] ?? null;
        if (y !== null && x === null) holds = false;
        else if (x !== null && y !== null) {
          if (y < x) holds = false;
          both++;
          if (y > x) strict++;
          sum += y - x;
        }
      }
      if (!holds || both < minRows || strict === 0) continue;
      const mean = sum / both;
      if (best === undefined || mean < best.mean) best = { anchor: a.name, mean };
    }
    if (best !== undefined) anchors.set(b.name, best.anchor);
  }
  // Two columns cannot anchor each other (that needs equality everywhere, excluded by `strict`).
  return anchors;
}

export function mutualInformation(a: Uint8Array, sizeA: number, b: Uint8Array, sizeB: number): number {
  const n = a.length;
  if (n === 0) return 0;
  const joint = new Float64Array(sizeA * sizeB);
  const pa = new Float64Array(sizeA);
  const pb = new Float64Array(sizeB);
  for (let i = 0; i < n; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    joint[x * sizeB + y] = (joint[x * sizeB + y] as number) + 1;
    pa[x] = (pa[x] as number) + 1;
    pb[y] = (pb[y] as number) + 1;
  }
  let total = 0;
  for (let x = 0; x < sizeA; x++) {
    for (let y = 0; y < sizeB; y++) {
      const j = joint[x * sizeB + y] as number;
      if (j === 0) continue;
      total += (j / n) * Math.log((j * n) / ((pa[x] as number) * (pb[y] as number)));
    }
  }
  return total;
}

function conditionalCounts(
  codes: Uint16Array,
  parents: readonly { ref: FeatureRef; codes: Uint8Array }[],
  minRows: number,
): Conditional {
  const cells = (keyOf: (i: number) => string): Record<string, number[]> => {
    const counts = new Map<string, Map<number, number>>();
    for (let i = 0; i < codes.length; i++) {
      const key = keyOf(i);
      let cell = counts.get(key);
      if (cell === undefined) counts.set(key, (cell = new Map<number, number>()));
      const code = codes[i] as number;
      cell.set(code, (cell.get(code) ?? 0) + 1);
    }
    const out: Record<string, number[]> = {};
    for (const key of [...counts.keys()].sort()) {
      const cell = counts.get(key) as Map<number, number>;
      let total = 0;
      for (const n of cell.values()) total += n;
      if (total < minRows) continue;
      out[key] = [...cell.entries()].sort((x, y) => x[0] - y[0]).flat();
    }
    return out;
  };
  const first = parents[0];
  const second = parents[1];
  return {
    parents: parents.map((p) => p.ref),
    byFirst: first === undefined ? {} : cells((i) => String(first.codes[i])),
    byBoth:
      first === undefined || second === undefined ? {} : cells((i) => `${first.codes[i]},${second.codes[i]}`),
  };
}

/** Children per parent key (parent rows' order) where at least `minRows`, else -1 (a count never stored). */
function countsPerKey(
  childKeys: readonly (string | null)[],
  parentKeys: readonly (string | null)[],
  minRows: number,
): number[] {
  const perKey = new Map<string, number>();
  for (const key of childKeys) if (key !== null) perKey.set(key, (perKey.get(key) ?? 0) + 1);
  return parentKeys.map((key) => {
    const n = key === null ? 0 : (perKey.get(key) ?? 0);
    return n >= minRows ? n : -1;
  });
}

/** Children per sampled parent key (zero included), conditioned on the parent column that tells most. */
function childCountModel(
  childKeys: readonly (string | null)[],
  parentKeys: readonly (string | null)[],
  parent: FittedTable | undefined,
  minRows: number,
): ChildCountModel {
  const perKey = new Map<string, number>();
  for (const key of parentKeys) if (key !== null) perKey.set(key, 0);
  for (const key of childKeys) {
    if (key !== null && perKey.has(key)) perKey.set(key, (perKey.get(key) ?? 0) + 1);
  }
  const counts = parentKeys.map((key) => (key === null ? 0 : (perKey.get(key) ?? 0)));
  const histogram = (indexes: Iterable<number>): number[] => {
    const h = new Map<number, number>();
    for (const i of indexes) h.set(counts[i] as number, (h.get(counts[i] as number) ?? 0) + 1);
    return [...h.entries()].sort((a, b) => a[0] - b[0]).flat();
  };
  const all = counts.map((_, i) => i);
  let condition: string | null = null;
  const byCode: Record<string, number[]> = {};
  if (parent !== undefined && counts.length === (parent.coarse[0]?.length ?? -1)) {
    const buckets = Uint8Array.from(counts, (c) => Math.min(c, COUNT_BUCKETS));
    let best = MIN_MUTUAL_INFORMATION;
    parent.modelled.forEach((column, j) => {
      const score = mutualInformation(
        parent.coarse[j] as Uint8Array,
        parent.coarseSizes[j] as number,
        buckets,
        COUNT_BUCKETS + 1,
      );
      if (score > best) {
        best = score;
        condition = column;
      }
    });
    if (condition !== null) {
      const j = parent.modelled.indexOf(condition);
      const codes = parent.coarse[j] as Uint8Array;
      const groups = new Map<number, number[]>();
      all.forEach((i) => {
        const code = codes[i] as number;
        const group = groups.get(code);
        if (group === undefined) groups.set(code, [i]);
        else group.push(i);
      });
      for (const [code, members] of [...groups.entries()].sort((a, b) => a[0] - b[0])) {
        if (members.length >= minRows) byCode[String(code)] = histogram(members);
      }
    }
  }
  return { condition, marginal: histogram(all), byCode };
}
