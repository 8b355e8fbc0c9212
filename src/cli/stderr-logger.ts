import { Writable } from 'node:stream';
import {
  REDACTION_KINDS,
  scrubLogText,
  type LogFields,
  type Logger,
  type RedactionKind,
} from '../core/index.js';
import { endOpenLine } from './terminal-line.js';

/** `text`: `level event key=value` (the CLI's default); `json`: one object per line, for log collectors. */
export type LogFormat = 'text' | 'json';

export interface StderrLogger extends Logger {
  /** Replacements the scrubber made in this process's log lines so far, by kind. */
  redactions(): Readonly<Record<RedactionKind, number>>;
}

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * Ids that name what a line is about: top-level keys in JSON lines. `request_id` is a snapshot request's,
 * `http_request_id` an HTTP call's (its X-Request-Id).
 */
const HOISTED = ['request_id', 'job_id', 'http_request_id'] as const;

/**
 * Logs go to stderr. Fields are identifiers, counts and durations by type (`LogFields`); every string
 * (the event too) still passes the scrubber, which replaces e-mails, phones, cards, IBANs, tokens,
 * passwords in connection strings and long secrets with `[redacted:<kind>]`, counted by kind.
 * Text: warn always, the rest only with --verbose. JSON: info and up always, debug with --verbose.
 */
export function createStderrLogger(
  stream: NodeJS.WritableStream,
  verbose: boolean,
  format: LogFormat = 'text',
  now: () => Date = () => new Date(),
): StderrLogger {
  const counts = Object.fromEntries(REDACTION_KINDS.map((kind) => [kind, 0])) as Record<
    RedactionKind,
    number
  >;
  const scrub = (text: string): string => {
    const result = scrubLogText(text);
    for (const [kind, n] of Object.entries(result.redactions)) counts[kind as RedactionKind] += n;
    return result.text;
  };
  const clean = (value: unknown): string | number | boolean | null => {
    if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
    if (typeof value === 'string') return scrub(value);
    // Past the type: an error as its scrubbed text, anything else by its type only.
    if (value instanceof Error) return scrub(`${value.name}: ${value.message}`);
    return `[${typeof value}]`;
  };

  const write = (level: Level, event: string, fields?: LogFields): void => {
    endOpenLine(stream);
    const cleaned: Record<string, string | number | boolean | null> = {};
    for (const [key, value] of Object.entries(fields ?? {}))
      if (value !== undefined) cleaned[key] = clean(value);
    if (format === 'text') {
      const pairs = Object.entries(cleaned)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ');
      stream.write(`${level} ${scrub(event)}${pairs === '' ? '' : ` ${pairs}`}\n`);
      return;
    }
    const line: Record<string, unknown> = { time: now().toISOString(), level, event: scrub(event) };
    for (const key of HOISTED) {
      if (key in cleaned) {
        line[key] = cleaned[key];
        delete cleaned[key];
      }
    }
    line.fields = cleaned;
    stream.write(`${JSON.stringify(line)}\n`);
  };

  const json = format === 'json';
  return {
    debug: (event, fields) => (verbose ? write('debug', event, fields) : undefined),
    info: (event, fields) => (verbose || json ? write('info', event, fields) : undefined),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => (verbose || json ? write('error', event, fields) : undefined),
    redactions: () => ({ ...counts }),
  };
}

/** The same logger, adding `fields` to every line (the line's own fields win). */
export function withLogFields(logger: Logger, fields: LogFields): Logger {
  const add =
    (level: Level) =>
    (event: string, own?: LogFields): void =>
      logger[level](event, { ...fields, ...own });
  return { debug: add('debug'), info: add('info'), warn: add('warn'), error: add('error') };
}

/**
 * A stream for a command's human lines (`say`) when logs are JSON: each line becomes an info event
 * `message` with the line in `text`, so stderr stays one JSON object per line.
 */
export function logLines(logger: Logger): NodeJS.WritableStream {
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const text of lines) if (text.trim() !== '') logger.info('message', { text });
      callback();
    },
    final(callback) {
      if (pending.trim() !== '') logger.info('message', { text: pending });
      pending = '';
      callback();
    },
  });
}
