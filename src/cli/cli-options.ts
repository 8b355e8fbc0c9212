import { GatewayError, parseTableName, type Selection } from '../core/index.js';
import type { OutputFormat } from './cli-output.js';

export interface CommonOptions {
  readonly format?: string;
  readonly schemas?: string;
  readonly tables?: string;
}

export function outputFormat(options: { format?: string }): OutputFormat {
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'json')
    throw new GatewayError('usage', '--format must be "text" or "json"');
  return format;
}

/** `--schemas a,b` and `--tables t,s.t` (unqualified means public). */
export function selectionFrom(options: CommonOptions): Selection {
  const list = (text: string | undefined): string[] =>
    (text ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  const tables = list(options.tables).map((name) => parseTableName(name));
  for (const table of tables) {
    if (table.schema === '' || table.name === '')
      throw new GatewayError('usage', '--tables takes schema.table names');
  }
  const schemas = list(options.schemas);
  if (tables.length > 0 && schemas.length > 0)
    throw new GatewayError('usage', 'give --tables or --schemas, not both (tables name their schema)');
  return { schemas, tables };
}

/** Rows per batch at most, as LOOKALIKE_BATCH_ROWS and the gateway's jobs.batch_rows bound them. */
export const MAX_BATCH_ROWS = 1_000_000;

/**
 * A count given as a flag: decimal digits only (not `1e9` or `0x10`), from 1 to `max`; `fallback` when the
 * flag is absent.
 */
export function countOption(
  text: string | undefined,
  fallback: number,
  flag: string,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (text === undefined) return fallback;
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 1 && value <= max)) {
    throw new GatewayError(
      'usage',
      max === Number.MAX_SAFE_INTEGER
        ? `${flag} must be a positive whole number`
        : `${flag} must be a whole number from 1 to ${max.toLocaleString('en-US')}`,
    );
  }
  return value;
}

export function requireOption(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new GatewayError('usage', `${flag} is required`);
  return value;
}
