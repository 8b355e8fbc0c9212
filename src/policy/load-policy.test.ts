import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GatewayError } from '../core/index.js';
import { loadPolicy } from './load-policy.js';
import { policyDigest } from './policy-digest.js';

const A = 'a'.repeat(64);
const B = 'B'.repeat(64);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lookalike-policy-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writePolicy(hashesFile: string, lines: string): Promise<string> {
  await writeFile(join(dir, hashesFile), lines);
  const path = join(dir, 'policy.yaml');
  await writeFile(
    path,
    `version: 1\nsubset:\n  targets: [{ table: customer, percent: 10 }]\n  suppress:\n    - { table: customer, column: email, hashes: ["${'c'.repeat(64)}"], hashes_file: ${hashesFile} }\n`,
  );
  return path;
}

describe('loadPolicy with subset.suppress[].hashes_file', () => {
  it('reads the file (relative to the policy) into the entry’s hashes, and the digest follows the file', async () => {
    const path = await writePolicy('erased.txt', `# erasure requests\n${A}\n\n  ${B}  \n`);
    const policy = await loadPolicy(path);
    const entry = policy.subset?.suppress[0];
    expect(entry?.hashes).toEqual(['c'.repeat(64), A, B.toLowerCase()]);
    expect(entry && 'hashes_file' in entry).toBe(false);
    const before = policyDigest(policy);
    await writePolicy('erased.txt', `${A}\n`);
    expect(policyDigest(await loadPolicy(path))).not.toBe(before);
  });

  it('refuses a line that is not a hash, naming the line and never its text', async () => {
    const path = await writePolicy('bad.txt', `${A}\nann@example.org\n`);
    const error = await loadPolicy(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('policy_invalid');
    expect((error as GatewayError).message).toMatch(/bad\.txt line 2: expected 64 hex characters/);
    expect((error as GatewayError).message).not.toContain('ann@example.org');
  });

  it('says which file it could not read', async () => {
    const path = join(dir, 'missing.yaml');
    await writeFile(
      path,
      'version: 1\nsubset:\n  targets: [{ table: t }]\n  suppress: [{ table: t, column: c, hashes_file: nowhere.txt }]\n',
    );
    const error = (await loadPolicy(path).catch((e: unknown) => e)) as GatewayError;
    expect(error.code).toBe('policy_unreadable');
    expect(error.message).toMatch(/subset\.suppress\[0\]\.hashes_file: cannot read nowhere\.txt \(ENOENT\)/);
  });
});
