import { constants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { GatewayError } from '../core/index.js';

/**
 * Refuses an output file that cannot be written before any work is done (a snapshot, a scan, a fit):
 * its folder must exist and be writable, and the file, when it exists, must be a writable file.
 */
export async function assertWritable(file: string, flag: string): Promise<void> {
  try {
    const existing = await stat(file).catch((error: unknown) => {
      if (codeOf(error) === 'ENOENT') return undefined;
      throw error;
    });
    if (existing?.isDirectory() === true) throw Object.assign(new Error('a folder'), { code: 'EISDIR' });
    await access(existing === undefined ? dirname(resolve(file)) : file, constants.W_OK);
  } catch (error) {
    throw cannotWrite(file, flag, error);
  }
}

/** Writes an output file; a failure names the flag, the file and the system's code, not an internal error. */
export async function writeOutputFile(
  file: string,
  flag: string,
  text: string,
  options: { readonly mode?: number; readonly after?: string } = {},
): Promise<void> {
  try {
    await writeFile(file, text, options.mode === undefined ? {} : { mode: options.mode });
  } catch (error) {
    throw cannotWrite(file, flag, error, options.after);
  }
}

function cannotWrite(file: string, flag: string, error: unknown, after?: string): GatewayError {
  const code = codeOf(error) ?? 'error';
  const prefix = after === undefined ? '' : `${after}, but `;
  return new GatewayError('usage', `${prefix}${flag} "${file}" cannot be written (${code})`, { file });
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
