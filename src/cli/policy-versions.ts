import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { GatewayConfig } from '../config/index.js';
import { GatewayError } from '../core/index.js';
import type { PolicyCatalog } from '../http/index.js';
import { parsePolicy, policyDigest, type Policy } from '../policy/index.js';
import type { StateStore } from '../state/index.js';

/**
 * Records each configured policy file's version the first time the gateway sees its digest, then makes
 * `policies` and `digests` this process's copy of every policy's current version (an admin's upload since
 * stays current across restarts).
 */
export async function recordConfiguredPolicies(
  config: GatewayConfig,
  store: StateStore,
  policies: Map<string, Policy>,
  digests: Map<string, string>,
): Promise<void> {
  for (const [name, entry] of Object.entries(config.policies)) {
    const loaded = policies.get(name);
    if (loaded === undefined) continue;
    await store.recordPolicyVersion({
      name,
      digest: policyDigest(loaded),
      sourceText: await readFile(entry.file, 'utf8'),
      policyJson: JSON.stringify(loaded),
      actor: 'gateway',
      origin: 'config',
      reason: `configuration file ${basename(entry.file)}`,
    });
    const current = await store.getPolicyVersion(name);
    if (current === null) continue;
    policies.set(name, JSON.parse(current.policyJson) as Policy);
    digests.set(name, current.digest);
  }
}

/** Checks uploads with the same parser as policy files, and keeps this process's maps current. */
export function createPolicyCatalog(
  policies: Map<string, Policy>,
  digests: Map<string, string>,
): PolicyCatalog {
  return {
    check(name, text) {
      const policy = parsePolicy(text, `policy "${name}" (upload)`);
      // A side file named in an upload would be read from the gateway's disk: not accepted.
      if (policy.subset?.suppress?.some((s) => s.hashes_file !== undefined) === true)
        throw new GatewayError(
          'policy_invalid',
          `policy "${name}" (upload): subset.suppress[].hashes_file cannot be used in an upload; list the hashes`,
        );
      return { digest: policyDigest(policy), policyJson: JSON.stringify(policy) };
    },
    changed(name, policyJson, digest) {
      policies.set(name, JSON.parse(policyJson) as Policy);
      digests.set(name, digest);
    },
  };
}
