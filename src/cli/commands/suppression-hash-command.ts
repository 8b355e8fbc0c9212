import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { loadSecret, type Settings } from '../../config/index.js';
import { suppressionHash, suppressionKey } from '../../subset/index.js';
import type { CliIo } from '../cli-output.js';
import { EXIT_OK } from '../exit-codes.js';

export interface SuppressionHashOptions {
  readonly secretFile?: string;
}

/**
 * `lookalike suppression-hash`: one value per line on stdin (e.g. the emails of people who asked to be
 * erased, exactly as stored) → one keyed hash per line on stdout, for the policy's `subset.suppress` list.
 * Only holders of the same key can make or test these hashes; empty lines are skipped.
 */
export async function suppressionHashCommand(
  options: SuppressionHashOptions,
  io: CliIo,
  settings: Settings,
): Promise<number> {
  const secret = await loadSecret({ secretFile: options.secretFile, environmentValue: settings.secret });
  const key = suppressionKey(secret);
  const lines = createInterface({ input: io.stdin ?? Readable.from([]), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    io.stdout.write(`${suppressionHash(key, line)}\n`);
  }
  return EXIT_OK;
}
