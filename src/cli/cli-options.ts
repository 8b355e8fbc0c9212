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
  return { schemas: list(options.schemas), tables };
}

export function requireOption(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new GatewayError('usage', `${flag} is required`);
  return value;
}
