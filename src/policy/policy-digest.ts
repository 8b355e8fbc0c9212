import { createHash } from 'node:crypto';
import { canonicalJson } from '../introspection/index.js';
import type { Policy } from './policy-schema.js';

/**
 * sha256 (hex) of the parsed policy as canonical JSON. Formatting, comments, key order and spelled-out
 * defaults do not change it; any change to what the policy decides does.
 */
export function policyDigest(policy: Policy): string {
  return createHash('sha256').update(canonicalJson(policy)).digest('hex');
}
