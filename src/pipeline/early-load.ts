import { GatewayError, qualifiedName, sameTable } from '../core/index.js';
import type { DatabaseSchema, SinkSession, SourceSession, TableInfo } from '../core/index.js';
import { createKeyedSeeder } from '../fake-values/index.js';
import type { Plan, PlannedTable } from '../policy/index.js';
import { copyTable, type CopySettings, type SharedTransformState, type TableSummary } from './copy-table.js';
import type { SnapshotListener } from './snapshot-events.js';

/**
 * Tables copied unchanged, loading while the value pass reads (see runSnapshot): they need no real value,
 * fake or search, so they stream through on a second session of the source's snapshot into the target's
 * transaction, which is otherwise idle until the value pass ends.
 */
export interface EarlyLoad {
  /** The run's signal, also aborted when the early load fails: the value pass stops too. */
  readonly signal: AbortSignal;
  /** The loaded tables' summaries by qualified name; rejects with the load's error. */
  readonly done: Promise<[string, TableSummary][]>;
  /** Stops the load and waits for it; resolves to its own error when it failed before being stopped. */
  stop(): Promise<unknown>;
}

/** Copied tables whose every column is kept. */
export function unchangedTables(plan: Plan): PlannedTable[] {
  return plan.tables.filter(
    (planned) => planned.copyRows && planned.columns.every((c) => !c.copied || c.action.kind === 'keep'),
  );
}

export function startEarlyLoad(options: {
  readonly from: SourceSession;
  readonly target: SinkSession;
  readonly tables: readonly PlannedTable[];
  readonly plan: Plan;
  readonly schema: DatabaseSchema;
  readonly request: CopySettings;
  readonly emit: SnapshotListener;
}): EarlyLoad {
  const { from, target, plan, schema, request, emit } = options;
  const stopper = new AbortController();
  const signal = AbortSignal.any([request.signal, stopper.signal]);
  // Nothing is substituted, searched or scanned in these tables (see copyTable).
  const shared: SharedTransformState = {
    seeder: createKeyedSeeder(request.secret),
    uniqueScopes: new Set(),
    sourceValues: new Map(),
    findSpans: undefined,
    knownEntities: undefined,
    plan,
    schema,
    leakScan: undefined,
  };
  const done = (async (): Promise<[string, TableSummary][]> => {
    const loaded: [string, TableSummary][] = [];
    for (const planned of options.tables) {
      const info = tableInfoOf(schema, planned);
      const copied = await copyTable(from, target, planned, info, shared, { ...request, signal }, emit);
      const { writtenColumns: _written, ...summary } = copied;
      loaded.push([qualifiedName(planned.table), summary]);
    }
    return loaded;
  })();
  let stopping = false;
  let failure: unknown;
  const settled = done.then(
    () => undefined,
    (error: unknown) => {
      if (!stopping) failure = error;
      stopper.abort();
    },
  );
  return {
    signal,
    done,
    stop: async () => {
      stopping = true;
      stopper.abort();
      await settled;
      return failure;
    },
  };
}

export function tableInfoOf(schema: DatabaseSchema, planned: PlannedTable): TableInfo {
  const info = schema.tables.find((t) => sameTable(t.ref, planned.table));
  if (info === undefined)
    throw new GatewayError('plan_invalid', `plan names unknown table ${qualifiedName(planned.table)}`);
  return info;
}
