import { GatewayError } from '../core/index.js';

/** Environment settings, read once here and passed on typed. Documented in the README. */
export interface Settings {
  /** LOOKALIKE_SECRET: the substitution key (the file option wins). */
  readonly secret: string | undefined;
  /** LOOKALIKE_PG_DUMP: path of the pg_dump to use (default: newest found, ≥ server major). */
  readonly pgDumpPath: string | undefined;
  /** LOOKALIKE_BATCH_ROWS: rows per batch between source, transforms and target. */
  readonly batchRows: number;
}

export const DEFAULT_BATCH_ROWS = 2000;

export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const batchText = env.LOOKALIKE_BATCH_ROWS;
  const batchRows = batchText === undefined || batchText === '' ? DEFAULT_BATCH_ROWS : Number(batchText);
  if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > 1_000_000) {
    throw new GatewayError('config_invalid', 'LOOKALIKE_BATCH_ROWS must be an integer between 1 and 1000000');
  }
  return Object.freeze({
    secret: env.LOOKALIKE_SECRET,
    pgDumpPath: env.LOOKALIKE_PG_DUMP === '' ? undefined : env.LOOKALIKE_PG_DUMP,
    batchRows,
  });
}
