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

/**
 * Each configured policy's current version, asked of the state store at the moment it is needed: an admin's
 * upload through any replica is what every replica plans and records with from then on, with no restart.
 * Parsed policies are kept by digest (a version's text never changes). Falls back to this process's copy
 * when the store has no version (a policy configured after this process recorded the others).
 */
export interface CurrentPolicies {
  readonly policy: (name: string) => Promise<Policy | undefined>;
  readonly digest: (name: string) => Promise<string | null>;
}

export function currentPoliciesOf(
  store: StateStore,
  policies: ReadonlyMap<string, Policy>,
  digests: ReadonlyMap<string, string>,
): CurrentPolicies {
  const parsed = new Map<string, Policy>();
  const current = async (name: string): Promise<{ policy: Policy; digest: string } | undefined> => {
    if (!policies.has(name)) return undefined;
    const stored = await store.getPolicyVersion(name);
    if (stored === null) {
      const policy = policies.get(name) as Policy;
      return { policy, digest: digests.get(name) ?? policyDigest(policy) };
    }
    let policy = parsed.get(stored.digest);
    if (policy === undefined) {
      policy = JSON.parse(stored.policyJson) as Policy;
      parsed.set(stored.digest, policy);
    }
    return { policy, digest: stored.digest };
  };
  return {
    policy: async (name) => (await current(name))?.policy,
    digest: async (name) => (await current(name))?.digest ?? null,
  };
}
