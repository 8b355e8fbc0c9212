// With JSON logs on, everything `serve` and `worker` write to stderr is a JSON line — a usage error (exit 2)
// and a failed start too — while the people-facing commands keep their text. Real processes, from source.
// (The Ctrl-C line is asserted on a running gateway in gateway-telemetry.test.ts.)
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

interface Run {
  readonly code: number | null;
  readonly stderr: string;
}

function lookalike(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/cli-entry.ts', ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

interface LogLine {
  readonly time: string;
  readonly level: string;
  readonly event: string;
  readonly fields: Record<string, unknown>;
}

/** Every non-empty line parsed as a log object (throws on a text line). */
function jsonLines(stderr: string): LogLine[] {
  const lines = stderr.split('\n').filter((l) => l !== '');
  expect(lines.length).toBeGreaterThan(0);
  return lines.map((line) => {
    const parsed = JSON.parse(line) as LogLine;
    expect(Number.isNaN(Date.parse(parsed.time)), line).toBe(false);
    expect(typeof parsed.fields, line).toBe('object');
    return parsed;
  });
}

describe('stderr of serve and worker with JSON logs', () => {
  it('a usage error is one usage_error line and exit 2 (LOOKALIKE_LOG_FORMAT=json)', async () => {
    const run = await lookalike(['serve', '--config', 'x.yaml', '--bogus'], { LOOKALIKE_LOG_FORMAT: 'json' });
    expect(run.code).toBe(2);
    const lines = jsonLines(run.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'error',
      event: 'usage_error',
      fields: { message: "unknown option '--bogus'", hint: 'run "lookalike --help" for usage' },
    });
  }, 60_000);

  it('--log-format json does the same without the variable, for worker too', async () => {
    const run = await lookalike(['worker', '--log-format', 'json', '--concurrency', '3']);
    expect(run.code).toBe(2);
    expect(jsonLines(run.stderr).map((l) => l.event)).toEqual(['usage_error']);
  }, 60_000);

  it('a refused start is a command_failed line (exit 2), scrubbed like every log line', async () => {
    const run = await lookalike(['serve', '--config', '/nonexistent/postgres://u:hunter22@db/gateway.yaml'], {
      LOOKALIKE_LOG_FORMAT: 'json',
    });
    expect(run.code).toBe(2);
    const lines = jsonLines(run.stderr);
    expect(lines.map((l) => l.event)).toEqual(['command_failed']);
    expect(lines[0]!.fields.code).toBe('config_invalid');
    expect(run.stderr).not.toContain('hunter22');
  }, 60_000);

  it('keeps text for serve without JSON logs, and for the commands people run', async () => {
    const serve = await lookalike(['serve', '--bogus']);
    expect(serve.code).toBe(2);
    expect(serve.stderr).toBe('error: unknown option \'--bogus\'\n(run "lookalike --help" for usage)\n');
    const snapshot = await lookalike(['snapshot', '--bogus'], { LOOKALIKE_LOG_FORMAT: 'json' });
    expect(snapshot.code).toBe(2);
    expect(snapshot.stderr).toMatch(/^error: unknown option '--bogus'\n/);
  }, 60_000);
});
