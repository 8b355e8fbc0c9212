import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../src/cli/main.js';

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with captured stdout/stderr, as a user would run `lookalike …`. */
export async function runLookalike(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  signal: AbortSignal = new AbortController().signal,
  stdin?: string,
): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const exitCode = await runCli(
    ['node', 'lookalike', ...args],
    {
      stdout,
      stderr,
      env: { PATH: process.env.PATH, ...env },
      ...(stdin === undefined ? {} : { stdin: Readable.from([stdin]) }),
    },
    signal,
  );
  return {
    exitCode,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
  };
}
