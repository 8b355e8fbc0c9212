import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
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
  return withHashFiles(parsePolicy(text, path), path);
}

const HASH_LINE = /^[0-9a-fA-F]{64}$/;

/**
 * Reads each `subset.suppress[].hashes_file` (relative to the policy file) into that entry's `hashes`, so
 * the loaded policy — and its digest — holds what the file held. Lines are trimmed; blank lines and
 * `#` comments are skipped; any other line must be 64 hex characters (the message names the line, never
 * its text).
 */
async function withHashFiles(policy: Policy, policyPath: string): Promise<Policy> {
  const suppress = policy.subset?.suppress;
  if (
    policy.subset === undefined ||
    suppress === undefined ||
    suppress.every((s) => s.hashes_file === undefined)
  )
    return policy;
  const entries = await Promise.all(
    suppress.map(async (entry, index) => {
      if (entry.hashes_file === undefined) return entry;
      const file = resolve(dirname(policyPath), entry.hashes_file);
      const where = `${policyPath}: subset.suppress[${index}].hashes_file`;
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        const reason = errnoCode(error);
        throw new GatewayError(
          'policy_unreadable',
          `${where}: cannot read ${entry.hashes_file}${reason === undefined ? '' : ` (${reason})`}`,
          { file: policyPath },
        );
      }
      const hashes = [...entry.hashes];
      text.split(/\r?\n/).forEach((raw, i) => {
        const line = raw.trim();
        if (line === '' || line.startsWith('#')) return;
        if (!HASH_LINE.test(line))
          throw new GatewayError(
            'policy_invalid',
            `${where}: ${entry.hashes_file} line ${i + 1}: expected 64 hex characters (a hash from lookalike suppression-hash)`,
            { file: policyPath },
          );
        hashes.push(line.toLowerCase());
      });
      const { hashes_file: _file, ...rest } = entry;
      return { ...rest, hashes };
    }),
  );
  return { ...policy, subset: { ...policy.subset, suppress: entries } };
}

function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
