import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A copy of a policy file with a `subset:` section (YAML text) appended, in a fresh temporary folder. */
export async function policyWithSubset(base: string, subsetYaml: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lookalike-subset-'));
  const file = join(dir, 'policy.yaml');
  await writeFile(file, `${await readFile(base, 'utf8')}\nsubset:\n${subsetYaml}`);
  return file;
}
