import type { LogFields, Logger } from '../core/index.js';

/** Logs go to stderr as `level event key=value`; only with --verbose below warn. Fields hold no values. */
export function createStderrLogger(stream: NodeJS.WritableStream, verbose: boolean): Logger {
  const write = (level: string, event: string, fields?: LogFields): void => {
    const pairs = Object.entries(fields ?? {})
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
    stream.write(`${level} ${event}${pairs === '' ? '' : ` ${pairs}`}\n`);
  };
  return {
    debug: (event, fields) => (verbose ? write('debug', event, fields) : undefined),
    info: (event, fields) => (verbose ? write('info', event, fields) : undefined),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => (verbose ? write('error', event, fields) : undefined),
  };
}
