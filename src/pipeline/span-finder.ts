import {
  sameTable,
  type DatabaseSchema,
  type EntityKind,
  type Logger,
  type SourceSession,
} from '../core/index.js';
import { KnownEntityIndex, type Detection } from '../detection/index.js';
import type { Plan, PlannedColumn } from '../policy/index.js';
import type { SpanFinder } from '../transform/index.js';

/** Substituted kinds whose values are looked for verbatim in text, and the span type they get there. */
const KNOWN_TYPES: Partial<Record<EntityKind, string>> = {
  full_name: 'PERSON',
  email: 'EMAIL_ADDRESS',
  phone: 'PHONE_NUMBER',
  username: 'USERNAME',
};

/**
 * The source's own personal values — names, emails, phones, usernames of substituted columns, and first +
 * last name pairs of one row — as keyed fingerprints, when the plan has a `redact_text` or `json` action: a
 * customer quoted in a ticket is found even when no pattern or lexicon would find them. One read per table
 * of just those columns, before the load; transform workers receive the index in shared memory.
 */
export async function indexKnownEntities(
  source: SourceSession,
  plan: Plan,
  schema: DatabaseSchema,
  { batchRows, signal, logger }: { batchRows: number; signal: AbortSignal; logger: Logger },
): Promise<KnownEntityIndex | undefined> {
  const usesText = plan.tables.some(
    (t) =>
      t.copyRows &&
      t.columns.some((c) => c.copied && (c.action.kind === 'redact_text' || c.action.kind === 'json')),
  );
  if (!usesText) return undefined;
  const known = new KnownEntityIndex();
  for (const table of plan.tables) {
    if (!table.copyRows) continue;
    const info = schema.tables.find((t) => sameTable(t.ref, table.table));
    const read = table.columns.filter(
      (c) =>
        c.copied &&
        substituted(c) !== undefined &&
        info?.columns.some((i) => i.name === c.name && i.category !== 'array'),
    );
    if (read.length === 0) continue;
    const types = read.map((c) => KNOWN_TYPES[substituted(c) as EntityKind]);
    const first = read.findIndex((c) => substituted(c) === 'first_name');
    const last = read.findIndex((c) => substituted(c) === 'last_name');
    const batches = source.readRows(
      {
        table: table.table,
        columns: read.map((c) => c.name),
        ...(table.where === null ? {} : { where: table.where }),
        batchRows,
      },
      signal,
    );
    for await (const batch of batches) {
      for (const row of batch) {
        for (let i = 0; i < types.length; i++) {
          const type = types[i];
          const value = row[i];
          if (type !== undefined && value != null && value !== '') known.add(value, type);
        }
        const firstName = first < 0 ? null : row[first];
        const lastName = last < 0 ? null : row[last];
        if (firstName != null && lastName != null) known.add(`${firstName} ${lastName}`, 'PERSON');
      }
    }
  }
  // Counts only: which values were indexed is never logged.
  logger.info('known_entities_indexed', { entries: known.size, dropped: known.dropped });
  if (known.dropped > 0) logger.warn('known_entities_capped', { dropped: known.dropped });
  return known;
}

/** The span finder that `redact_text` and `json` use: text detection plus the source's known values. */
export function spanFinderOf(detection: Detection, known: KnownEntityIndex | undefined): SpanFinder {
  const detector = detection.textDetector(known === undefined ? {} : { knownEntities: known });
  return (text) =>
    detector.detect(text).map((span) => ({
      type: span.type,
      start: span.start,
      end: span.end,
      substitute: detection.substituteKind(span.type),
    }));
}

function substituted(column: PlannedColumn): EntityKind | undefined {
  return column.action.kind === 'substitute' ? column.action.entity : undefined;
}
