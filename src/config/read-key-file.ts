import { readFile } from 'node:fs/promises';
import { GatewayError } from '../core/index.js';

/**
 * Reads a key file (PEM) named by a flag or setting; `label` names it in errors (`--signing-key`,
 * `--public-key`). Messages name the file, never its content.
 */
export async function readKeyFile(file: string, label: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new GatewayError(
      'config_invalid',
      `${label} file "${file}" cannot be read (${typeof code === 'string' ? code : 'error'})`,
      { file },
    );
  }
}
