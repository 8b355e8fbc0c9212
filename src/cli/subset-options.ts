import { GatewayError } from '../core/index.js';
import { parseByteSize } from '../policy/index.js';
import type { SubsetOverrides } from '../subset/index.js';

/** `--max-rows`, `--max-bytes`, `--seed`: the subset flags shared by `plan` and `snapshot`. */
export interface SubsetFlags {
  readonly maxRows?: string;
  readonly maxBytes?: string;
  readonly seed?: string;
}

export function subsetOverrides(flags: SubsetFlags): SubsetOverrides | undefined {
  if (flags.maxRows === undefined && flags.maxBytes === undefined && flags.seed === undefined)
    return undefined;
  let maxRows: number | undefined;
  if (flags.maxRows !== undefined) {
    maxRows = Number(flags.maxRows);
    if (!/^\d+$/.test(flags.maxRows.trim()) || !Number.isSafeInteger(maxRows) || maxRows < 1)
      throw new GatewayError('usage', '--max-rows must be a positive whole number');
  }
  let maxBytes: number | undefined;
  if (flags.maxBytes !== undefined) {
    const text = flags.maxBytes.trim();
    maxBytes = /^\d+$/.test(text) ? Number(text) : (parseByteSize(text) ?? undefined);
    if (maxBytes === undefined || !Number.isSafeInteger(maxBytes) || maxBytes < 1)
      throw new GatewayError('usage', '--max-bytes must be a size such as 500000000, 500MB or 2GiB');
  }
  if (flags.seed !== undefined && flags.seed === '')
    throw new GatewayError('usage', '--seed must not be empty');
  return { maxRows, maxBytes, seed: flags.seed };
}
