import { qualifiedName } from '../core/index.js';
import type { SnapshotEvent, SnapshotListener, SnapshotPhase } from '../pipeline/index.js';

const PHASE_LABEL: Readonly<Record<SnapshotPhase, string>> = {
  introspect: 'reading the source catalog',
  plan: 'planning',
  read_schema: 'reading the schema (pg_dump)',
  create_schema: 'creating the schema in the target',
  scan_values: 'reading personal columns (so no real value is reused as a fake; leak-scan index)',
  subset: 'computing the subset in the source (referential closure, budget)',
  index_values: "indexing the source's identifying values for the leak scan",
  load: 'loading rows',
  sequences: 'setting sequences',
  constraints: 'adding indexes, constraints and triggers',
  verify: 'verifying (row counts, integrity, leak scan of what was not searched while loading)',
  commit: 'committing',
};

const REDRAW_INTERVAL_MS = 200;

/**
 * Per-table progress on stderr. On a terminal the current table's line is redrawn with rows, rows/s and
 * an ETA from the planner's estimate; elsewhere (CI, logs) one line per finished table.
 */
export function createProgressRenderer(
  stream: NodeJS.WritableStream & { isTTY?: boolean },
): SnapshotListener {
  const tty = stream.isTTY === true;
  let current: { name: string; estimated: number; started: number; lastDraw: number } | undefined;
  const format = (n: number): string => Math.round(n).toLocaleString('en-US');

  return (event: SnapshotEvent): void => {
    switch (event.type) {
      case 'phase':
        stream.write(`${PHASE_LABEL[event.phase]}…\n`);
        return;
      case 'table_started':
        current = {
          name: qualifiedName(event.table),
          estimated: event.estimatedRows,
          started: performance.now(),
          lastDraw: 0,
        };
        return;
      case 'table_progress': {
        if (!tty || current === undefined) return;
        const now = performance.now();
        if (now - current.lastDraw < REDRAW_INTERVAL_MS) return;
        current.lastDraw = now;
        const seconds = (now - current.started) / 1000;
        const rate = seconds > 0 ? event.rows / seconds : 0;
        const remaining = Math.max(current.estimated - event.rows, 0);
        const eta = rate > 0 && current.estimated > 0 ? ` ETA ${Math.ceil(remaining / rate)}s` : '';
        const total = current.estimated > 0 ? ` / ~${format(current.estimated)}` : '';
        stream.write(
          `\r\x1b[K  ${current.name}  ${format(event.rows)}${total} rows  ${format(rate)} rows/s${eta}`,
        );
        return;
      }
      case 'table_finished': {
        const rate = event.seconds > 0 ? event.rows / event.seconds : event.rows;
        const line = `  ${qualifiedName(event.table)}  ${format(event.rows)} rows in ${event.seconds.toFixed(1)}s (${format(rate)} rows/s)`;
        stream.write(tty ? `\r\x1b[K${line}\n` : `${line}\n`);
        current = undefined;
        return;
      }
    }
  };
}
