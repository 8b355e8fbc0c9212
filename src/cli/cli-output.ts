import type { GatewayError } from '../core/index.js';
import { endOpenLine } from './terminal-line.js';

/** Machine output goes to stdout (with --format json); human output and logs go to stderr. */
export interface CliIo {
  /** Input for commands that read a stream (`detect`); absent means empty input. */
  readonly stdin?: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly env: NodeJS.ProcessEnv;
}

export type OutputFormat = 'text' | 'json';

export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A line for people, below a progress line still showing rather than appended to it. */
export function say(io: CliIo, text: string): void {
  endOpenLine(io.stderr);
  io.stderr.write(`${text}\n`);
}

export function reportError(io: CliIo, format: OutputFormat, error: GatewayError): void {
  if (format === 'json') {
    writeJson(io, {
      status: 'failed',
      error: { code: error.code, message: error.message, details: error.details },
    });
  }
  say(io, `lookalike: ${error.message} [${error.code}]`);
  for (const item of error.details.items ?? []) say(io, `  - ${item}`);
}
