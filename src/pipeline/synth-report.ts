import {
  qualifiedName,
  SELECT_ALL,
  sameTable,
  type SourceConnector,
  type SourceSession,
  type TableInfo,
  type TableRef,
} from '../core/index.js';
import {
  bookkeepingReason,
  buildQualityReport,
  exactMatchColumns,
  numericKindOf,
  parseNumeric,
  writtenColumns,
  type CopiedTableReport,
  type JoinedRows,
  type QualityReport,
  type ReportColumn,
  type ReportIntertableInput,
  type ReportRelationInput,
  type ReportTableInput,
} from '../synthesis/index.js';
import type { Policy } from '../policy/index.js';
import { planSnapshot } from './plan-snapshot.js';
import { copiedTables, treatmentsFromPlan } from './synth-source.js';

export interface SynthReportRequest {
  readonly real: SourceConnector;
  readonly synthetic: SourceConnector;
  /** Real rows kept away from fitting (same schema): turns on the closer-to-training share. */
  readonly holdout?: SourceConnector;
  /** Rows read per table from each database. */
  readonly maxRows: number;
  /**
   * The policy the synthesis ran with: columns it treats as personal (generated as fakes, never learnt)
   * are not scored for shape, as SDMetrics leaves PII columns out of its quality report; they stay in
   * the privacy figures.
   */
  readonly policy?: Policy;
  /** Score bookkeeping dates/times (`last_update`, one load window) in Intertable Trends too. */
  readonly includeBookkeeping?: boolean;
  readonly signal: AbortSignal;
}

/** Columns with more distinct values than this share of rows are identifiers or personal: not scored. */
const MAX_DISTINCT_SHARE = 0.5;

type Rows = Map<string, (string | null)[]>;

/**
 * `synth report`: reads a bounded sample of every table of both databases (and the holdout) and scores
 * the synthetic data. Scored columns: not keys, not foreign keys, not generated, not binary / JSON /
 * full-text, and not identifier-like (distinct values above half the real rows).
 */
export async function runSynthReport(request: SynthReportRequest): Promise<QualityReport> {
  const sessions: SourceSession[] = [];
  try {
    const open = async (connector: SourceConnector): Promise<SourceSession> => {
      const session = await connector.openSource(request.signal);
      sessions.push(session);
      return session;
    };
    const real = await open(request.real);
    const synthetic = await open(request.synthetic);
    const holdout = request.holdout === undefined ? undefined : await open(request.holdout);
    const schema = await real.introspect(SELECT_ALL);
    const planned =
      request.policy === undefined ? undefined : await planSnapshot(real, request.policy, SELECT_ALL);
    const treatment = planned === undefined ? undefined : treatmentsFromPlan(planned.plan);
    // Reference tables the policy has synthesis copy as they are: listed, not scored.
    const copied =
      planned === undefined ? new Set<string>() : copiedTables(request.policy, planned.plan, planned.schema);
    const syntheticSchema = await synthetic.introspect(SELECT_ALL);
    const tables = schema.tables
      .filter((t) => t.kind !== 'partitioned')
      .filter((t) => syntheticSchema.tables.some((s) => sameTable(s.ref, t.ref)))
      .sort((a, b) => qualifiedName(a.ref).localeCompare(qualifiedName(b.ref)));
    const read = async (session: SourceSession, table: TableInfo): Promise<Rows> => {
      const columns = writtenColumns(table).map((c) => c.name);
      const out: Rows = new Map(columns.map((c) => [c, []]));
      if (columns.length === 0) return out;
      const batches = session.readRows(
        { table: table.ref, columns, batchRows: 2000, sample: { rows: request.maxRows } },
        request.signal,
      );
      for await (const batch of batches) {
        for (const row of batch) columns.forEach((c, i) => out.get(c)?.push(row[i] ?? null));
      }
      return out;
    };
    const data = new Map<string, { real: Rows; synthetic: Rows; holdout: Rows | undefined }>();
    for (const table of tables) {
      data.set(qualifiedName(table.ref), {
        real: await read(real, table),
        synthetic: await read(synthetic, table),
        holdout: holdout === undefined ? undefined : await read(holdout, table),
      });
    }
    const inputs: ReportTableInput[] = tables.map((table) => {
      const rows = data.get(qualifiedName(table.ref));
      const keyColumns = new Set([
        ...table.uniqueColumnSets.flat(),
        ...foreignKeys(table, schema.tables).flatMap((c) => c.columns),
      ]);
      const columns: ReportColumn[] = [];
      for (const column of writtenColumns(table)) {
        if (keyColumns.has(column.name)) continue;
        if (treatment?.(table.ref, column.name).kind === 'personal') continue;
        if (['binary', 'json', 'text_search'].includes(column.category)) continue;
        const realValues = rows?.real.get(column.name) ?? [];
        const present = realValues.filter((v) => v !== null);
        if (present.length === 0) continue;
        const kind = numericKindOf(column);
        const parse = (values: readonly (string | null)[]): (number | null)[] | null => {
          if (kind === null) return null;
          const out: (number | null)[] = [];
          for (const v of values) {
            if (v === null) out.push(null);
            else {
              const n = parseNumeric(kind, v);
              if (n === null) return null;
              out.push(n);
            }
          }
          return out;
        };
        const syntheticValues = rows?.synthetic.get(column.name) ?? [];
        const holdoutValues = rows?.holdout?.get(column.name);
        const numbers = parse(realValues);
        const syntheticNumbers = parse(syntheticValues);
        const holdoutNumbers = holdoutValues === undefined ? undefined : parse(holdoutValues);
        if (numbers !== null && syntheticNumbers !== null && holdoutNumbers !== null) {
          columns.push({
            name: column.name,
            type: 'numeric',
            real: numbers,
            synthetic: syntheticNumbers,
            ...(holdoutNumbers === undefined ? {} : { holdout: holdoutNumbers }),
            ...bookkeeping(bookkeepingReason(column.name, kind, numbers)),
          });
          continue;
        }
        // Values (nearly) all distinct — titles, descriptions, names, codes, and small lookup tables where
        // every row differs: comparing values says nothing, so text is scored on its shape (lengths and
        // word counts) and other types are not scored.
        const distinct = new Set(present).size;
        const identifierLike =
          distinct > Math.max(20, MAX_DISTINCT_SHARE * present.length) ||
          (distinct === present.length && present.length > 1);
        if (identifierLike && column.category !== 'string') continue;
        columns.push({
          name: column.name,
          type: identifierLike ? 'text' : 'categorical',
          real: realValues,
          synthetic: syntheticValues,
          ...(holdoutValues === undefined ? {} : { holdout: holdoutValues }),
        });
      }
      // Exact matches compare the columns the synthesis filter compares (one definition for both).
      const compared = exactMatchColumns(
        table,
        new Set(foreignKeys(table, schema.tables).flatMap((c) => c.columns)),
      );
      const keysOf = (side: Rows | undefined): string[] => {
        const lists = compared.map((c) => side?.get(c) ?? []);
        const n = lists[0]?.length ?? 0;
        return Array.from({ length: n }, (_, i) => JSON.stringify(lists.map((l) => l[i] ?? null)));
      };
      return {
        table: qualifiedName(table.ref),
        columns,
        ...(compared.length < 2
          ? {}
          : { rowKeys: { real: keysOf(rows?.real), synthetic: keysOf(rows?.synthetic) } }),
      };
    });
    const copiedReports: CopiedTableReport[] = tables
      .filter((t) => copied.has(qualifiedName(t.ref)))
      .map((t) => {
        const rows = data.get(qualifiedName(t.ref));
        const realRows = rowCount(rows?.real);
        const syntheticRows = rowCount(rows?.synthetic);
        const whole = realRows < request.maxRows && syntheticRows < request.maxRows;
        return {
          table: qualifiedName(t.ref),
          realRows,
          syntheticRows,
          identical: whole ? sameRows(rows?.real, rows?.synthetic) : null,
        };
      });
    const scoredColumns = new Map(inputs.map((t) => [t.table, t.columns]));
    const relations: ReportRelationInput[] = [];
    const intertable: ReportIntertableInput[] = [];
    for (const table of tables) {
      // A copied table's references are the source's own: nothing synthesized to score.
      if (copied.has(qualifiedName(table.ref))) continue;
      for (const fk of foreignKeys(table, schema.tables)) {
        const parent = fk.references;
        if (parent === null) continue;
        const parentName = qualifiedName(parent.table);
        const parentData = data.get(parentName);
        const childData = data.get(qualifiedName(table.ref));
        if (parentData === undefined || childData === undefined) continue;
        relations.push({
          name: fk.name,
          child: qualifiedName(table.ref),
          parent: parentName,
          realCounts: childCounts(parentData.real, parent.columns, childData.real, fk.columns),
          syntheticCounts: childCounts(parentData.synthetic, parent.columns, childData.synthetic, fk.columns),
        });
        const parentColumns = scoredColumns.get(parentName) ?? [];
        const childColumns = scoredColumns.get(qualifiedName(table.ref)) ?? [];
        if (parentColumns.length === 0 || childColumns.length === 0) continue;
        intertable.push({
          name: fk.name,
          child: qualifiedName(table.ref),
          parent: parentName,
          parentColumns,
          childColumns,
          real: joinRows(parentData.real, parent.columns, childData.real, fk.columns),
          synthetic: joinRows(parentData.synthetic, parent.columns, childData.synthetic, fk.columns),
        });
      }
    }
    return buildQualityReport(
      inputs.filter((t) => !copied.has(t.table) && (t.columns.length > 0 || t.rowKeys !== undefined)),
      relations,
      intertable,
      undefined,
      { includeBookkeeping: request.includeBookkeeping === true, copiedTables: copiedReports },
    );
  } finally {
    for (const session of sessions) await session.close().catch(() => undefined);
  }
}

function rowCount(rows: Rows | undefined): number {
  return rows === undefined ? 0 : ([...rows.values()][0]?.length ?? 0);
}

/** Whether two samples hold the same rows, as multisets (order aside). */
function sameRows(a: Rows | undefined, b: Rows | undefined): boolean {
  const texts = (rows: Rows | undefined): string[] => {
    const columns = [...(rows?.values() ?? [])];
    return Array.from({ length: rowCount(rows) }, (_, i) =>
      JSON.stringify(columns.map((c) => c[i] ?? null)),
    ).sort();
  };
  const left = texts(a);
  const right = texts(b);
  return left.length === right.length && left.every((text, i) => text === right[i]);
}

const bookkeeping = <T>(reason: T | null): { bookkeeping?: T } =>
  reason === null ? {} : { bookkeeping: reason };

function foreignKeys(table: TableInfo, all: readonly TableInfo[]): TableInfo['constraints'] {
  const chain = [table];
  for (let t: TableInfo | undefined = table; t !== undefined && t.parent !== null;) {
    const parent: TableRef | null = t.parent;
    t = all.find((x) => sameTable(x.ref, parent));
    if (t !== undefined) chain.push(t);
  }
  const seen = new Set<string>();
  return chain
    .flatMap((t) => t.constraints)
    .filter((c) => {
      if (c.kind !== 'foreign_key' || c.references === null) return false;
      const id = `${c.columns.join(',')}>${qualifiedName(c.references.table)}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return all.some((t) => t.kind !== 'partitioned' && sameTable(t.ref, c.references?.table ?? t.ref));
    });
}

const joinKey = (rows: Rows, columns: readonly string[], i: number): string | null => {
  const parts = columns.map((c) => rows.get(c)?.[i] ?? null);
  return parts.some((p) => p === null) ? null : parts.join('\u0001');
};

/**
 * The foreign key's join over the two samples, as row indexes: child rows whose parent row is in the
 * parent's sample (at most the child's sample, so bounded by --sample-rows like everything else).
 */
function joinRows(
  parent: Rows,
  parentColumns: readonly string[],
  child: Rows,
  childColumns: readonly string[],
): JoinedRows {
  const parentRow = new Map<string, number>();
  const parentRows = parent.get(parentColumns[0] ?? '')?.length ?? 0;
  for (let i = 0; i < parentRows; i++) {
    const k = joinKey(parent, parentColumns, i);
    if (k !== null && !parentRow.has(k)) parentRow.set(k, i);
  }
  const childRows = child.get(childColumns[0] ?? '')?.length ?? 0;
  const joinedChild = new Int32Array(childRows);
  const joinedParent = new Int32Array(childRows);
  let n = 0;
  for (let i = 0; i < childRows; i++) {
    const k = joinKey(child, childColumns, i);
    const p = k === null ? undefined : parentRow.get(k);
    if (p === undefined) continue;
    joinedChild[n] = i;
    joinedParent[n] = p;
    n++;
  }
  return { childRows: joinedChild.subarray(0, n), parentRows: joinedParent.subarray(0, n) };
}

function childCounts(
  parent: Rows,
  parentColumns: readonly string[],
  child: Rows,
  childColumns: readonly string[],
): number[] {
  const key = joinKey;
  const counts = new Map<string, number>();
  const parentRows = parent.get(parentColumns[0] ?? '')?.length ?? 0;
  for (let i = 0; i < parentRows; i++) {
    const k = key(parent, parentColumns, i);
    if (k !== null) counts.set(k, 0);
  }
  const childRows = child.get(childColumns[0] ?? '')?.length ?? 0;
  for (let i = 0; i < childRows; i++) {
    const k = key(child, childColumns, i);
    if (k !== null && counts.has(k)) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return [...counts.values()];
}
