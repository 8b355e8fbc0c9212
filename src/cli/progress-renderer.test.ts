import { afterEach, describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../core/index.js';
import { reportError, say } from './cli-output.js';
import { createProgressRenderer } from './progress-renderer.js';
import { createStderrLogger } from './stderr-logger.js';

function capture(isTTY: boolean): { stream: NodeJS.WritableStream & { isTTY: boolean }; text: () => string } {
  const writes: string[] = [];
  const stream = {
    isTTY,
    write: (chunk: string) => {
      writes.push(chunk);
      return true;
    },
  } as unknown as NodeJS.WritableStream & { isTTY: boolean };
  // The terminal's "clear to end of line" shown as <clear>, so expectations read plainly.
  return { stream, text: () => writes.join('').replaceAll('\x1b[K', '<clear>') };
}

const people = { schema: 'public', name: 'people' };

describe('createProgressRenderer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('redraws a table read outside the load on a terminal, and ends that line before the next phase', () => {
    const out = capture(true);
    const render = createProgressRenderer(out.stream);
    render({ type: 'phase', phase: 'scan_values' });
    render({
      type: 'read_progress',
      phase: 'scan_values',
      side: 'source',
      table: people,
      rows: 1_000,
      estimatedRows: 10_000,
    });
    // Its first report: no rate yet. Within the redraw interval: not drawn again.
    render({
      type: 'read_progress',
      phase: 'scan_values',
      side: 'source',
      table: people,
      rows: 2_000,
      estimatedRows: 10_000,
    });
    render({ type: 'phase', phase: 'create_schema' });
    const text = out.text();
    expect(text).toMatch(
      /^reading personal columns[^\n]*…\n\r<clear> {2}source public\.people {2}1,000 \/ ~10,000 rows\r<clear>creating the schema in the target…\n$/,
    );
    expect(text).not.toContain('2,000');
  });

  it('gives the rate of a read since its first report, and an ETA from the estimate; a new pass starts over', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const out = capture(true);
    const render = createProgressRenderer(out.stream);
    const read = (rows: number) =>
      render({
        type: 'read_progress',
        phase: 'verify',
        side: 'source',
        table: people,
        rows,
        estimatedRows: 9_000,
      });
    read(1_000);
    vi.advanceTimersByTime(2_000);
    read(5_000);
    // The next pass over the same table reads from its start again (too soon after the last line to draw).
    read(500);
    vi.advanceTimersByTime(1_000);
    read(2_500);
    expect(out.text().split('\r<clear>').slice(1)).toEqual([
      '  source public.people  1,000 / ~9,000 rows',
      '  source public.people  5,000 / ~9,000 rows  2,000 rows/s ETA 2s',
      '  source public.people  2,500 / ~9,000 rows  2,000 rows/s ETA 4s',
    ]);
  });

  it('keeps a line within the terminal width', () => {
    const out = capture(true);
    Object.assign(out.stream, { columns: 20 });
    const render = createProgressRenderer(out.stream);
    render({
      type: 'read_progress',
      phase: 'verify',
      side: 'source',
      table: people,
      rows: 1,
      estimatedRows: 0,
    });
    expect(out.text()).toBe('\r<clear>  source public.peo'); // 19 of 20 columns
  });

  it('shows the side a verification read is on, and a table line ends a redrawn one', () => {
    const out = capture(true);
    const render = createProgressRenderer(out.stream);
    render({
      type: 'read_progress',
      phase: 'verify',
      side: 'target',
      table: people,
      rows: 5,
      estimatedRows: 0,
    });
    render({ type: 'table_finished', table: people, rows: 5, seconds: 1 });
    // No estimate: no total.
    expect(out.text()).toBe(
      '\r<clear>  target public.people  5 rows\r<clear>  public.people  5 rows in 1.0s (5 rows/s)\n',
    );
  });

  it('writes nothing for reads outside the load when stderr is not a terminal', () => {
    const out = capture(false);
    const render = createProgressRenderer(out.stream);
    render({ type: 'phase', phase: 'verify' });
    render({
      type: 'read_progress',
      phase: 'verify',
      side: 'target',
      table: people,
      rows: 10,
      estimatedRows: 20,
    });
    render({ type: 'phase', phase: 'commit' });
    expect(out.text()).toBe('verifying (leak scan of what was not searched while loading)…\ncommitting…\n');
  });

  it('a warning or the error that ends the run starts below the progress line, not on it', () => {
    const out = capture(true);
    const render = createProgressRenderer(out.stream);
    const logger = createStderrLogger(out.stream, false);
    render({
      type: 'read_progress',
      phase: 'verify',
      side: 'target',
      table: people,
      rows: 7,
      estimatedRows: 0,
    });
    logger.warn('known_entities_capped', { dropped: 3 });
    render({
      type: 'read_progress',
      phase: 'verify',
      side: 'target',
      table: people,
      rows: 9,
      estimatedRows: 0,
    });
    reportError(
      { stdout: out.stream, stderr: out.stream, env: {} },
      'text',
      new GatewayError('leak_found', 'leaks found'),
    );
    expect(out.text()).toBe(
      '\r<clear>  target public.people  7 rows\n' +
        'warn known_entities_capped dropped=3\n' +
        'lookalike: leaks found [leak_found]\n',
    );
  });

  it("takes a command's own words for a phase; the checks after the reads take the read line's place", () => {
    const out = capture(true);
    const render = createProgressRenderer(out.stream, { verify: 'verifying the target' });
    const read = (rows: number) =>
      render({
        type: 'read_progress',
        phase: 'verify',
        side: 'source',
        table: people,
        rows,
        estimatedRows: 10,
      });
    const io = { stdout: out.stream, stderr: out.stream, env: {} };
    render({ type: 'phase', phase: 'plan' });
    render({ type: 'phase', phase: 'verify' });
    read(5);
    render({ type: 'phase', phase: 'integrity' });
    say(io, 'verification: clean');
    expect(out.text()).toBe(
      'planning…\nverifying the target…\n\r<clear>  source public.people  5 / ~10 rows' +
        '\r<clear>checking integrity (row counts, foreign keys, unique sets, NULL counts)…\nverification: clean\n',
    );
  });

  it('a line said while a read line shows (a run stopped mid-read) starts below it', () => {
    const out = capture(true);
    const render = createProgressRenderer(out.stream);
    render({
      type: 'read_progress',
      phase: 'verify',
      side: 'target',
      table: people,
      rows: 3,
      estimatedRows: 0,
    });
    say({ stdout: out.stream, stderr: out.stream, env: {} }, 'cancelled');
    expect(out.text()).toBe('\r<clear>  target public.people  3 rows\ncancelled\n');
  });
});
