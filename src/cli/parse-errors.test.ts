import { describe, expect, it } from 'vitest';
import { runCli } from './main.js';

/** Runs the CLI in this process with captured streams. */
async function cli(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const stream = (write: (text: string) => void) =>
    ({
      write: (chunk: string) => {
        write(String(chunk));
        return true;
      },
    }) as unknown as NodeJS.WritableStream;
  const exitCode = await runCli(
    ['node', 'lookalike', ...args],
    {
      stdout: stream((t) => (stdout += t)),
      stderr: stream((t) => (stderr += t)),
      env: {},
    },
    new AbortController().signal,
  );
  return { exitCode, stdout, stderr };
}

describe('errors found while parsing the command line', () => {
  it('exit 2; with --format json, the same failure object as any other usage error on stdout', async () => {
    for (const args of [
      ['snapshot', '--format', 'json', '--bach-rows', '10'],
      ['verify', '--format=json', '--tables'],
      ['manifest', 'verify', 'm.json', '--format', 'json'],
    ]) {
      const result = await cli(args);
      expect(result.exitCode, args.join(' ')).toBe(2);
      const output = JSON.parse(result.stdout) as {
        status: string;
        error: { code: string; message: string };
      };
      expect(output.status).toBe('failed');
      expect(output.error.code).toBe('usage');
      expect(output.error.message).not.toMatch(/^error:/);
      expect(result.stderr).toContain(output.error.message);
    }
  });

  it("keeps a database URL's user and password out of the JSON; reads --format only before --", async () => {
    const result = await cli([
      'snapshot',
      '--format',
      'json',
      '--sorce=postgres://app:s3c@r/et@db.internal/prod',
    ]);
    expect(result.exitCode).toBe(2);
    const output = JSON.parse(result.stdout) as { error: { message: string } };
    expect(output.error.message).toContain("unknown option '--sorce=postgres://…@db.internal/prod'");
    // The password holds a raw @ and /: masked up to the last @, on stdout and stderr alike.
    expect(result.stdout + result.stderr).not.toMatch(/s3c|r\/et/);
    expect(result.stderr).toContain("unknown option '--sorce=postgres://…@db.internal/prod'");
    const afterDashes = await cli(['snapshot', '--bach-rows', '1', '--', '--format', 'json']);
    expect(afterDashes.exitCode).toBe(2);
    expect(afterDashes.stdout).toBe('');
  });

  it('without --format json, stdout stays empty; --help is not an error', async () => {
    const refused = await cli(['snapshot', '--bach-rows', '10']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain("unknown option '--bach-rows'");
    const help = await cli(['snapshot', '--help', '--format', 'json']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toBe('');
  });

  it('synth sample refuses flags the model decides, before reading it', async () => {
    const result = await cli([
      'synth',
      'sample',
      '--model',
      'no-such-model.json',
      '--target',
      'file:out/',
      '--format',
      'csv',
      '--tables',
      'public.people',
      '--rare-min',
      '3',
      '--sample-rows',
      '10',
    ]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--tables, --rare-min, --sample-rows would change nothing');
  });
});
