import {
  qualifiedName,
  type DatabaseSchema,
  type Selection,
  type SourceSession,
  type TableInfo,
} from '../core/index.js';
import {
  UNDECIDED_BELOW,
  valueShapes,
  type ClassifiedColumn,
  type ColumnAdvisor,
  type Detection,
  type EntityId,
  type Evidence,
  type TableSamples,
} from '../detection/index.js';
import { schemaFingerprint } from '../introspection/index.js';
import {
  classifiedTables,
  DEFAULT_SAMPLE_OPTIONS,
  sampleTable,
  type SampleOptions,
} from './sample-source.js';
import { introspectSelection } from './introspect-selection.js';

/** How the scan decided a column (or JSON path). */
export type ScanDecision = 'personal' | 'not_personal' | 'prose' | 'undecided';

/** One classified column, or one JSON leaf path of a json/jsonb column (`path` set). Counts, never values. */
export interface ScannedColumn {
  readonly table: string;
  readonly column: string;
  readonly path: string | null;
  readonly category: EntityId | null;
  readonly confidence: number;
  readonly decision: ScanDecision;
  readonly evidence: readonly Evidence[];
}

export interface ScanReport {
  readonly formatVersion: 1;
  readonly schemaFingerprint: string;
  readonly tables: number;
  readonly rowsSampled: number;
  readonly columns: readonly ScannedColumn[];
}

export interface ScanResult {
  readonly schema: DatabaseSchema;
  readonly report: ScanReport;
  /** The classifier's output per column, for the draft policy. */
  readonly classified: readonly ClassifiedColumn[];
}

/**
 * Classifies every column of the selected tables from names, types, constraints and a bounded sample of
 * values read in the session's snapshot. Partitions are classified with their partitioned table.
 */
export interface ScanOptions {
  readonly sample?: SampleOptions;
  /** Asked about columns the scan could not decide (the optional language-model assist). */
  readonly advisor?: ColumnAdvisor;
  /**
   * Sample and classify only the columns this names for a classified table (see classifiedTables): a table
   * it names none of is not read. Default: every column of every table.
   */
  readonly only?: (table: TableInfo, schema: DatabaseSchema) => ReadonlySet<string>;
}

export async function scanSource(
  source: SourceSession,
  selection: Selection,
  detection: Detection,
  signal: AbortSignal,
  options: ScanOptions = {},
): Promise<ScanResult> {
  const sampleOptions = options.sample ?? DEFAULT_SAMPLE_OPTIONS;
  const schema = await introspectSelection(source, selection);
  const tables = classifiedTables(schema);
  const classified: ClassifiedColumn[] = [];
  let rowsSampled = 0;
  let tablesRead = 0;
  for (const table of tables) {
    const only = options.only?.(table, schema);
    if (only?.size === 0) continue;
    tablesRead++;
    const sample = await sampleTable(source, schema, table, sampleOptions, signal, only);
    rowsSampled += sample.rowsSampled;
    const samples: TableSamples = {
      table,
      samples: new Map(sample.columns.map((c) => [c.column, c])),
      ...(only === undefined ? {} : { only }),
    };
    // One table at a time: its sampled values are released before the next table is read.
    const decided = detection.classifyTables([samples]);
    classified.push(
      ...(options.advisor === undefined
        ? decided
        : await askAdvisor(decided, samples, detection, options.advisor)),
    );
  }
  const columns = classified.flatMap(toScannedColumns);
  return {
    schema,
    classified,
    report: {
      formatVersion: 1,
      schemaFingerprint: schemaFingerprint(schema),
      tables: tablesRead,
      rowsSampled,
      columns,
    },
  };
}

/** LLM advice is capped below a sure decision: it read names and shapes, not values. */
const MAX_ADVICE_CONFIDENCE = 0.75;

/**
 * Asks the advisor about each undecided column of one table, with names and value shapes only. Advice
 * that names a kind (or "not personal") with enough confidence decides the column, marked as such.
 */
async function askAdvisor(
  decided: readonly ClassifiedColumn[],
  samples: TableSamples,
  detection: Detection,
  advisor: ColumnAdvisor,
): Promise<ClassifiedColumn[]> {
  const out: ClassifiedColumn[] = [];
  for (const entry of decided) {
    if (decisionOf(entry.classification) !== 'undecided') {
      out.push(entry);
      continue;
    }
    const info = samples.table.columns.find((c) => c.name === entry.column);
    const sample = samples.samples.get(entry.column);
    const advice = await advisor(
      {
        table: qualifiedName(entry.table),
        column: entry.column,
        dataType: info?.dataType ?? 'unknown',
        neighbours: samples.table.columns.map((c) => c.name).filter((n) => n !== entry.column),
        comment: info?.comment ?? null,
        valueShapes: valueShapes(sample?.values ?? []),
        sampled: sample?.values.length ?? 0,
      },
      detection.catalogue.ids,
    );
    if (advice === null || advice.confidence < UNDECIDED_BELOW) {
      out.push(entry);
      continue;
    }
    const confidence = Math.min(advice.confidence, MAX_ADVICE_CONFIDENCE);
    out.push({
      ...entry,
      classification: {
        ...entry.classification,
        category: advice.category,
        confidence,
        prose: false,
        evidence: [
          ...entry.classification.evidence,
          {
            detector: 'llm',
            detail: `language model: ${advice.category ?? 'not personal'} (${advice.confidence.toFixed(2)}) from names and value shapes`,
            weight: confidence,
          },
        ],
      },
    });
  }
  return out;
}

function toScannedColumns(entry: ClassifiedColumn): ScannedColumn[] {
  const { classification } = entry;
  const table = qualifiedName(entry.table);
  const own: ScannedColumn = {
    table,
    column: entry.column,
    path: null,
    category: classification.category,
    confidence: round(classification.confidence),
    decision: decisionOf(classification),
    evidence: classification.evidence,
  };
  const paths = (classification.jsonPaths ?? []).map((p): ScannedColumn => ({
    table,
    column: entry.column,
    path: p.path,
    category: p.category,
    confidence: round(p.confidence),
    decision: decisionOf(p),
    evidence: p.evidence,
  }));
  return [own, ...paths];
}

export function decisionOf(c: {
  readonly category: EntityId | null;
  readonly confidence: number;
  readonly prose: boolean;
}): ScanDecision {
  if (c.category !== null && c.confidence >= UNDECIDED_BELOW) return 'personal';
  if (c.prose) return 'prose';
  if (c.category === null && c.confidence >= UNDECIDED_BELOW) return 'not_personal';
  return 'undecided';
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
