import { readFile } from 'node:fs/promises';
import { GatewayError, MIN_SECRET_BYTES, Secret } from '../core/index.js';

export interface SecretSources {
  /** `--secret-file`: wins over the environment. */
  readonly secretFile?: string | undefined;
  /** `LOOKALIKE_SECRET`. */
  readonly environmentValue?: string | undefined;
}

/**
 * The substitution key: from a file (trailing newline ignored) or LOOKALIKE_SECRET, at least 32 bytes,
 * never defaulted. Messages name the source, never the content.
 */
export async function loadSecret(sources: SecretSources): Promise<Secret> {
  let bytes: Buffer;
  let origin: string;
  if (sources.secretFile !== undefined) {
    origin = `secret file "${sources.secretFile}"`;
    try {
      bytes = await readFile(sources.secretFile);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const reason = typeof code === 'string' ? code : 'error';
      throw new GatewayError('secret_missing', `${origin} cannot be read (${reason})`, {
        file: sources.secretFile,
      });
    }
    bytes = trimTrailingNewline(bytes);
  } else if (sources.environmentValue !== undefined && sources.environmentValue !== '') {
    origin = 'LOOKALIKE_SECRET';
    bytes = Buffer.from(sources.environmentValue, 'utf8');
  } else {
    throw new GatewayError(
      'secret_missing',
      'no key: pass --secret-file <file> or set LOOKALIKE_SECRET (at least 32 bytes, e.g. `openssl rand -base64 48`)',
    );
  }
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new GatewayError(
      'secret_invalid',
      `${origin} holds ${bytes.length} bytes; the key must be at least ${MIN_SECRET_BYTES} bytes`,
    );
  }
  return new Secret(bytes);
}

function trimTrailingNewline(bytes: Buffer): Buffer {
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
  return bytes.subarray(0, end);
}
