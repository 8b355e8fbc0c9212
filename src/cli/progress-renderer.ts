import { qualifiedName } from '../core/index.js';
import type { SnapshotEvent, SnapshotListener, SnapshotPhase } from '../pipeline/index.js';
import { lineOpen, markLineClosed, markLineOpen } from './terminal-line.js';

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
  verify: 'verifying (leak scan of what was not searched while loading)',
  integrity: 'checking integrity (row counts, foreign keys, unique sets, NULL counts)',
  commit: 'committing',
};

const REDRAW_INTERVAL_MS = 200;
/** A rate (and an ETA) once this much of a read was seen. */
const MIN_RATE_SECONDS = 0.1;

/**
 * Per-table progress on stderr. On a terminal the current table's line is redrawn with rows, rows/s and
 * an ETA from the planner's estimate — while it loads, and while a longer phase reads it (the value pass
 * before the load, verification's read-back after it); elsewhere (CI, logs) one line per loaded table.
 */
export function createProgressRenderer(
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
  /** Other words for some phases (`lookalike verify` reads a target it did not load). */
  labels: Partial<Record<SnapshotPhase, string>> = {},
): SnapshotListener {
  const tty = stream.isTTY === true;
  let current: { name: string; estimated: number; started: number; lastDraw: number } | undefined;
  /** The table a phase other than the load is reading, and from when (a new pass starts over). */
  let reading: { key: string; rows: number; first: number; started: number } | undefined;
  /** When a read's line was last drawn, whichever table: many small tables redraw no faster than one. */
  let readDrawn = -Infinity;
  const format = (n: number): string => Math.round(n).toLocaleString('en-US');
  /** `counted` of the rows were read since `started` (a read's first report comes after its first batch). */
  const progressLine = (
    label: string,
    rows: number,
    estimated: number,
    started: number,
    counted = rows,
  ): string => {
    const seconds = (performance.now() - started) / 1000;
    const total = estimated > 0 ? ` / ~${format(estimated)}` : '';
    // Too soon for a rate: the first report of a read.
    if (seconds < MIN_RATE_SECONDS) return `  ${label}  ${format(rows)}${total} rows`;
    const rate = counted / seconds;
    const remaining = Math.max(estimated - rows, 0);
    const eta = rate > 0 && estimated > 0 ? ` ETA ${Math.ceil(remaining / rate)}s` : '';
    return `  ${label}  ${format(rows)}${total} rows  ${format(rate)} rows/s${eta}`;
  };
  const draw = (line: string): void => {
    // Within the terminal's width: a wrapped line would leave a row behind at every redraw.
    const width = stream.columns ?? 0;
    stream.write(`\r\x1b[K${width > 1 && line.length >= width ? line.slice(0, width - 1) : line}`);
    markLineOpen(stream);
  };
  /** Clears a redrawn line still showing, so that the line written next takes its place. */
  const clear = (): void => {
    if (lineOpen(stream)) stream.write('\r\x1b[K');
    markLineClosed(stream);
  };

  return (event: SnapshotEvent): void => {
    switch (event.type) {
      case 'phase':
        clear();
        reading = undefined;
        stream.write(`${labels[event.phase] ?? PHASE_LABEL[event.phase]}…\n`);
        return;
      case 'table_started':
        current = {
          name: qualifiedName(event.table),
          estimated: event.estimatedRows,
          started: performance.now(),
          lastDraw: -Infinity,
        };
        return;
      case 'table_progress': {
        if (!tty || current === undefined) return;
        const now = performance.now();
        if (now - current.lastDraw < REDRAW_INTERVAL_MS) return;
        current.lastDraw = now;
        draw(progressLine(current.name, event.rows, current.estimated, current.started));
        return;
      }
      case 'read_progress': {
        if (!tty) return;
        const name = qualifiedName(event.table);
        const key = `${event.side} ${name}`;
        const now = performance.now();
        if (reading?.key !== key || event.rows < reading.rows)
          reading = { key, rows: 0, first: event.rows, started: now };
        reading.rows = event.rows;
        if (now - readDrawn < REDRAW_INTERVAL_MS) return;
        readDrawn = now;
        const counted = event.rows - reading.first;
        draw(progressLine(key, event.rows, event.estimatedRows, reading.started, counted));
        return;
      }
      case 'table_finished': {
        const rate = event.seconds > 0 ? event.rows / event.seconds : event.rows;
        const line = `  ${qualifiedName(event.table)}  ${format(event.rows)} rows in ${event.seconds.toFixed(1)}s (${format(rate)} rows/s)`;
        clear();
        stream.write(`${line}\n`);
        current = undefined;
        return;
      }
    }
  };
}
