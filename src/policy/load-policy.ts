import { readFile } from 'node:fs/promises';
import { GatewayError } from '../core/index.js';
import { parsePolicy } from './parse-policy.js';
import type { Policy } from './policy-schema.js';

/** Reads and validates a policy file. `policy_unreadable` if it cannot be read, `policy_invalid` if wrong. */
export async function loadPolicy(path: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    // Only the errno code: the system message repeats the path, which the message already names.
    const reason = errnoCode(error);
    throw new GatewayError(
      'policy_unreadable',
      `cannot read policy file ${path}${reason === undefined ? '' : ` (${reason})`}`,
      { file: path },
    );
  }
  return parsePolicy(text, path);
}

function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
