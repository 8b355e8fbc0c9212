import {
  qualifiedName,
  sameTable,
  type DatabaseSchema,
  type EntityKind,
  type Logger,
  type RowBatch,
  type SourceSession,
  type TableRef,
} from '../core/index.js';
import { KnownEntityIndex } from '../detection/index.js';
import { mayCoincideWithRealValues, ValueBloomFilter } from '../fake-values/index.js';
import type { Plan, PlannedColumn } from '../policy/index.js';

/** Values per filter at a 1% false-positive rate: ~2.4 MB each. Word-list kinds rarely have more distinct values. */
const MAX_FILTER_VALUES = 2_000_000;

/** Substituted kinds whose values are looked for verbatim in text, and the span type they get there. */
const KNOWN_TYPES: Partial<Record<EntityKind, string>> = {
  full_name: 'PERSON',
  email: 'EMAIL_ADDRESS',
  phone: 'PHONE_NUMBER',
  username: 'USERNAME',
  // A customer's own street line quoted in a ticket ("34557 The Glebe"): street shapes vary too much for
  // patterns alone, and a street line identifies a household.
  street_address: 'STREET_ADDRESS',
};

export interface SourceValues {
  /** Per substitution scope: the real values of word-list kinds, so no fake equals one of them. */
  readonly filters: Map<string, ValueBloomFilter>;
  /** The source's names, emails, phones and usernames, found verbatim in text; only when text is redacted. */
  readonly knownEntities: KnownEntityIndex | undefined;
}

/**
 * Another consumer of the same pass (the leak scan's source side, see startLeakScan): per table
 * (`schema.table`), the columns it needs; it gets each batch with where they sit in the rows.
 */
export interface AlsoRead {
  readonly reads: ReadonlyMap<string, { readonly columns: readonly string[] }>;
  addBatch(table: string, batch: RowBatch, positions: readonly number[]): void;
  /** The consumer gave up (its index outgrew its budget): see collectSourceValues' `alsoReadUntilOverflow`. */
  readonly overflowed?: boolean;
}

/** What one table's read feeds: a column per filter, a column per known-entity type, a first + last pair. */
interface TableRead {
  readonly columns: string[];
  readonly filters: { readonly at: number; readonly filter: ValueBloomFilter }[];
  readonly known: {
    readonly at: number;
    readonly type: string;
    /** Values of the type that text detection finds without the index (see `certainInText`). */
    readonly certain: ((value: string) => boolean) | undefined;
  }[];
  first: number;
  last: number;
}

/**
 * Before the load, one read per table of its substituted columns (no values kept), feeding two structures:
 * - a Bloom filter per substitution scope of the kinds drawn from word lists (see mayCoincideWithRealValues),
 *   so substitution never emits a fake equal to a real value of the scope — a real name, address or email
 *   cannot reappear in the target, not even as someone else's. Each filter is capped, so memory stays flat
 *   however large the tables are: beyond the cap it over-reports, which only costs redraws;
 * - when the plan redacts text (`redact_text`, `json`), the known-entity index: the names, emails, phones,
 *   usernames and street lines of substituted columns and the first + last name pairs of one row, as keyed fingerprints, so a
 *   customer quoted in a ticket is found even when no pattern or lexicon would find them.
 * Array columns are substituted per element and are not read. Both structures live in shared memory:
 * transform workers receive them without a copy.
 */
export async function collectSourceValues(
  source: SourceSession,
  plan: Plan,
  schema: DatabaseSchema,
  {
    batchRows,
    signal,
    logger,
    alsoRead,
    alsoReadUntilOverflow = false,
    certainInText,
    onRows,
  }: {
    batchRows: number;
    signal: AbortSignal;
    logger: Logger;
    alsoRead?: AlsoRead;
    /**
     * Tables read after the other consumer overflowed leave its columns out (a subset's whole-source leak
     * index, which is then not used). Otherwise it gets every row: a full copy's index measures the source.
     */
    alsoReadUntilOverflow?: boolean;
    /** Told the rows read so far from a table, batch by batch (progress; counts only). */
    onRows?: (table: TableRef, rowsSoFar: number) => void;
    /**
     * The run's text detector's `certainOf`: values it accepts are found in text by the patterns wherever
     * they stand, so the index does not hold them (an e-mail the email rule finds and validates: on the 5M-
     * people bench, 5 M of the index's 11 M entries, ~27 MB in every transform worker's view of it).
     */
    certainInText?: (type: string) => ((value: string) => boolean) | undefined;
  },
): Promise<SourceValues> {
  const redactsText = plan.tables.some(
    (t) =>
      t.copyRows &&
      t.columns.some((c) => c.copied && (c.action.kind === 'redact_text' || c.action.kind === 'json')),
  );

  const expectedByScope = new Map<string, number>();
  let expectedKnown = 0;
  const plannedReads: {
    table: (typeof plan.tables)[number];
    columns: PlannedColumn[];
    scopes: (string | null)[];
  }[] = [];
  for (const planned of plan.tables) {
    if (!planned.copyRows) continue;
    const info = schema.tables.find((t) => sameTable(t.ref, planned.table));
    const columns: PlannedColumn[] = [];
    const scopes: (string | null)[] = [];
    for (const column of planned.columns) {
      const entity = substituted(column);
      if (entity === undefined) continue;
      const columnInfo = info?.columns.find((c) => c.name === column.name);
      if (columnInfo === undefined || columnInfo.category === 'array') continue;
      const filtered = mayCoincideWithRealValues(entity);
      const known = redactsText && (KNOWN_TYPES[entity] !== undefined || isNamePart(entity));
      // A name part adds half an entry (a first + last pair makes one), the others one each.
      if (known) expectedKnown += (info?.estimatedRows ?? 0) * (isNamePart(entity) ? 0.5 : 1);
      if (!filtered && !known) continue;
      const scope = column.action.kind === 'substitute' ? (column.action.scope ?? entity) : entity;
      columns.push(column);
      scopes.push(filtered ? scope : null);
      if (filtered)
        expectedByScope.set(scope, (expectedByScope.get(scope) ?? 0) + (info?.estimatedRows ?? 0));
    }
    if (columns.length > 0 || alsoRead?.reads.has(qualifiedName(planned.table)) === true)
      plannedReads.push({ table: planned, columns, scopes });
  }
  const knownEntities = redactsText
    ? new KnownEntityIndex({ expectedEntries: Math.max(0, expectedKnown) })
    : undefined;
  const filters = new Map<string, ValueBloomFilter>();
  for (const [scope, expected] of expectedByScope) {
    filters.set(scope, new ValueBloomFilter(Math.min(expected, MAX_FILTER_VALUES)));
  }

  let leftToPatterns = 0;
  for (const { table, columns, scopes } of plannedReads) {
    const also = alsoReadUntilOverflow && alsoRead?.overflowed === true ? undefined : alsoRead;
    if (columns.length === 0 && also === undefined) continue;
    const read: TableRead = {
      columns: columns.map((c) => c.name),
      filters: [],
      known: [],
      first: -1,
      last: -1,
    };
    columns.forEach((column, at) => {
      const scope = scopes[at];
      if (scope != null) read.filters.push({ at, filter: filters.get(scope) as ValueBloomFilter });
      if (knownEntities === undefined) return;
      const entity = substituted(column) as EntityKind;
      const type = KNOWN_TYPES[entity];
      // Phones are indexed by their digits, found in text however they are written: always held.
      if (type !== undefined)
        read.known.push({
          at,
          type,
          certain: type === 'PHONE_NUMBER' ? undefined : certainInText?.(type),
        });
      if (entity === 'first_name' && read.first < 0) read.first = at;
      if (entity === 'last_name' && read.last < 0) read.last = at;
    });
    // The other consumer's columns join the read; it learns where they sit in the rows.
    const name = qualifiedName(table.table);
    const alsoColumns = also?.reads.get(name)?.columns ?? [];
    const alsoPositions = alsoColumns.map((column) => {
      const at = read.columns.indexOf(column);
      return at >= 0 ? at : read.columns.push(column) - 1;
    });
    const batches = source.readRows(
      {
        table: table.table,
        columns: read.columns,
        ...(table.where === null ? {} : { where: table.where }),
        batchRows,
      },
      signal,
    );
    let rowsRead = 0;
    for await (const batch of batches) {
      rowsRead += batch.length;
      onRows?.(table.table, rowsRead);
      if (alsoColumns.length > 0) also?.addBatch(name, batch, alsoPositions);
      for (const row of batch) {
        for (const { at, filter } of read.filters) {
          const value = row[at];
          if (value != null && value !== '') filter.add(value);
        }
        if (knownEntities === undefined) continue;
        for (const { at, type, certain } of read.known) {
          const value = row[at];
          if (value == null || value === '') continue;
          if (certain?.(value) === true) leftToPatterns++;
          else knownEntities.add(value, type);
        }
        const first = read.first < 0 ? null : row[read.first];
        const last = read.last < 0 ? null : row[read.last];
        if (first != null && last != null) knownEntities.add(`${first} ${last}`, 'PERSON');
      }
    }
  }
  if (knownEntities !== undefined) {
    // Counts only: which values were indexed is never logged.
    logger.info('known_entities_indexed', {
      entries: knownEntities.size,
      dropped: knownEntities.dropped,
      leftToPatterns,
    });
    if (knownEntities.dropped > 0) logger.warn('known_entities_capped', { dropped: knownEntities.dropped });
    // Built: the workers read it in its compact form from here on.
    knownEntities.freeze();
  }
  return { filters, knownEntities };
}

function substituted(column: PlannedColumn): EntityKind | undefined {
  return column.copied && column.action.kind === 'substitute' ? column.action.entity : undefined;
}

function isNamePart(entity: EntityKind): boolean {
  return entity === 'first_name' || entity === 'last_name';
}
