import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { loadSecret, type Settings } from '../../config/index.js';
import type { EncryptAlphabet } from '../../core/index.js';
import { createFormatCipher, DomainTooSmallError } from '../../fake-values/index.js';
import { ENCRYPT_SCOPE } from '../../transform/index.js';
import type { CliIo } from '../cli-output.js';
import { EXIT_FAILED, EXIT_OK } from '../exit-codes.js';

export interface DecryptOptions {
  readonly scope?: string;
  readonly alphabet?: EncryptAlphabet;
  readonly secretFile?: string;
}

/**
 * `lookalike decrypt`: one value per line on stdin, as an `encrypt` column wrote it → the original
 * identifier on stdout, line for line (for support staff mapping a non-production id back). Needs the key
 * of the run and the column's scope and alphabet. A line with too few characters to have been encrypted
 * gets an empty output line and a message naming its line number (never its text); the exit is then 1.
 */
export async function decryptCommand(
  options: DecryptOptions,
  io: CliIo,
  settings: Settings,
): Promise<number> {
  const secret = await loadSecret({ secretFile: options.secretFile, environmentValue: settings.secret });
  const cipher = createFormatCipher(secret);
  const scope = options.scope ?? ENCRYPT_SCOPE;
  const alphabet = options.alphabet ?? 'auto';
  const lines = createInterface({ input: io.stdin ?? Readable.from([]), crlfDelay: Infinity });
  let lineNumber = 0;
  let refused = 0;
  for await (const line of lines) {
    lineNumber++;
    try {
      io.stdout.write(`${line === '' ? '' : cipher.decrypt(line, scope, alphabet)}\n`);
    } catch (error) {
      if (!(error instanceof DomainTooSmallError)) throw error;
      refused++;
      io.stdout.write('\n');
      io.stderr.write(
        `line ${lineNumber}: only ${error.characters} characters to decrypt; not a value encrypt wrote with alphabet ${alphabet}\n`,
      );
    }
  }
  return refused === 0 ? EXIT_OK : EXIT_FAILED;
}
